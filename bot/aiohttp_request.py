"""PTB's Bot API calls over aiohttp instead of httpx.

Profiling the load benchmark (`python -m bench.load`, py-spy) showed httpx/httpcore taking
most of the bot's CPU: every call walks the connection pool and asks each socket for its
peer. aiohttp, already our HTTP server library, does the same work for a fraction of the CPU.
`BaseRequest` is PTB's documented extension point for this; the behaviour (timeouts raising
`TimedOut`, transport failures raising `NetworkError`, multipart for files) follows PTB's own
`HTTPXRequest`. A paced bulk message is checked against its sending slot as the last step
before it is written (jobs/sending.py).

A call without files goes out as one JSON body (`json.dumps` of the parameters, which the Bot
API reads like a form): aiohttp turning a dict into a url-encoded form built a multipart
writer and a uuid per call, about a third of the transport's CPU in the same profile.
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from jobs.sending import check_on_time

JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
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
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._limit)
            headers = {"User-Agent": self.USER_AGENT}
            self._session = aiohttp.ClientSession(connector=connector, headers=headers)

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        has_files: bool,
    ) -> aiohttp.ClientTimeout:
        if isinstance(read, DefaultValue):
            read = self._read_timeout
        if isinstance(connect, DefaultValue):
            connect = self._connect_timeout
        if isinstance(write, DefaultValue):
            write = self._media_write_timeout if has_files else self._write_timeout
        # aiohttp has no separate write timeout: the whole exchange gets read + write.
        total = None if read is None or write is None else read + write
        return aiohttp.ClientTimeout(total=total, sock_connect=connect)

    @staticmethod
    def _body(request_data: RequestData | None) -> aiohttp.FormData | bytes | None:
        if request_data is None:
            return None
        if not request_data.contains_files:
            return json.dumps(request_data.parameters, ensure_ascii=False).encode()
        # A file name as it is, in UTF-8 (as httpx, PTB's default, sends it): aiohttp would
        # percent-encode it, and the chat would show "%EB%B6%90….ics" for a Korean name.
        form = aiohttp.FormData(quote_fields=False)
        for name, value in request_data.json_parameters.items():
            form.add_field(name, value)
        for name, (filename, content, mimetype) in request_data.multipart_data.items():
            form.add_field(name, content, filename=filename, content_type=mimetype)
        return form

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
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        has_files = request_data is not None and request_data.contains_files
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, has_files)
        body = self._body(request_data)
        headers = JSON if isinstance(body, bytes) else None
        check_on_time()  # a paced message goes now or takes a later slot (jobs/sending.py)
        try:
            async with self._session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
