"""handlers/ui.py: keyboards as JSON."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, SwitchInlineQueryChosenChat

from handlers.routes import Menu
from handlers.ui import button, keyboard, keyboard_rows, link_button, named_button


def test_keyboard_rows_are_ptbs_own_json_for_every_kind_of_button():
    ours = keyboard(
        [button("en", "menu.requests", Menu()), named_button("Acme", Menu())],
        [link_button("en", "menu.requests", "https://meet.example/x")],
    )
    rare = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("a", switch_inline_query="q")],
            [
                InlineKeyboardButton(
                    "b", switch_inline_query_chosen_chat=SwitchInlineQueryChosenChat()
                )
            ],
            [InlineKeyboardButton("c", callback_data="x", api_kwargs={"future": 1})],
        ]
    )
    for markup in (ours, rare, keyboard()):
        assert keyboard_rows(markup) == markup.to_dict().get("inline_keyboard", [])
    assert keyboard_rows(None) == []
