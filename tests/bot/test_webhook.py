"""Webhook mode: Telegram's POSTs on the URL's path with the secret token; anything else is
refused and changes nothing; /healthz tells the load balancer whether the database answers."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

import builders
from bot.app import build
from bot.cli import main
from bot.runner import Webhook, webhook_running
from bot.settings import Settings
from bot.webhook import serving
from builders import ADMIN
from fake_telegram import DEFAULT_TOKEN, FakeTelegram, attached
from fake_telegram.ports import listening_port
from handlers.services import Services
from store.db import make_engine, session_scope
from store.models import AuditLog

SECRET = "s3cret-Token_42"
PATH = "/telegram/hook"
ROOT = Path(__file__).parents[2]


def forged_stats(update_id: int = 777) -> dict:
    """What an attacker would post: the admin's /stats, as Telegram would have sent it."""
    person = {"id": ADMIN, "is_bot": False, "first_name": "Organizer"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": ADMIN, "type": "private", "first_name": "Organizer"},
            "from": person,
            "text": "/stats",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


def settings_for(fake: FakeTelegram) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
        admin_ids=[ADMIN],
        default_language="en",
        webhook_secret=SECRET,
    )


@asynccontextmanager
async def webhook_bot(fake: FakeTelegram, engine, clock) -> AsyncIterator[str]:
    """The real bot in webhook mode on a free port; yields the URL the fake posts to."""
    settings = settings_for(fake)
    services = Services(engine, settings.admin_ids, settings.default_language, clock)
    application = build(settings, services)
    webhook = Webhook(None, SECRET, "127.0.0.1", 0, PATH)
    async with attached(application, fake), webhook_running(application, webhook) as url:
        yield url


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as answer:
        return answer.status, await answer.text()


def audit_count(engine) -> int:
    """How many times an admin's /stats ran (the deadline job may audit its own run too)."""
    with session_scope(engine) as session:
        return len(session.exec(select(AuditLog).where(AuditLog.action == "stats")).all())


def sent_messages(fake: FakeTelegram) -> int:
    return sum(call.method == "sendMessage" for call in fake.calls)


async def test_forged_posts_get_403_and_change_nothing_the_secret_is_handled(fake, engine, clock):
    with session_scope(engine) as session:
        builders.fair(session)
    async with webhook_bot(fake, engine, clock) as url, aiohttp.ClientSession() as http:
        assert url.endswith(PATH)
        assert fake.bot().webhook["url"] == url
        assert fake.bot().webhook["secret_token"] == SECRET
        audited, sent = audit_count(engine), sent_messages(fake)
        for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
            async with http.post(url, json=forged_stats(), headers=headers) as answer:
                assert answer.status == 403
        # The right secret on another path is not the webhook either.
        other = url.removesuffix(PATH) + "/"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        async with http.post(other, json=forged_stats(), headers=headers) as answer:
            assert answer.status in (404, 405)
        async with http.post(url, data="not json", headers=headers) as answer:
            assert answer.status == 400
        await fake.bot().changes.wait_for(lambda: False, 0.3)  # time for a wrongful reply
        assert (audit_count(engine), sent_messages(fake)) == (audited, sent)

        # Through the fake Telegram, which sends the secret: handled.
        admin = fake.user(ADMIN, "Organizer")
        [figures] = await admin.ask("/stats")
        assert "Participants" in figures.text or "participant" in figures.text.lower()
        assert audit_count(engine) == audited + 1
        assert all(status == 200 for _, status in fake.bot().webhook_answers)


async def test_healthz_answers_200_while_the_database_answers_503_when_not(
    fake, engine, clock, tmp_path
):
    async with webhook_bot(fake, engine, clock) as url:
        assert await get(url.removesuffix(PATH) + "/healthz") == (200, "ok")
    # A database that cannot be opened: the directory does not exist.
    missing = make_engine(f"sqlite:///{tmp_path}/no/such/dir/matchbot.db")
    settings = settings_for(fake)
    application = build(settings, Services(missing, settings.admin_ids, "en", clock))
    async with serving(application, listen="127.0.0.1", port=0, path=PATH, secret=SECRET) as port:
        assert await get(f"http://127.0.0.1:{port}/healthz") == (503, "unavailable")


