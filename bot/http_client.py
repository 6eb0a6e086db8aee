"""A small HTTP/1.1 client for the Bot API: keep-alive connections to Telegram's server.

Why not aiohttp's client: the bot makes two or three Bot API calls per button press, and
aiohttp's client spent about 240 µs of CPU on each (request and response objects, URL
parsing, timers, the cookie jar; tuning its session did not help), a sixth of the bot's CPU
in `python -m bench.load`. The Bot API needs little of HTTP: a POST with a body to one
server, an answer with `Content-Length` (or chunked, or ending with the connection). This
client does that and no more, about 80 µs a call (`docs/benchmarks.md`).

One `Pool` per server (scheme, host and port): up to `limit` connections, each carrying one
request at a time and kept open for the next. A connection the server closed while idle is
dropped before use; a reused connection that closes before any byte of the answer arrived is
the same race one step later (the server timed it out as we sent), and the request goes
once more on a new connection, as browsers and urllib3 do: the server closes an idle
connection before reading a request from it, so the request was not handled.

Failures: the whole exchange beyond `timeout` raises `TimeoutError`, anything else on the
wire `ConnectionError` (the transport, bot/api_request.py, turns them into PTB's errors).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass

# Longest status line and headers we read: the Bot API's are a few hundred bytes.
MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class Origin:
    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The server of `url`."""
        scheme, _, rest = url.partition("://")
        if scheme not in ("http", "https"):
            raise ConnectionError(f"not an http(s) URL: {url}")
        netloc = rest.partition("/")[0]
        if netloc.startswith("["):  # an IPv6 address
            host, _, after = netloc[1:].partition("]")
            port = after.removeprefix(":")
        else:
            host, _, port = netloc.partition(":")
        default = 443 if scheme == "https" else 80
        return cls(scheme, host, int(port) if port else default)


class Unanswered(ConnectionError):
    """The connection closed before any byte of the answer arrived (the name says it all in
    a log line: `NetworkError("Unanswered: ")`)."""


class _Answer:
    """The response being read on one connection: status, headers, then the body."""

    def __init__(self) -> None:
        self.status = 0
        self.keep_alive = True
        self.length: int | None = None  # Content-Length; None: chunked or until closed
        self.chunked = False
        self.head_done = False
        self.body = bytearray()
        self.received = False  # any byte of it


