"""The available-times screen's presses as one store call each: the day as it is afterwards,
and the refusals (a forged day or slot, applications closed)."""

from datetime import date

import pytest

import builders
from builders import DEADLINE, NOW
from store.availability import grids, press_slot, switch_day, unavailable_slot_ids
from store.db import session_scope
from store.errors import ApplicationsClosed, NotFound

DAY_ONE, DAY_TWO = date(2024, 6, 20), date(2024, 6, 21)


@pytest.fixture
def person(engine):
    with session_scope(engine) as session:
        builders.event(session)
        return builders.participant(session, "S1").id


def test_a_press_flips_the_slot_and_returns_the_day_as_it_is_now(engine, person):
    with session_scope(engine) as session:
        [first, second] = grids(session, person, NOW).days
        slot = first.slots[2]
        pressed = press_slot(session, person, DAY_ONE, slot.id, NOW)
    [day] = pressed.days
    assert pressed.closed is None and day.unavailable == {slot.id}
    assert (first.day, second.day) == (DAY_ONE, DAY_TWO)
    with session_scope(engine) as session:
        [day] = press_slot(session, person, DAY_ONE, slot.id, NOW).days
        assert day.unavailable == set() and unavailable_slot_ids(session, person) == set()


def test_a_whole_day_off_and_on_leaves_the_other_day_alone(engine, person):
    with session_scope(engine) as session:
        [_, second] = grids(session, person, NOW).days
        press_slot(session, person, DAY_TWO, second.slots[0].id, NOW)
        [off] = switch_day(session, person, DAY_ONE, False, NOW).days
        assert off.unavailable == {s.id for s in off.slots}
        assert len(unavailable_slot_ids(session, person)) == len(off.slots) + 1
        [on] = switch_day(session, person, DAY_ONE, True, NOW).days
        assert on.unavailable == set()
        assert unavailable_slot_ids(session, person) == {second.slots[0].id}


def test_a_slot_of_another_day_or_a_day_not_in_the_fair_is_refused(engine, person):
    with session_scope(engine) as session:
        [_, second] = grids(session, person, NOW).days
        with pytest.raises(NotFound):
            press_slot(session, person, DAY_ONE, second.slots[0].id, NOW)
        with pytest.raises(NotFound):
            switch_day(session, person, date(2030, 1, 1), False, NOW)
        assert unavailable_slot_ids(session, person) == set()


def test_after_the_deadline_a_press_changes_nothing_and_says_why(engine, person):
    with session_scope(engine) as session:
        [first, _] = grids(session, person, NOW).days
        pressed = press_slot(session, person, DAY_ONE, first.slots[0].id, DEADLINE)
        switched = switch_day(session, person, DAY_ONE, False, DEADLINE)
        assert isinstance(pressed.closed, ApplicationsClosed)
        assert isinstance(switched.closed, ApplicationsClosed)
        assert pressed.days[0].unavailable == set() == unavailable_slot_ids(session, person)
