"""The Bot API transport and its HTTP client: the real bot's calls already run over them in
every handler test (files too: tests/bot/test_demo.py's Korean .ics name); here, the answers a
server may give that the fake does not (chunked, ending with the connection, a connection
closed while idle, no answer), and what a transport failure becomes."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.api_request import ApiRequest, multipart
from bot.app import make_bot
from bot.http_client import Client, Origin
from bot.settings import Settings

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def read_request(reader: asyncio.StreamReader) -> bytes:
    """One request's body (the client always sends Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return await reader.readexactly(length)


@asynccontextmanager
async def server(serve: Serve) -> AsyncIterator[tuple[str, list[int]]]:
    """A server speaking raw HTTP as `serve` writes it; yields its base URL and, per accepted
    connection, how many requests it carried."""
    carried: list[int] = []
    handlers: set[asyncio.Task[None]] = set()

    async def connected(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        carried.append(0)
        number = len(carried) - 1
        try:
            while True:
                await serve(reader, writer)
                carried[number] += 1
                if writer.is_closing():
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    listening = await asyncio.start_server(connected, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        try:
            yield f"http://127.0.0.1:{port}/bot1:x", carried
        finally:
            for handler in handlers:  # connections the client keeps open
                handler.cancel()
            await asyncio.gather(*handlers, return_exceptions=True)


def answer(body: bytes, *headers: str) -> bytes:
    head = ["HTTP/1.1 200 OK", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    made = Client(4, "test")
    yield made
    made.close()


async def test_connections_are_kept_and_reused(client: Client) -> None:
    async def serve(reader, writer) -> None:
        body = await read_request(reader)
        writer.write(answer(b'{"echo": ' + body + b"}"))

    async with server(serve) as (url, carried):
        for number in range(5):
            status, body = await client.request("POST", f"{url}/getMe", b"%d" % number, "x")
            assert (status, body) == (200, b'{"echo": %d}' % number)
    assert carried == [5]


async def test_a_chunked_answer_arriving_in_pieces(client: Client) -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        writer.write(answer(b"", "Transfer-Encoding: chunked"))
        for piece in (b"5\r\nhel", b"lo\r\n6;ext=1\r\n world\r\n", b"0\r\n", b"\r\n"):
            await writer.drain()
            await asyncio.sleep(0.01)
            writer.write(piece)

    async with server(serve) as (url, carried):
        assert await client.request("POST", f"{url}/a") == (200, b"hello world")
        assert await client.request("POST", f"{url}/b") == (200, b"hello world")
    assert carried == [2]


async def test_an_answer_that_ends_with_the_connection(client: Client) -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
        await writer.drain()
        writer.close()

    async with server(serve) as (url, carried):
        assert await client.request("POST", f"{url}/a") == (200, b"all of it")
        assert await client.request("POST", f"{url}/b") == (200, b"all of it")
    assert carried == [1, 1]


async def test_a_connection_the_server_closed_while_idle_is_replaced(client: Client) -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        writer.write(answer(b"ok"))
        await writer.drain()
        writer.close()  # without saying so: the client finds out when it reuses it

    async with server(serve) as (url, carried):
        for _ in range(3):
            assert await client.request("POST", f"{url}/a") == (200, b"ok")
    assert carried == [1, 1, 1]


def dropping_the_second_request() -> Serve:
    """A server's answer to each request but the second on a connection: that one it closes
    the connection on, unanswered."""
    served: dict[int, int] = {}

    async def serve(reader, writer) -> None:
        await read_request(reader)
        served[id(writer)] = served.get(id(writer), 0) + 1
        if served[id(writer)] == 2:
            writer.close()
            return
        writer.write(answer(b"ok"))

    return serve


async def test_a_request_the_server_closed_unread_goes_again_on_a_new_connection(
    client: Client,
) -> None:
    """The race behind keeping connections: the server drops an idle connection just as a
    request goes out on it, so nothing comes back; the request was not handled."""
    async with server(dropping_the_second_request()) as (url, carried):
        for _ in range(3):
            assert await client.request("POST", f"{url}/a") == (200, b"ok")
    # the first connection: answered, then dropped; the second the same; the third answered
    assert carried == [2, 2, 1]


class Refused(Exception):
    """What a `ready` hook raises to refuse a write (the pacer's SlotMissed)."""


async def test_a_write_refused_when_ready_sends_nothing_and_keeps_the_connection(
    client: Client,
) -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        writer.write(answer(b"ok"))

    def refuse() -> None:
        raise Refused

    async with server(serve) as (url, carried):
        with pytest.raises(Refused):
            await client.request("POST", f"{url}/a", ready=refuse)
        assert await client.request("POST", f"{url}/a", ready=lambda: None) == (200, b"ok")
    # The connection opened for the refused request carried the next one, and only that.
    assert carried == [1]


async def test_a_request_going_again_on_a_new_connection_is_checked_again(
    client: Client,
) -> None:
    """A paced message may not be written late: each write, also the one after opening a new
    connection for a request the server dropped unread, asks `ready` first."""
    checks: list[int] = []

    def ready() -> None:
        checks.append(len(checks))
        if len(checks) == 3:  # the second request's second write: too late by now
            raise Refused

    async with server(dropping_the_second_request()) as (url, carried):
        assert await client.request("POST", f"{url}/a", ready=ready) == (200, b"ok")
        with pytest.raises(Refused):
            await client.request("POST", f"{url}/a", ready=ready)
        assert await client.request("POST", f"{url}/a") == (200, b"ok")
    assert len(checks) == 3
    # the first connection: answered, then dropped unread; the second, opened for the retry,
    # was not written to until the next request
    assert carried == [2, 1]


async def test_a_server_that_does_not_answer_times_out() -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        await asyncio.sleep(10)

    request = ApiRequest(read_timeout=0.1, write_timeout=0.1)
    await request.initialize()
    try:
        async with server(serve) as (url, _):
            with pytest.raises(TimedOut):
                await request.do_request(f"{url}/getMe", "POST")
    finally:
        await request.shutdown()


async def test_the_bot_gives_up_a_call_after_telegram_timeout_seconds() -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        await asyncio.sleep(10)

    settings = Settings(_env_file=None, telegram_bot_token="1:x", telegram_timeout_seconds=0.4)
    request = make_bot(settings).request
    await request.initialize()
    try:
        async with server(serve) as (url, _):
            started = time.monotonic()
            with pytest.raises(TimedOut):
                await request.do_request(f"{url}/getMe", "POST")
            assert time.monotonic() - started < 5  # not the default 10 s
    finally:
        await request.shutdown()


async def test_a_server_that_hangs_up_mid_answer_is_a_network_error(client: Client) -> None:
    async def serve(reader, writer) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
        await writer.drain()
        writer.close()

    request = ApiRequest()
    await request.initialize()
    try:
        async with server(serve) as (url, _):
            with pytest.raises(NetworkError, match="mid-answer"):
                await request.do_request(f"{url}/getMe", "POST")
    finally:
        await request.shutdown()


async def test_an_unreachable_server_is_a_network_error() -> None:
    request = ApiRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{closed_port()}/bot1:x/getMe", "POST")
    finally:
        await request.shutdown()


async def test_it_must_be_initialized() -> None:
    with pytest.raises(RuntimeError):
        await ApiRequest().do_request("http://127.0.0.1:1/", "POST")


async def test_post_unread_raises_the_errors_every_call_raises() -> None:
    errors = iter(
        [
            (400, b'{"ok": false, "description": "Bad Request: message is not modified"}'),
            (429, b'{"ok": false, "description": "Too Many", "parameters": {"retry_after": 3}}'),
            (200, b'{"ok": true, "result": {"message_id": 1}}'),
        ]
    )

    async def serve(reader, writer) -> None:
        await read_request(reader)
        status, body = next(errors)
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)

    request = ApiRequest()
    await request.initialize()
    try:
        async with server(serve) as (url, _):
            with pytest.raises(BadRequest, match="not modified"):
                await request.post_unread(f"{url}/editMessageText", {"text": "x"})
            with pytest.raises(RetryAfter):
                await request.post_unread(f"{url}/editMessageText", {"text": "x"})
            assert await request.post_unread(f"{url}/editMessageText", {"text": "x"}) is None
    finally:
        await request.shutdown()


def test_origins_and_their_default_ports() -> None:
    assert Origin.of("https://api.telegram.org/bot1:x/getMe") == Origin(
        "https", "api.telegram.org", 443
    )
    assert Origin.of("http://127.0.0.1:8081/bot") == Origin("http", "127.0.0.1", 8081)
    assert Origin.of("http://[::1]:8081/bot") == Origin("http", "::1", 8081)
    assert Origin.of("http://[::1]") == Origin("http", "::1", 80)
    with pytest.raises(ConnectionError):
        Origin.of("ftp://example.org/")


def test_multipart_names_stay_readable_and_cannot_break_the_header() -> None:
    body, content_type = multipart(
        {"chat_id": "5"}, {"document": ('상담 "일정"\r\n.ics', b"BEGIN:VCALENDAR", "text/calendar")}
    )
    boundary = content_type.split("boundary=")[1]
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert 'filename="상담 %22일정%22%0D%0A.ics"'.encode() in body
    assert body.endswith(f"--{boundary}--\r\n".encode())
