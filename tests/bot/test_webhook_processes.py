"""The production path as one test: a round-robin load balancer in front of three real
`python -m bot run --webhook` processes on one database, Telegram (the fake) posting with the
secret token. One user's steps hop between the processes; the deadline, which every process
finds passed at start-up, closes applications and runs the matching once."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select
from test_webhook import SECRET, webhook_process

import builders
from builders import ADMIN
from fake_telegram import ChatMessage, FakeUser
from fake_telegram.ports import listening_port
from store.db import session_scope
from store.models import Event, Participant, Phase

PATH = "/telegram"
PROCESSES = 3
WAIT = 60.0


pytestmark = pytest.mark.processes


@asynccontextmanager
async def round_robin(backends: list[str]) -> AsyncIterator[tuple[str, list[str]]]:
    """A load balancer: each POST goes to the next backend in turn, headers and body as they
    came; yields its URL and the backends in the order they were given requests."""
    turns = itertools.cycle(backends)
    chosen: list[str] = []

    async def forward(request: web.Request) -> web.Response:
        backend = next(turns)
        chosen.append(backend)
        headers = {k: v for k, v in request.headers.items() if k.lower().startswith("x-")}
        async with (
            aiohttp.ClientSession() as http,
            http.post(backend, data=await request.read(), headers=headers) as answer,
        ):
            return web.Response(status=answer.status, body=await answer.read())

    app = web.Application()
    app.router.add_post(PATH, forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = listening_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}{PATH}", chosen
    finally:
        await runner.cleanup()


@contextmanager
def bot_processes(fake_port: int, database_url: str, public: str, ports: list[int]) -> Iterator:
    processes = [
        webhook_process(
            fake_port,
            database_url,
            public,
            port,
            "--path",
            PATH,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:  # a process still starting on a loaded machine
                process.kill()
                process.wait()


async def healthy(port: int) -> bool:
    for _ in range(600):
        try:
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/healthz") as answer,
            ):
                if answer.status == 200:
                    return True
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    return False


def has_button(label: str) -> Callable[[ChatMessage], bool]:
    return lambda message: any(b.text == label for row in message.buttons for b in row)


async def answer(user: FakeUser, shows: Callable[[ChatMessage], bool]) -> ChatMessage:
    """The bot's next message to `user` that `shows` what is awaited, within WAIT."""
    return next(m for m in await user.wait_for(shows, timeout=WAIT) if shows(m))


async def test_three_webhook_processes_behind_a_balancer(fake, engine, database_url):
    with session_scope(engine) as session:
        builders.fair(session, buyers=2, sellers=2)  # its deadline has passed
        builders.participant(session, "S9", telegram_id=1999, language="en")
    admin = fake.user(ADMIN, "Organizer", language_code="en")
    admin.bot.open_chat(admin.profile)  # has opened the bot: the summary can reach it
    ports = [listening_port() for _ in range(PROCESSES)]
    backends = [f"http://127.0.0.1:{port}{PATH}" for port in ports]
    async with round_robin(backends) as (public, chosen):
        with bot_processes(fake.port, database_url, public, ports):
            assert all([await healthy(port) for port in ports])
            # Each sets the webhook once its server answers: the last may not have yet.
            assert await fake.changes.wait_for(
                lambda: sum(c.method == "setWebhook" for c in fake.calls) == PROCESSES, WAIT
            )
            assert fake.bot().webhook["url"] == public
            assert fake.bot().webhook["secret_token"] == SECRET
            kim = fake.user(1999, "Kim")
            # Each answer awaited by what it shows: in other processes, the bot's calls for one
            # step can pause longer than wait_reply's quiet period on a loaded machine.
            await kim.send("/menu")
            menu = await answer(kim, has_button("👤 Account info"))
            await kim.press(menu, "👤 Account info")
            section = await answer(kim, has_button("✏️ E-mail"))
            await kim.press(section, "✏️ E-mail")
            await answer(kim, lambda m: "E-mail: send the new value" in (m.text or ""))
            await kim.send("kim@hanbit.kr")
            await answer(kim, lambda m: "E-mail saved" in (m.text or ""))
            await admin.wait_for(lambda m: "Requests are closed" in (m.text or ""), timeout=WAIT)
            await asyncio.sleep(1.0)  # room for a second, wrong, summary from another process
    # Each step reached the next process in turn, and the typed step followed the user.
    assert set(chosen[:4]) == set(backends) and len(chosen) >= 4
    with session_scope(engine) as session:
        kim_row = session.exec(select(Participant).where(Participant.code == "S9")).one()
        assert kim_row.email == "kim@hanbit.kr"
        event = session.exec(select(Event)).one()
        assert event.phase == Phase.matched and event.matching_runs == 1
    closed = [m for m in admin.messages if "Requests are closed" in (m.text or "")]
    assert len(closed) == 1
