"""Updates parsed with the pressed keyboard left as JSON and the pressed plain message built
beside PTB (bot/updates.py)."""

import copy
import json

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, TelegramObject, Update

from bot.app import make_bot
from bot.settings import Settings
from bot.updates import PRESSED_MESSAGE, UpdatesRequest, parse, set_aside
from fake_telegram import DEFAULT_TOKEN
from handlers.ui import pressed_keyboard, unchanged

MARKUP = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("✅ 09:00", callback_data="avail:t:20270110:1")],
        [InlineKeyboardButton("🎥 Join", url="https://meet.example/x")],
    ]
)


def press(text: str = "<b>Times</b> of the day") -> dict:
    """A button press as Telegram sends it: the pressed message, keyboard and all."""
    message = {
        "message_id": 5,
        "date": 1_700_000_000,
        "chat": {"id": 42, "type": "private"},
        "text": "Times of the day",
        "entities": [{"type": "bold", "offset": 0, "length": 5}],
        "reply_markup": MARKUP.to_dict(),
    }
    query = {"id": "9", "from": {"id": 42, "is_bot": False, "first_name": "Kim"}}
    query |= {"chat_instance": "1", "data": "avail:t:20270110:1", "message": message}
    return {"update_id": 1, "callback_query": query}


def test_the_pressed_keyboard_stays_json_and_compares_as_ptbs_own_parse_does():
    bot = Bot("1:x")
    light = parse(press(), bot).callback_query.message
    full = Update.de_json(press(), bot).callback_query.message
    assert light.reply_markup is None and full.reply_markup == MARKUP
    assert pressed_keyboard(light) == pressed_keyboard(full) == MARKUP.to_dict()["inline_keyboard"]
    for message in (light, full):
        assert unchanged(message, "<b>Times</b> of the day", MARKUP)
        assert not unchanged(message, "<b>Times</b> of the day", None)
        assert not unchanged(message, "<b>Times</b> of another day", MARKUP)


def test_updates_of_other_kinds_and_odd_json_pass_unchanged():
    typed = {"update_id": 2, "message": {"message_id": 1, "text": "hi", "reply_markup": {}}}
    assert set_aside(json.loads(json.dumps(typed))) == typed
    for odd in ([], "x", None, {"callback_query": None}, {"callback_query": {"message": []}}):
        assert set_aside(odd) == odd


def variants() -> list[dict]:
    """Presses on a plain message in each shape Telegram sends one, and on messages PTB must
    parse itself (a picture, an inaccessible message, a field of an unexpected type)."""
    plain = [press()]
    edited = press()
    edited["callback_query"]["message"] |= {
        "edit_date": 1_700_000_100,
        "from": {"id": 7, "is_bot": True, "first_name": "Matchbot", "username": "m_bot"},
        "text": "🗓 <b> 1월 10일 ✅",
        "entities": [
            {"type": "bold", "offset": 3, "length": 4},
            {"type": "text_link", "offset": 0, "length": 2, "url": "https://t.me/x"},
            {"type": "something_new", "offset": 1, "length": 1},
            {
                "type": "text_mention",
                "offset": 0,
                "length": 1,
                "user": {"id": 3, "is_bot": False, "first_name": "Lee"},
            },
            {"type": "pre", "offset": 2, "length": 1, "language": "python", "extra": 1},
        ],
    }
    bare = press()
    for key in ("entities", "reply_markup", "text"):
        del bare["callback_query"]["message"][key]
    plain += [edited, bare]
    photo = press()
    picture = {"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1}
    photo["callback_query"]["message"] |= {"photo": [picture], "caption": "Times"}
    inaccessible = press()
    inaccessible["callback_query"]["message"]["date"] = 0
    odd = press()
    odd["callback_query"]["message"]["message_id"] = "5"
    return [*plain, photo, inaccessible, odd]


def attributes(thing: object) -> object:
    """Every attribute of a parsed object, and of the objects in it (PTB's own `==` compares
    only ids); the bot compared by identity."""
    if isinstance(thing, tuple):
        return tuple(attributes(item) for item in thing)
    if not isinstance(thing, TelegramObject):
        return thing
    names = {name for klass in type(thing).__mro__ for name in getattr(klass, "__slots__", ())}
    values = {name: attributes(getattr(thing, name)) for name in names if name != "_bot"}
    return values | {"_bot": id(thing._bot), "class": type(thing)}


def parsed_by_ptb(data: dict, bot: Bot) -> Update:
    """PTB's own parse of `data` with the keyboard kept as JSON (the parse before this one)."""
    data = copy.deepcopy(data)
    message = data["callback_query"]["message"]
    if "reply_markup" in message:
        message["matchbot_pressed_keyboard"] = message.pop("reply_markup")
    return Update.de_json(data, bot)


@pytest.mark.parametrize("with_defaults", [False, True])
def test_a_press_parses_as_ptbs_own_parse_does_attribute_by_attribute(with_defaults):
    # the bot's own has Defaults with the fair's time zone, which the dates take
    settings = Settings(_env_file=None, telegram_bot_token=DEFAULT_TOKEN)
    bot = make_bot(settings) if with_defaults else Bot(DEFAULT_TOKEN)
    for number, data in enumerate(variants()):
        aside = set_aside(copy.deepcopy(data))["callback_query"]
        assert (PRESSED_MESSAGE in aside) == (number < 3)  # the plain ones built beside PTB
        light, full = parse(copy.deepcopy(data), bot), parsed_by_ptb(data, bot)
        message = light.callback_query.message
        assert type(message) is type(full.callback_query.message)
        assert attributes(message) == attributes(full.callback_query.message)
        assert light.callback_query.api_kwargs == {} and message.get_bot() is bot
        assert light.to_dict() == full.to_dict()
        assert light.effective_message is message and light.effective_chat.id == 42


def test_get_updates_answers_come_set_aside():
    answer = {"ok": True, "result": [press(), {"update_id": 3}]}
    parsed = UpdatesRequest().parse_json_payload(json.dumps(answer).encode())
    message = parsed["result"][0]["callback_query"][PRESSED_MESSAGE]
    assert "reply_markup" not in message and message["matchbot_pressed_keyboard"]
    error = {"ok": False, "error_code": 409, "description": "Conflict"}
    assert UpdatesRequest().parse_json_payload(json.dumps(error).encode()) == error


async def test_the_bots_polling_brings_presses_parsed_as_ptb_would(fake):
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
    )
    shapes = variants()
    for data in shapes:
        fake.bot().queue_update("callback_query", copy.deepcopy(data["callback_query"]))
    async with make_bot(settings) as bot:
        updates = await bot.get_updates(timeout=0)
    assert len(updates) == len(shapes)
    for update, data in zip(updates, shapes, strict=True):
        full = parsed_by_ptb(data, bot).callback_query.message
        assert attributes(update.callback_query.message) == attributes(full)
        assert update.callback_query.api_kwargs == {}
