"""PTB's Bot API calls over our own keep-alive HTTP client (bot/http_client.py).

`BaseRequest` is PTB's documented extension point for the transport. Profiling the load
benchmark (`python -m bench.load`, py-spy) first showed httpx/httpcore, PTB's default, taking
most of the bot's CPU (every call walks the connection pool and asks each socket for its
peer); aiohttp's client, which replaced it, then cost about 240 µs of CPU a call, our client
about 80 µs. The behaviour follows PTB's own `HTTPXRequest`: timeouts raise `TimedOut`,
transport failures `NetworkError`, files go as multipart. A paced bulk message is checked
against its sending slot as the last step before it is written, once its connection is open
(jobs/sending.py).

A call without files goes out as one JSON body (`json.dumps` of the parameters, which the Bot
API reads like a form): building a url-encoded form cost more CPU than the JSON.

`post_unread` is the call for answers nothing reads (an edited menu, a notice, a callback
answer): see handlers/ui.py `post_unread`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.http_client import Client
from jobs.sending import check_on_time

JSON = "application/json"


class PlainJson(RequestData):
    """Parameters that are plain JSON values already (no PTB objects to convert), and files
    as (name, content, type), for `post_unread`: PTB's own `RequestData` converts each
    parameter on every call."""

    def __init__(
        self, parameters: Mapping[str, Any], files: Mapping[str, tuple[str, bytes, str]]
    ) -> None:
        super().__init__()
        self._plain = dict(parameters)
        self._files = dict(files)
        self.contains_files = bool(files)

    @property
    def parameters(self) -> dict[str, Any]:  # type: ignore[override]
        return self._plain

    @property
    def json_parameters(self) -> dict[str, str]:  # type: ignore[override]
        """Each parameter as a multipart form field: text as it is, the rest as JSON."""
        return {
            name: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            for name, value in self._plain.items()
        }

    @property
    def multipart_data(self) -> dict[str, tuple[str, bytes, str]]:  # type: ignore[override]
        return self._files


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type. A file name goes as it is, in UTF-8
    (as httpx, PTB's default, sends it; percent-encoded, a chat would show "%EB%B6%90….ics"
    for a Korean name), with the characters that would end the header escaped as browsers do."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(_part(boundary, f'name="{_quoted(name)}"', value.encode()))
    for name, (filename, content, mimetype) in files.items():
        disposition = f'name="{_quoted(name)}"; filename="{_quoted(filename)}"'
        parts.append(_part(boundary, disposition, content, mimetype))
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _quoted(value: str) -> str:
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _part(boundary: str, disposition: str, content: bytes, mimetype: str | None = None) -> bytes:
    head = f"--{boundary}\r\nContent-Disposition: form-data; {disposition}\r\n"
    if mimetype is not None:
        head += f"Content-Type: {mimetype}\r\n"
    return (head + "\r\n").encode() + content + b"\r\n"


class ApiRequest(BaseRequest):
    def __init__(
        self,
        connection_limit: int = 64,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._limit = connection_limit
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._client: Client | None = None

    @classmethod
    def lasting(cls, seconds: float) -> ApiRequest:
        """A transport whose calls give up after `seconds` in all (TELEGRAM_TIMEOUT_SECONDS):
        the whole exchange's limit is its read and write timeouts together."""
        return cls(read_timeout=seconds / 2, write_timeout=seconds / 2)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._client is None:
            self._client = Client(self._limit, self.USER_AGENT)

    async def shutdown(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _timeouts(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        has_files: bool,
    ) -> tuple[float | None, float | None]:
        """The whole exchange's limit (read + write: no separate write timeout) and the
        connection's."""
        if isinstance(read, DefaultValue):
            read = self._read_timeout
        if isinstance(connect, DefaultValue):
            connect = self._connect_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if has_files else self._write_timeout
        total = None if read is None or write is None else read + write
        return total, connect

    @staticmethod
    def _body(request_data: RequestData | None) -> tuple[bytes, str | None]:
        if request_data is None:
            return b"", None
        if not request_data.contains_files:
            return json.dumps(request_data.parameters, ensure_ascii=False).encode(), JSON
        return multipart(request_data.json_parameters, request_data.multipart_data)

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._client is None:
            raise RuntimeError("ApiRequest is not initialized")
        has_files = request_data is not None and request_data.contains_files
        timeout, connect = self._timeouts(read_timeout, write_timeout, connect_timeout, has_files)
        body, content_type = self._body(request_data)
        # A paced message goes now or takes a later slot (jobs/sending.py), checked once its
        # connection is open: opening one (a TLS handshake with Telegram) takes a while.
        try:
            return await self._client.request(
                method, url, body, content_type, timeout, connect, ready=check_on_time
            )
        except TimeoutError as error:
            raise TimedOut from error
        except OSError as error:  # ConnectionError and the socket's own failures
            raise NetworkError(f"{type(error).__name__}: {error}") from error

    async def post_unread(
        self,
        url: str,
        parameters: Mapping[str, Any],
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> None:
        """POSTs `parameters` (plain JSON values) and `files` ((name, content, type) by field)
        and checks the answer as every call does (PTB's errors: `BadRequest`, `RetryAfter`,
        ...), but does not parse a successful answer's result, which its caller would not
        read."""
        await self._request_wrapper(url, "POST", PlainJson(parameters, files or {}))
