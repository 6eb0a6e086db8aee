"""Updates parsed with the pressed keyboard left as JSON (bot/updates.py)."""

import json

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.updates import UpdatesRequest, keyboard_aside, parse
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
    assert keyboard_aside(json.loads(json.dumps(typed))) == typed
    for odd in ([], "x", None, {"callback_query": None}, {"callback_query": {"message": []}}):
        assert keyboard_aside(odd) == odd


def test_get_updates_answers_come_with_the_keyboards_aside():
    answer = {"ok": True, "result": [press(), {"update_id": 3}]}
    parsed = UpdatesRequest().parse_json_payload(json.dumps(answer).encode())
    message = parsed["result"][0]["callback_query"]["message"]
    assert "reply_markup" not in message and message["matchbot_pressed_keyboard"]
    error = {"ok": False, "error_code": 409, "description": "Conflict"}
    assert UpdatesRequest().parse_json_payload(json.dumps(error).encode()) == error
