from datetime import date

import pytest

import builders
from builders import NOW
from store.availability import day_grids, toggle_slot
from store.db import session_scope


@pytest.fixture
def person(engine):
    with session_scope(engine) as session:
        builders.event(session)
        return builders.participant(session, "S1").id


@pytest.fixture
def other(engine, person):
    with session_scope(engine) as session:
        return builders.participant(session, "S2").id


def test_day_grids_list_each_day_in_slot_order_all_available_at_first(engine, person):
    with session_scope(engine) as session:
        grids = day_grids(session, person)
    assert [g.day for g in grids] == [date(2024, 6, 20), date(2024, 6, 21)]
    assert [s.code for s in grids[0].slots] == [
        "D1-0900",
        "D1-0930",
        "D1-1000",
        "D1-1100",
        "D1-1130",
    ]
    assert all(g.available(s) for g in grids for s in g.slots)


def test_one_day_shows_only_the_participants_own_switched_off_slots(engine, person, other):
    with session_scope(engine) as session:
        first, _ = day_grids(session, person)
        toggle_slot(session, person, first.slots[1].id, NOW)
        toggle_slot(session, other, first.slots[2].id, NOW)  # S2's choice is not ours
    with session_scope(engine) as session:
        [day_one] = day_grids(session, person, first.day)
        assert day_grids(session, person, date(2024, 6, 22)) == []
    assert [day_one.available(s) for s in day_one.slots] == [True, False, True, True, True]
