"""The button kinds (handlers/routes.py) are the only spelling of callback data: every kind
round-trips, fits Telegram's 64 bytes at its largest values and reaches the module its route
names; no two features share or extend a prefix; old and forged data decodes as nothing, and
the bot answers it as not valid (any more)."""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import CallbackQuery, Chat, Message, Update, User
from telegram.ext import CallbackQueryHandler

from bot.app import FEATURES
from handlers.routes import (
    KINDS,
    MAX_BYTES,
    ROUTES,
    AvailabilityDay,
    Codec,
    Press,
    decode_any,
    route,
)

HANDLERS = [handler for feature in FEATURES for handler in feature.handlers()]
BUTTONS = [h for h in HANDLERS if isinstance(h, CallbackQueryHandler)]
ROUTE_OF = {kind: name for name, entry in ROUTES.items() for kind in entry.kinds}


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


def test_every_kind_has_one_route():
    assert sorted(ROUTE_OF, key=str) == sorted(KINDS, key=str)
    assert sum(len(entry.kinds) for entry in ROUTES.values()) == len(KINDS)


def _update(data: str) -> Update:
    user = User(1, "someone", is_bot=False)
    chat = Chat(1, Chat.PRIVATE)
    message = Message(1, datetime(2026, 1, 1, tzinfo=UTC), chat, from_user=user)
    return Update(1, callback_query=CallbackQuery("1", user, "x", message=message, data=data))


def _answering_module(data: str) -> str:
    update = _update(data)
    first = next(h for h in BUTTONS if h.check_update(update))
    return first.callback.__module__


def _readable(field: Codec) -> st.SearchStrategy:
    def read(text: str) -> object:
        try:
            return field.read(text)
        except ValueError:  # e.g. 20261399 is eight digits but no date
            return None

    texts = st.from_regex(re.compile(field.regex, re.ASCII), fullmatch=True)
    return texts.map(read).filter(lambda value: value is not None) | st.just(field.largest)


@functools.cache  # one strategy per kind: built afresh in each flatmap draw, hypothesis
# validated it and compiled its regexes again for every example (half the test's CPU)
def _pressed(kind: type[Press]) -> st.SearchStrategy[Press]:
    return st.builds(kind, **{name: _readable(field) for name, field in kind.CODECS.items()})


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.sampled_from(KINDS).flatmap(_pressed))
def test_each_kind_round_trips_and_reaches_its_module(pressed: Press):
    kind = type(pressed)
    data = pressed.encode()
    assert kind.decode(data) == pressed
    entry = ROUTES[ROUTE_OF[kind]]
    assert decode_any(entry.kinds, data) == pressed  # the kind next to it does not take it
    assert re.fullmatch(f"({entry.prefix})(:.*)?", data, re.DOTALL)
    assert len(data.encode()) <= MAX_BYTES
    assert _answering_module(data) == entry.module


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.__name__)
def test_the_largest_values_fit_telegram(kind: type[Press]):
    data = kind.largest().encode()
    assert len(data.encode()) <= MAX_BYTES, data
    assert kind.decode(data) == kind.largest()


FORGED = [
    "avail:t:20261399:5",  # no such day
    "avail:t:2026010:5",
    "avail:maybe:20260101",
    "lang:fr",
    "apply:admin",
    "pe:telegram_id",  # not a field one may edit
    "fd:ABCDEF:b",
    "fd:abcdef:p:-1",
    "fc:abcdef:del:3",
    "reqs:l:x:1",
    "reqs:l:m:12345",
    "reqs:n:acc:12345678901",  # 11 digits
    "sched:pdf",
    "att:x:1:removed",  # an admin's reason, not a participant's
    "rf:maybe:1",
    "oc:r:1:bogus",
    "sv:1:yes",
    "appdec:yes:1",
    "book:1:2:3:2",
    "reopen:1234567890123",
    "menu:x",
    "",
]


@pytest.mark.parametrize("data", FORGED)
def test_forged_data_decodes_as_nothing(data: str):
    assert decode_any(tuple(KINDS), data) is None


async def test_old_and_forged_buttons_are_answered_as_not_valid(bot, fake, engine):
    import builders
    from store.db import session_scope

    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    user = fake.user(1001, "Kim", language_code="en")
    [menu] = await user.ask("/start")
    for data in ("avail:t:20261399:5", "sched:pdf", "oc:r:1:bogus", "rf:maybe:1"):
        await user.press_data(menu, data)
        await user.wait_reply()
        assert "not valid" in user.callback_answers[-1].text, data
    await user.press_data(menu, "fd:abcdef:I:3")  # the codes Find used before
    await user.wait_reply()
    assert "out of date" in user.callback_answers[-1].text


def test_a_day_before_the_year_1000_keeps_its_eight_digits():
    """Hypothesis found it: strftime's %Y wrote year 1 as "1" (glibc), so 00010101 came back
    as avail:off:10101, which no route decodes."""
    pressed = AvailabilityDay(switch="off", day=date(1, 1, 1))
    assert pressed.encode() == "avail:off:00010101"
    assert AvailabilityDay.decode(pressed.encode()) == pressed