def test_webhook_mode_refuses_to_start_without_a_secret(monkeypatch, capsys, database_url):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.delenv("WEBHOOK_SECRET", raising=False)
    assert main(["run", "--webhook", "https://bot.example.org/hook"]) == 2
    assert capsys.readouterr().err.startswith("WEBHOOK_SECRET is not set")
    monkeypatch.setenv("WEBHOOK_SECRET", "has spaces")
    with pytest.raises(SystemExit):
        main(["run", "--webhook", "https://bot.example.org/hook"])
    assert capsys.readouterr().err == (
        "Setting WEBHOOK_SECRET is not valid: 1 to 256 characters, only A-Z, a-z, 0-9, _ and -."
        " Fix it in the .env file or the environment.\n"
    )


def webhook_process(
    fake_port: int, database_url: str, url: str, port: int, *options: str, **popen: Any
) -> subprocess.Popen:
    """`python -m bot run --webhook url`, listening on 127.0.0.1:`port`, as an operator runs it
    (`popen`: more of `subprocess.Popen`'s arguments)."""
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{fake_port}",
        "DATABASE_URL": database_url,
        "ADMIN_IDS": str(ADMIN),
        "DEFAULT_LANGUAGE": "en",
        "WEBHOOK_SECRET": SECRET,
    }
    command = [sys.executable, "-m", "bot", "run", "--webhook", url, "--port", str(port)]
    return subprocess.Popen(
        [*command, "--listen", "127.0.0.1", *options], cwd=ROOT, env=env, **popen
    )


@pytest.mark.processes
async def test_python_m_bot_run_webhook_listens_on_the_url_path(fake, engine, database_url):
    """The command an operator (and the multi-process tests) run, as a real process."""
    with session_scope(engine) as session:
        builders.fair(session)
    port = listening_port()
    url = f"http://127.0.0.1:{port}/public/path"
    process = webhook_process(fake.port, database_url, url, port, "--path", "/local/path")
    try:
        assert await fake.bot().changes.wait_for(lambda: fake.bot().webhook is not None, 30)
        assert fake.bot().webhook["url"] == url  # what Telegram is told: the public URL
        assert await get(f"http://127.0.0.1:{port}/healthz") == (200, "ok")
        # Telegram would post to the public path; a proxy maps it to the local one here.
        fake.bot().webhook["url"] = f"http://127.0.0.1:{port}/local/path"
        admin = fake.user(ADMIN, "Organizer")
        await admin.send("/stats")
        # The reply itself, not just any call for the chat (the admin menu is set too).
        await admin.wait_for(lambda message: "📊" in (message.text or ""), timeout=30)
        assert audit_count(engine) == 1
    finally:
        process.terminate()
        # Waited for in a thread: the fake Telegram it may still be talking to runs on this loop.
        assert await asyncio.to_thread(process.wait, 30) == 0


@pytest.mark.processes
async def test_a_stop_signal_while_the_webhook_process_starts_stops_it_cleanly(
    fake, engine, database_url
):
    """A service manager may stop the bot while it still starts (a restart soon after a
    deploy): the process finishes its start and stops as it does when it serves, exit 0."""
    with session_scope(engine) as session:
        builders.fair(session)
    port = listening_port()
    process = webhook_process(fake.port, database_url, f"http://127.0.0.1:{port}/hook", port)
    try:
        # Its command menus are set: the bot is built and half-way through its start.
        commands = fake.bot().commands
        assert await fake.bot().changes.wait_for(lambda: commands, 30)
        process.terminate()
        assert await asyncio.to_thread(process.wait, 30) == 0
    finally:
        process.kill()
