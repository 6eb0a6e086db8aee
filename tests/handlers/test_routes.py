"""The callback routes table (handlers/routes.py) is the only source of button patterns, no
two features share or extend a prefix, and every shape reaches the module the table names."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import CallbackQueryHandler

from bot.app import FEATURES
from handlers.routes import ROUTES, route

HANDLERS = [handler for feature in FEATURES for handler in feature.handlers()]
BUTTONS = [h for h in HANDLERS if isinstance(h, CallbackQueryHandler)]


def _prefixes() -> dict[str, set[str]]:
    owners: dict[str, set[str]] = {}
    for entry in ROUTES.values():
        for prefix in entry.prefix.split("|"):
            owners.setdefault(prefix, set()).add(entry.module)
    return owners


def test_no_prefix_begins_another():
    prefixes = sorted(_prefixes())
    clashes = [(a, b) for a in prefixes for b in prefixes if a != b and b.startswith(a)]
    assert clashes == []


def test_a_prefix_belongs_to_one_feature():
    # My requests answers its lists in handlers/requests.py and its actions (also pressed
    # on a new-request notice) in handlers/request_actions.py: one feature, two modules.
    shared = {p: m for p, m in _prefixes().items() if len(m) > 1}
    assert shared == {"reqs": {"handlers.requests", "handlers.request_actions"}}


def test_every_button_pattern_comes_from_the_table():
    from_table = {id(route(name)) for name in ROUTES}
    patterned = [h for h in BUTTONS if h.pattern is not None]
    assert patterned and all(id(h.pattern) in from_table for h in patterned)
    assert {id(h.pattern) for h in patterned} == from_table  # and no route is unused


def _update(data: str) -> Update:
    user = User(1, "someone", is_bot=False)
    chat = Chat(1, Chat.PRIVATE)
    message = Message(1, datetime(2026, 1, 1, tzinfo=UTC), chat, from_user=user)
    return Update(1, callback_query=CallbackQuery("1", user, "x", message=message, data=data))


def _answering_module(data: str) -> str:
    update = _update(data)
    first = next(h for h in BUTTONS if h.check_update(update))
    return first.callback.__module__


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(ROUTES)).flatmap(
        lambda name: st.tuples(
            st.just(name), st.from_regex(re.compile(ROUTES[name].shape, re.ASCII), fullmatch=True)
        )
    )
)
@pytest.mark.slow
def test_each_shape_reaches_its_module_and_fits_telegram(named):
    name, data = named
    assert re.fullmatch(f"({ROUTES[name].prefix})(:.*)?", data, re.DOTALL)
    assert len(data.encode()) <= 64
    assert _answering_module(data) == ROUTES[name].module
