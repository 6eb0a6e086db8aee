"""`FakeTelegram`: a Bot API server on 127.0.0.1 that a real PTB application talks to."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from aiohttp import web

from fake_telegram.changes import Changes
from fake_telegram.errors import ApiError, bad_request, not_found
from fake_telegram.methods import METHODS
from fake_telegram.models import ApiCall, TranscriptEvent
from fake_telegram.params import Params, read_params
from fake_telegram.state import BotState
from fake_telegram.webhooks import deliver

if TYPE_CHECKING:
    from fake_telegram.users import FakeUser

TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]+")
DEFAULT_TOKEN = "123456:TEST-TOKEN"

EventHook = Callable[[TranscriptEvent], object]


class FakeTelegram:
    """A fake Telegram Bot API server; state is kept per bot token.

    Use as ``async with FakeTelegram() as fake:`` and build the bot with
    ``.token(fake.token).base_url(fake.base_url).base_file_url(fake.base_file_url)``.
    Updates go to the bot by `getUpdates`, or, once it called `setWebhook`, by POSTs to that
    URL with the `secret_token` header, as Telegram does (fake_telegram/webhooks.py).
    """

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_first_name: str = "Matchbot",
        bot_username: str = "matchbot_test_bot",
        rate_limit_per_second: int | None = None,
        strict_html: bool = False,
        stars: int = 0,
    ) -> None:
        """`rate_limit_per_second` answers 429 to messages beyond that many in a rolling second;
        `strict_html` also refuses unescaped `&` and `>` in HTML, which Telegram accepts;
        `stars`: the bot's balance for paid broadcasts (fake_telegram/failures.py)."""
        self.token = token
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username
        self.rate_limit_per_second = rate_limit_per_second
        self.strict_html = strict_html
        self.stars = stars
        self.changes = Changes()
        self.transcript: list[TranscriptEvent] = []
        self.calls: list[ApiCall] = []
        self._hooks: list[EventHook] = []
        self._bots: dict[str, BotState] = {}
        self._users: dict[tuple[str, int], FakeUser] = {}
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    # Lifecycle

    async def start(self) -> None:
        self._stopping = asyncio.Event()
        for bot in self._bots.values():
            bot.closing = False
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self._delivery = asyncio.create_task(
            deliver(self._bots.values, self.changes, lambda: self._runner is None)
        )

    async def stop(self) -> None:
        for bot in self._bots.values():
            bot.closing = True
        self._stopping.set()  # answers held back (`fail_next(delay=...)`) go now
        if self._runner is not None:
            runner, self._runner = self._runner, None
            self.changes.notify()  # the webhook delivery sees `_runner is None` and returns
            if self._delivery is not None:
                await self._delivery
                self._delivery = None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For `ApplicationBuilder().base_url(...)`; PTB appends the token."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For `ApplicationBuilder().base_file_url(...)`."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # State, users, observation

    def bot(self, token: str | None = None) -> BotState:
        """The state of the bot with `token` (default: `self.token`), created on first use."""
        token = token or self.token
        if token not in self._bots:
            self._bots[token] = BotState(
                token,
                first_name=self.bot_first_name,
                username=self.bot_username,
                changes=self.changes,
                emit=self._emit,
                rate_limit_per_second=self.rate_limit_per_second,
                strict_html=self.strict_html,
                stars=self.stars,
            )
        return self._bots[token]

    def user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        token: str | None = None,
    ) -> FakeUser:
        """A simulated Telegram user of the bot `token`; the same id gives the same user."""
        from fake_telegram.users import FakeUser

        bot = self.bot(token)
        key = (bot.token, user_id)
        if key not in self._users:
            profile: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
            if last_name:
                profile["last_name"] = last_name
            if username:
                profile["username"] = username
            if language_code:
                profile["language_code"] = language_code
            bot.users[user_id] = profile
            self._users[key] = FakeUser(bot, profile)
        return self._users[key]

    def on_event(self, hook: EventHook) -> None:
        """Call `hook` with every transcript event from now on (e.g. `transcript.printer()`)."""
        self._hooks.append(hook)

    def _emit(self, event: TranscriptEvent) -> None:
        self.transcript.append(event)
        for hook in self._hooks:
            hook(event)

    # Failure injection

    def fail_next(
        self,
        chat_id: int | None = None,
        *,
        code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        method: str | None = None,
        token: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Fail the next `times` calls aimed at `chat_id` (any chat if None) with `code`.

        Without `method`, sends, edits, chat actions, deletions and callback answers match;
        with one (e.g. "getUpdates"), only that method does. A 429 carries `retry_after`.
        With `delay`, the error is answered only after that many seconds: longer than the
        bot's timeout, the call times out (and, as the error says, did nothing).
        """
        self.bot(token).failures.fail_next(
            chat_id,
            code=code,
            retry_after=retry_after,
            times=times,
            description=description,
            method=method,
            delay=delay,
        )

    def block(self, chat_id: int, token: str | None = None) -> None:
        """Every send or edit to `chat_id` fails with 403 until `unblock`."""
        self.bot(token).failures.blocked.add(chat_id)

    def unblock(self, chat_id: int, token: str | None = None) -> None:
        self.bot(token).failures.blocked.discard(chat_id)

    # HTTP

    async def _api(self, request: web.Request) -> web.Response:
        # Telegram counts a message against its limits when it arrives, before the fake has
        # read an upload: reading it first would turn the fake's own delays into bursts.
        arrived = time.monotonic()
        token = request.match_info["token"]
        name = request.match_info["method"]
        method = METHODS.get(name.lower())
        if not TOKEN_PATTERN.fullmatch(token) or method is None:
            return _error_response(not_found())
        bot = self.bot(token)
        try:
            params = await read_params(request)
        except ValueError as exc:
            return _error_response(bad_request(f"can't parse request: {exc}"))
        chat_id = _target_chat(bot, name.lower(), params)
        try:
            paid = params.get("allow_paid_broadcast") is True
            bot.failures.check(name.lower(), chat_id, arrived, paid)
            result = await method(bot, params)
        except ApiError as error:
            if error.delay:
                await self._hold(error.delay)
            self._record(bot, name, params, chat_id, error, arrived)
            if chat_id is not None:
                text = f"{name}: {error.description}"
                self._emit(
                    TranscriptEvent("bot", "error", chat_id, bot.bot_user["first_name"], text)
                )
            return _error_response(error)
        self._record(bot, name, params, chat_id, None, arrived)
        return web.json_response({"ok": True, "result": result})

    async def _hold(self, seconds: float) -> None:
        """Holds an answer back `seconds`, or until the server stops: stopping waits for
        every answer in progress, and a hanging Telegram would otherwise hold it that long."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    def _record(
        self,
        bot: BotState,
        method: str,
        params: Params,
        chat_id: int | None,
        error: ApiError | None,
        arrived: float,
    ) -> None:
        call = ApiCall(
            bot.token,
            method,
            params.values,
            chat_id,
            error.description if error else None,
            error.code if error else None,
            arrived,
        )
        bot.calls.append(call)
        self.calls.append(call)
        if chat_id is not None:
            bot.chat_calls[chat_id] = bot.chat_calls.get(chat_id, 0) + 1
        self.changes.notify()

    async def _download(self, request: web.Request) -> web.Response:
        bot = self.bot(request.match_info["token"])
        stored = bot.file_by_path(request.match_info["path"])
        if stored is None:
            return _error_response(not_found())
        return web.Response(body=stored.data, content_type="application/octet-stream")


def _target_chat(bot: BotState, method: str, params: Params) -> int | None:
    """The chat a call is aimed at, for failure injection and the transcript."""
    if method == "answercallbackquery":
        return bot.callback_queries.get(params.get("callback_query_id") or "")
    chat_id = params.get("chat_id")
    return chat_id if isinstance(chat_id, int) else None


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)
