"""The optimizing mode's working timetable: inserting a meeting by moving others costs at most
its budget of moves, and gives up leaving the table as it was."""

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from matching_cases import Event, events

from matching import parse_instance, solve
from matching.candidates import candidates
from matching.check import check
from matching.grid import Grid
from matching.model import CANDIDATE_TIERS, Instance
from matching.timetable import MOVES_PER_MEETING, Timetable

SMALL = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MOST_PER_TRY = 10
"""The moves one tried eviction may add past the budget: two meetings taken out and put back
somewhere, the new one put in and taken out, and the two put back."""


class CountingTimetable(Timetable):
    """A timetable that counts the meetings it takes out and puts in."""

    moves = 0

    def put(self, buyer: str, seller: str, slot: int) -> None:
        self.moves += 1
        super().put(buyer, seller, slot)

    def take(self, buyer: str, seller: str) -> None:
        self.moves += 1
        super().take(buyer, seller)


def both_days_full(seller_days: int) -> tuple[Instance, CountingTimetable]:
    """B1 and X each have 8 meetings on day 1 (B1 at 09-16h, X at 15-22h) with partners who can
    come only then, so nothing can move; B1 is free on day 2, X on day 3 when `seller_days` is
    3, and they share only day 1. Every slot of day 1 offers one or eight meetings to move out
    of each side's way: the unbounded search tried 98 evictions, all in vain."""
    event = Event(days=3, slots_per_day=14, daily_cap=8)
    day = event.slots[:14]
    event.buyer("B1", unavailable=event.slots[28:]).seller("X", unavailable=event.slots[14:28])
    if seller_days == 1:
        event.doc["participants"][1]["unavailable"] = event.slots[14:]
    for k in range(8):
        event.seller(f"S{k}", unavailable=[s for s in day if s != day[k]] + event.slots[14:])
        event.buyer(f"Y{k}", unavailable=[s for s in day if s != day[k + 6]] + event.slots[14:])
        event.request("B1", f"S{k}").request(f"Y{k}", "X")
    event.request("B1", "X", rank=2)
    instance = event.instance()
    table = CountingTimetable(Grid(instance))
    for k in range(8):
        table.put("B1", f"S{k}", k)
        table.put(f"Y{k}", "X", k + 6)
    table.moves = 0
    return instance, table


def test_an_insertion_that_cannot_succeed_stops_at_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, table = both_days_full(seller_days=3)
    before = dict(table.slot_of)
    assert not table.insert("B1", "X")
    assert table.slot_of == before
    budget = MOVES_PER_MEETING * (8 + 8 + 1)
    assert 0 < table.moves <= budget + MOST_PER_TRY
    # without the budget, the same search makes several times as many moves
    monkeypatch.setattr("matching.timetable.MOVES_PER_MEETING", 10**6)
    _, unbounded = both_days_full(seller_days=3)
    assert not unbounded.insert("B1", "X")
    assert unbounded.moves > 3 * budget


def test_a_side_with_all_the_meetings_it_can_hold_is_refused_without_moving_any() -> None:
    # X comes on day 1 only and has its 8 there: no move can give it a ninth
    _, table = both_days_full(seller_days=1)
    assert not table.insert("B1", "X")
    assert table.moves == 0


def test_a_meeting_in_the_way_is_still_moved_within_the_budget() -> None:
    # B1 can come only at 09:00, where S1 meets B2, who can as well meet at 10:00
    event = Event(slots_per_day=2).buyer("B1", unavailable=["D1-1000"]).buyer("B2").seller("S1")
    event.request("B1", "S1").request("B2", "S1")
    table = CountingTimetable(Grid(event.instance()))
    table.put("B2", "S1", 0)
    table.moves = 0
    assert table.insert("B1", "S1")
    assert table.slot_of == {("B1", "S1"): 0, ("B2", "S1"): 1}
    assert table.moves <= MOVES_PER_MEETING * 2


def test_a_chain_of_meetings_swaps_two_slots_where_moving_one_meeting_is_not_enough() -> None:
    # B is free at 09:00 and meets S2 at 10:00; S meets B1 at 09:00 and is free at 10:00.
    # Moving one meeting fails: S-B1 cannot go to 10:00 (B1 meets S3 there), nor B-S2 to
    # 09:00 (S2 meets B4 there). Swapping along S-B1, B1-S3 works: S3 is free at 09:00.
    event = Event(slots_per_day=2)
    for buyer in ("B", "B1", "B4"):
        event.buyer(buyer)
    for seller in ("S", "S2", "S3"):
        event.seller(seller)
    table = CountingTimetable(Grid(event.instance()))
    for buyer, seller, slot in (("B", "S2", 1), ("B1", "S", 0), ("B1", "S3", 1), ("B4", "S2", 0)):
        table.put(buyer, seller, slot)
    assert table.insert("B", "S")
    assert table.slot_of == {
        ("B", "S"): 0,
        ("B", "S2"): 1,
        ("B1", "S"): 1,
        ("B1", "S3"): 0,
        ("B4", "S2"): 0,
    }


@pytest.mark.slow
@SMALL
@given(events())
def test_every_insertion_keeps_the_rules_stays_in_its_budget_or_changes_nothing(
    doc: dict[str, Any],
) -> None:
    instance = parse_instance(doc)
    grid = Grid(instance)
    table = CountingTimetable(grid)
    for c in candidates(instance):
        before, moves = dict(table.slot_of), table.moves
        have = len(table.partner_at[c.buyer]) + len(table.partner_at[c.seller])
        placed = table.insert(c.buyer, c.seller)
        assert table.moves - moves <= MOVES_PER_MEETING * (have + 1) + MOST_PER_TRY + 1
        if not placed:
            assert table.slot_of == before
        else:
            assert set(table.slot_of) == set(before) | {(c.buyer, c.seller)}
    # the rules, recounted: both sides available, nobody twice in a slot, and no day with a
    # requested meeting over the cap (fixed meetings alone may pass it)
    meetings = [(b, s, slot) for (b, s), slot in table.slot_of.items()]
    meetings += [(m.buyer, m.seller, grid.slot_index[m.slot]) for m in grid.fixed]
    busy = Counter((side, slot) for b, s, slot in meetings for side in (b, s))
    per_day = Counter((side, grid.day_of_slot[slot]) for b, s, slot in meetings for side in (b, s))
    assert all(count == 1 for count in busy.values())
    for (buyer, seller), slot in table.slot_of.items():
        for side in (buyer, seller):
            assert grid.available[side] >> slot & 1
            assert per_day[side, grid.day_of_slot[slot]] <= grid.cap[side]


@pytest.mark.slow
@SMALL
@given(events())
def test_with_no_moves_allowed_optimal_is_still_never_worse_than_greedy(
    doc: dict[str, Any],
) -> None:
    instance = parse_instance(doc)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("matching.timetable.MOVES_PER_MEETING", 0)
        schedule = solve(instance, mode="optimal")
    greedy = solve(instance)
    assert check(instance, schedule) == []
    assert [sum(m.tier is t for m in schedule.meetings) for t in CANDIDATE_TIERS] >= [
        sum(m.tier is t for m in greedy.meetings) for t in CANDIDATE_TIERS
    ]
