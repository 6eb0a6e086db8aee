from datetime import date

import pytest

import builders
from builders import DEADLINE, NOW
from store.availability import set_day, toggle_slot, unavailable_slot_ids
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
