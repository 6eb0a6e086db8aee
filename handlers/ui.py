"""Small pieces every menu uses: buttons from catalog keys, in-place menus, refusals."""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.routes import Press
from handlers.wording import escape
from locales import t

Row = Sequence[InlineKeyboardButton]


@functools.lru_cache(maxsize=4096)
def _button(
    text: str, callback_data: str | None = None, url: str | None = None
) -> InlineKeyboardButton:
    """A button, built once for its text and data: PTB's constructor costs 8-13 µs of CPU (each
    field set through its frozen object's checks), a day of available times has 17 buttons,
    and the same buttons recur for every participant (the fair's slots, Back, the menus).
    PTB's objects cannot change once built, so one can sit in any number of keyboards."""
    return InlineKeyboardButton(text, callback_data=callback_data, url=url)


def button(language: str, key: str, data: Press, **values: object) -> InlineKeyboardButton:
    """A button labelled from the catalog whose data is a kind from handlers/routes.py."""
    return _button(t(language, key, **values), data.encode())


def named_button(label: str, data: Press) -> InlineKeyboardButton:
    """A button labelled with a name (a company, a country) rather than a catalog sentence."""
    return _button(label, data.encode())


def link_button(language: str, key: str, url: str) -> InlineKeyboardButton:
    """A button that opens `url` (a video meeting's link), labelled from the catalog."""
    return _button(t(language, key), url=url)


def keyboard(*rows: Row) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(row) for row in rows if row])


# Characters of a company name on a button: two such buttons fit a phone's row.
BUTTON_NAME = 14


def clipped(value: str, limit: int | None = BUTTON_NAME) -> str:
    """`value` cut to `limit` characters with "…" (the full text stays in the message)."""
    return value if limit is None or len(value) <= limit else value[: limit - 1].rstrip() + "…"


# Where a pressed message keeps its keyboard as Telegram sent it (bot/updates.py).
PRESSED_KEYBOARD = "matchbot_pressed_keyboard"
# What a button may carry besides its text, a callback's data and a link: the bot's own
# buttons (`button`, `named_button`, `link_button`) carry none of it.
_RARE_FIELDS = tuple(
    name
    for name in InlineKeyboardButton.__slots__
    if name not in ("text", "callback_data", "url", "_id_attrs")
)


def keyboard_rows(markup: InlineKeyboardMarkup | None) -> list[list[dict[str, object]]]:
    """`markup.to_dict()["inline_keyboard"]` built directly: PTB's generic `to_dict` took 155
    µs for a day of available times (16 buttons), a tenth of that here."""
    if markup is None:
        return []
    rows = []
    for row in markup.inline_keyboard:
        buttons = []
        for item in row:
            if any(getattr(item, name) is not None for name in _RARE_FIELDS) or item.api_kwargs:
                buttons.append(item.to_dict())
                continue
            plain: dict[str, object] = {"text": item.text}
            if item.callback_data is not None:
                plain["callback_data"] = item.callback_data
            if item.url is not None:
                plain["url"] = item.url
            buttons.append(plain)
        rows.append(buttons)
    return rows


def markup_json(markup: InlineKeyboardMarkup) -> dict[str, object]:
    """`markup.to_dict()`, built by `keyboard_rows`."""
    rows = keyboard_rows(markup)
    return {"inline_keyboard": rows} if rows else {}


def pressed_keyboard(message: Message) -> list[list[dict[str, object]]]:
    """The rows of buttons of the message a button was pressed on, as JSON (of a message that
    PTB parsed with its keyboard: that keyboard converted back)."""
    if PRESSED_KEYBOARD not in message.api_kwargs:
        return keyboard_rows(message.reply_markup)
    markup = message.api_kwargs[PRESSED_KEYBOARD]
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    return rows if isinstance(rows, list) else []


