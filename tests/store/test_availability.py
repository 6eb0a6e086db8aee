from datetime import date

import pytest

import builders
from builders import DEADLINE, NOW
from store.availability import (
    grids,
    press_slot,
    set_day,
    switch_day,
    toggle_slot,
    unavailable_slot_ids,
)
from store.db import session_scope
from store.errors import ApplicationsClosed, NotFound
from store.event import slots


@pytest.fixture
def person(engine):
    with session_scope(engine) as session:
        builders.event(session)
        return builders.participant(session, "S1").id


def test_everything_starts_available_and_a_toggle_flips_one_slot(engine, person):
    with session_scope(engine) as session:
        grid = slots(session)
        assert unavailable_slot_ids(session, person) == set()
        assert toggle_slot(session, person, grid[3].id, NOW) is False
    with session_scope(engine) as session:
        assert unavailable_slot_ids(session, person) == {grid[3].id}
        assert toggle_slot(session, person, grid[3].id, NOW) is True
        assert unavailable_slot_ids(session, person) == set()


def test_a_whole_day_switches_off_and_on(engine, person):
    with session_scope(engine) as session:
        toggle_slot(session, person, slots(session)[0].id, NOW)
        set_day(session, person, date(2024, 6, 20), False, NOW)
        day_one = {s.id for s in slots(session) if s.day == date(2024, 6, 20)}
        assert unavailable_slot_ids(session, person) == day_one
        set_day(session, person, date(2024, 6, 20), True, NOW)
        assert unavailable_slot_ids(session, person) == set()


def test_unknown_slots_and_days_are_refused(engine, person):
    with session_scope(engine) as session, pytest.raises(NotFound):
        toggle_slot(session, person, 999, NOW)
    with session_scope(engine) as session, pytest.raises(NotFound):
        set_day(session, person, date(2030, 1, 1), False, NOW)


def test_after_the_deadline_the_grid_is_read_only(engine, person):
    with session_scope(engine) as session:
        slot = slots(session)[0].id
    with session_scope(engine) as session, pytest.raises(ApplicationsClosed):
        toggle_slot(session, person, slot, DEADLINE)
    with session_scope(engine) as session, pytest.raises(ApplicationsClosed):
        set_day(session, person, date(2024, 6, 20), False, DEADLINE)
    with session_scope(engine) as session:
        assert unavailable_slot_ids(session, person) == set()


# The available-times screen's presses, one store call each: the day as it is afterwards.

DAY_ONE, DAY_TWO = date(2024, 6, 20), date(2024, 6, 21)


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