class Connection(asyncio.Protocol):
    """One keep-alive connection: `exchange` writes a request and waits for its answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self._buffer = bytearray()
        self._answer: _Answer | None = None
        self._waiter: asyncio.Future[tuple[int, bytes, bool]] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        answer, waiter = self._answer, self._waiter
        if waiter is None or waiter.done() or answer is None:
            return
        if answer.head_done and answer.length is None and not answer.chunked:
            self._finish(answer)  # an answer that ends with the connection
            return
        if not answer.received:
            waiter.set_exception(Unanswered())
        else:
            waiter.set_exception(ConnectionError("the server closed the connection mid-answer"))

    def data_received(self, data: bytes) -> None:
        answer = self._answer
        if answer is None:  # nothing asked: the server may not talk now
            self.close()
            return
        answer.received = True
        self._buffer += data
        try:
            self._parse(answer)
        except (ValueError, ConnectionError) as error:  # ValueError: a number that is none
            self.close()
            if self._waiter is not None and not self._waiter.done():
                self._waiter.set_exception(ConnectionError(f"unreadable answer: {error}"))

    def _parse(self, answer: _Answer) -> None:
        buffer = self._buffer
        if not answer.head_done:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEAD:
                    raise ConnectionError("headers too long")
                return
            self._read_head(answer, bytes(buffer[:end]).decode("latin-1"))
            del buffer[: end + 4]
        if answer.chunked:
            self._read_chunks(answer)
        elif answer.length is not None:
            if len(buffer) >= answer.length:
                answer.body = buffer[: answer.length]
                del buffer[: answer.length]
                self._finish(answer)
        else:  # until the connection closes
            answer.body += buffer
            buffer.clear()

    @staticmethod
    def _read_head(answer: _Answer, head: str) -> None:
        status_line, *lines = head.split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise ConnectionError(f"not HTTP/1.x: {status_line[:40]!r}")
        answer.status = int(rest[:3])
        answer.keep_alive = version == "HTTP/1.1"
        for line in lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                answer.length = int(value)
            elif name == "transfer-encoding":
                answer.chunked = value.endswith("chunked")
            elif name == "connection":
                answer.keep_alive = value == "keep-alive" or (
                    answer.keep_alive and value != "close"
                )
        if answer.chunked:
            answer.length = None
        elif answer.length is None and answer.status in (204, 304):
            answer.length = 0
        if answer.length is None and not answer.chunked:
            answer.keep_alive = False  # the body ends with the connection
        answer.head_done = True

    def _read_chunks(self, answer: _Answer) -> None:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\r\n")
            if end < 0:
                return
            size = int(bytes(buffer[:end]).split(b";", 1)[0], 16)
            if size == 0:
                trailer_end = buffer.find(b"\r\n\r\n", end)
                if trailer_end < 0:
                    return
                del buffer[: trailer_end + 4]
                self._finish(answer)
                return
            if len(buffer) < end + 2 + size + 2:
                return
            answer.body += buffer[end + 2 : end + 2 + size]
            del buffer[: end + 2 + size + 2]

    def _finish(self, answer: _Answer) -> None:
        self._answer = None
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((answer.status, bytes(answer.body), answer.keep_alive))

    async def exchange(self, request: bytes) -> tuple[int, bytes, bool]:
        """Sends `request` (head and body) and returns the status, the body and whether the
        connection may carry another request."""
        assert self.transport is not None and self._waiter is None
        self._answer = _Answer()
        self._buffer.clear()
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        return await self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class Pool:
    """Up to `limit` connections to one server, each reused while the server keeps it."""

    def __init__(self, origin: Origin, limit: int, ssl_context: ssl.SSLContext | None) -> None:
        self.origin = origin
        self._room = asyncio.Semaphore(limit)
        self._idle: list[Connection] = []
        self._ssl = ssl_context if origin.scheme == "https" else None
        host = origin.host if ":" not in origin.host else f"[{origin.host}]"
        default = 443 if origin.scheme == "https" else 80
        self.host_header = host if origin.port == default else f"{host}:{origin.port}"

    async def _connect(self, timeout: float | None) -> Connection:
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            _, connection = await loop.create_connection(
                Connection,
                self.origin.host,
                self.origin.port,
                ssl=self._ssl,
                server_hostname=self.origin.host if self._ssl else None,
            )
        return connection

    def _reusable(self) -> Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if not connection.closed:
                return connection
        return None

    async def request(
        self,
        request: bytes,
        timeout: float | None,
        connect_timeout: float | None,
        ready: Callable[[], None] | None = None,
    ) -> tuple[int, bytes]:
        async with self._room:
            connection = self._reusable()
            reused = connection is not None
            while True:
                if connection is None:
                    connection = await self._connect(connect_timeout)
                if ready is not None:
                    try:
                        ready()
                    except BaseException:
                        self._idle.append(connection)  # nothing written on it: still usable
                        raise
                try:
                    async with asyncio.timeout(timeout):
                        status, body, keep = await connection.exchange(request)
                except Unanswered:
                    connection.close()
                    if not reused:
                        raise
                    connection, reused = None, False  # a stale connection: once more
                    continue
                except ConnectionError:
                    connection.close()
                    raise
                except BaseException:  # timed out or cancelled: the answer may still come
                    connection.close()
                    raise
                if keep and not connection.closed:
                    self._idle.append(connection)
                else:
                    connection.close()
                return status, body

    def close(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle.clear()


class Client:
    """Keep-alive connections to the servers asked (in practice one: the Bot API's)."""

    def __init__(self, limit: int, user_agent: str) -> None:
        self._limit = limit
        self._user_agent = user_agent
        self._pools: dict[str, tuple[Pool, str]] = {}
        self._ssl: ssl.SSLContext | None = None

    def _pool(self, url: str) -> tuple[Pool, str]:
        slash = url.find("/", url.find("://") + 3)
        prefix = url if slash < 0 else url[:slash]
        known = self._pools.get(prefix)
        if known is None:
            origin = Origin.of(prefix)
            if origin.scheme == "https" and self._ssl is None:
                self._ssl = ssl.create_default_context()
            known = self._pools[prefix] = (Pool(origin, self._limit, self._ssl), prefix)
        return known

    async def request(
        self,
        method: str,
        url: str,
        body: bytes = b"",
        content_type: str | None = None,
        timeout: float | None = None,
        connect_timeout: float | None = None,
        ready: Callable[[], None] | None = None,
    ) -> tuple[int, bytes]:
        """`method` on `url` with `body`: the answer's status and body. `ready` is called
        right before each write of the request, once a connection is open (opening one can
        take a while): it may refuse the write by raising, and nothing is sent then."""
        pool, prefix = self._pool(url)
        path = url[len(prefix) :] or "/"
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {pool.host_header}",
            f"User-Agent: {self._user_agent}",
            f"Content-Length: {len(body)}",
        ]
        if content_type is not None:
            head.append(f"Content-Type: {content_type}")
        request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        return await pool.request(request, timeout, connect_timeout, ready)

    def close(self) -> None:
        for pool, _ in self._pools.values():
            pool.close()
        self._pools.clear()