def unchanged(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> bool:
    """Whether `message` already shows `text` (our HTML) and `markup`. PTB rebuilds the HTML
    from the message's entities with its own escaping, so both sides are compared unescaped;
    a difference in tags alone counts as a change (the edit is sent)."""
    if message.text is None or pressed_keyboard(message) != keyboard_rows(markup):
        return False
    return html.unescape(message.text_html) == html.unescape(text)


async def post_unread(
    bot: Bot,
    endpoint: str,
    data: dict[str, object],
    files: dict[str, tuple[str, bytes, str]] | None = None,
) -> None:
    """A Bot API call whose answer nothing reads, without PTB's per-call object work: the
    parameters go as plain JSON values and the answer is checked but its result not parsed
    (an edited menu comes back whole, keyboard and all). It goes the way every call goes:
    the bot's rate limiter (a 429 waited out) and transport, the same errors. Together about
    a tenth of the bot's CPU in `python -m bench.load`'s profile. `files`: (name, content,
    type) by field, sent as multipart.

    `rate_limiter.process_request` is PTB's documented hook that every `ExtBot` call goes
    through; `request.post_unread` is our transport's (bot/api_request.py), which the bot
    always has (bot/app.py)."""
    send = functools.partial(bot.request.post_unread, f"{bot.base_url}/{endpoint}", data, files)
    limiter = getattr(bot, "rate_limiter", None)
    if limiter is None:
        await send()
        return
    await limiter.process_request(
        callback=send, args=(), kwargs={}, endpoint=endpoint, data=data, rate_limit_args=None
    )


async def _post_html(
    bot: Bot, endpoint: str, data: dict[str, object], markup: InlineKeyboardMarkup | None
) -> None:
    """An HTML text call whose answer nothing reads (`post_unread`)."""
    data["parse_mode"] = ParseMode.HTML
    if markup is not None:
        data["reply_markup"] = markup_json(markup)
    await post_unread(bot, endpoint, data)


async def edit_menu(message: Message, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """`Message.edit_text` for the edits that make most of the bot's traffic (a menu after a
    press); see `_post_html`."""
    data: dict[str, object] = {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "text": text,
    }
    await _post_html(message.get_bot(), "editMessageText", data, markup)


async def send_notice(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """`Bot.send_message` for a message to someone else that nothing reads back (the other
    side of a request told what happened); see `_post_html`."""
    await _post_html(bot, "sendMessage", {"chat_id": chat_id, "text": text}, markup)


async def answer_press(
    query: CallbackQuery, text: str | None = None, show_alert: bool = False
) -> None:
    """`CallbackQuery.answer` through `post_unread`, as every press is answered: PTB's own call
    costs about 17 µs of CPU more (its defaults inserted, the parameters converted to objects
    and back, the answer parsed; a loop of 3,000 over the same transport)."""
    data: dict[str, object] = {"callback_query_id": query.id}
    if text is not None:
        data["text"] = text
    if show_alert:
        data["show_alert"] = True
    await post_unread(query.get_bot(), "answerCallbackQuery", data)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edits the pressed menu in place, or sends a new message for a typed command (and for a
    button on a picture, or on a message Telegram no longer lets the bot edit). An edit that
    would change nothing (a press on a read-only grid) is not sent at all."""
    query = update.callback_query
    pressed = query.message if query is not None else None
    if isinstance(pressed, Message) and pressed.is_accessible and not pressed.photo:
        if unchanged(pressed, text, markup):
            return
        try:
            await edit_menu(pressed, text, markup)
        except BadRequest as error:
            if "not modified" not in str(error):  # pressing the same menu twice is fine
                raise
        return
    assert update.effective_chat is not None
    await update.effective_chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def refuse(update: Update, text: str) -> None:
    """Says no: as an alert on a pressed button, as a message otherwise."""
    query = update.callback_query
    if query is not None:
        await answer_press(query, text[:200], show_alert=True)
        return
    assert update.effective_chat is not None
    await update.effective_chat.send_message(escape(text), parse_mode=ParseMode.HTML)
