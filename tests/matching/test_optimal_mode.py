"""Mode optimal: never worse than greedy, exact on small events, fewer idle periods."""

import json
from collections import defaultdict
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from matching_cases import Event, events

from matching import (
    Instance,
    Reason,
    Schedule,
    check,
    generate,
    parse_instance,
    parse_schedule,
    schedule_to_dict,
    solve,
)
from matching.candidates import candidates
from matching.grid import Grid
from matching.model import CANDIDATE_TIERS

# Found by hypothesis: S1 can meet each of B2 and B10 (mutual) only on day 2, where its daily
# limit allows one meeting, so the mutual bound (2) is not reached and the seller tier may go
# above its bound, which assumes the mutual bound was reached.
LOOSE_BOUND_BELOW_A_SHORT_TIER = {
    "format": "matchbot-instance/1",
    "daily_cap": 1,
    "slots": [
        {"id": f"D{day}-{i}", "day": f"2023-06-2{day}", "start": f"1{i}:00", "end": f"1{i}:45"}
        for day in (1, 2, 3)
        for i in (0, 1)
    ],
    "participants": [
        {"id": "B1", "role": "buyer", "unavailable": []},
        *(
            {"id": code, "role": "buyer", "unavailable": ["D1-0", "D3-0", "D3-1"]}
            for code in ("B2", "B10", "B3")
        ),
        {"id": "S1", "role": "seller", "unavailable": []},
    ],
    "requests": [
        {
            "from": sender,
            "to": target,
            "at": "2023-06-01T09:00:00+09:00",
            "rank": 1,
            "status": status,
        }
        for sender, target, status in (
            ("B3", "S1", "pending"),
            ("S1", "B2", "accepted"),
            ("S1", "B1", "pending"),
            ("S1", "B10", "accepted"),
        )
    ],
    "fixed": [],
}

SMALL = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def optimal(instance: Instance) -> Schedule:
    return solve(instance, mode="optimal")


def counts(schedule: Schedule) -> tuple[int, ...]:
    return tuple(sum(m.tier is tier for m in schedule.meetings) for tier in CANDIDATE_TIERS)


def idle_periods(instance: Instance, schedule: Schedule) -> int:
    """Runs of slots without a meeting between two meetings of one participant on one day."""
    position = {slot.id: (slot.day, i) for i, slot in enumerate(instance.slots)}
    taken = defaultdict(list)
    for m in schedule.meetings:
        day, i = position[m.slot]
        taken[m.buyer, day].append(i)
        taken[m.seller, day].append(i)
    return sum(
        sum(later - earlier > 1 for earlier, later in pairwise(sorted(mine)))
        for mine in taken.values()
    )


def exact(instance: Instance) -> tuple[int, ...]:
    """The lexicographic optimum of the tier counts, by CP-SAT on the whole event: one 0/1
    variable per candidate pair and slot; most mutual, then (keeping those) buyer, then seller."""
    # Imported here: OR-Tools takes half a second to load, in every test worker that collects
    # this file (`scripts/test --fast` too, which runs none of the tests that use it).
    from ortools.sat.python import cp_model

    grid = Grid(instance)
    model = cp_model.CpModel()
    per_slot, per_day = defaultdict(list), defaultdict(list)
    tiers = defaultdict(list)
    for c in candidates(instance):
        mine = []
        for slot in range(len(grid.slot_ids)):
            if not (grid.open_slots(c.buyer) & grid.open_slots(c.seller)) >> slot & 1:
                continue
            x = model.new_bool_var(f"{c.buyer}-{c.seller}-{slot}")
            mine.append(x)
            tiers[c.tier].append(x)
            for side in (c.buyer, c.seller):
                per_slot[side, slot].append(x)
                per_day[side, grid.day_of_slot[slot]].append(x)
        model.add_at_most_one(mine)
    for group in per_slot.values():
        model.add_at_most_one(group)
    for (side, day), group in per_day.items():
        model.add(sum(group) <= grid.room(side, day))
    best = []
    for tier in CANDIDATE_TIERS:
        model.maximize(sum(tiers[tier]))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        best.append(round(solver.objective_value))
        model.add(sum(tiers[tier]) >= best[-1])
    return tuple(best)


@pytest.mark.slow
@SMALL
@given(events())
def test_on_small_events_optimal_passes_check_and_reaches_the_exact_optimum(
    doc: dict[str, Any],
) -> None:
    instance = parse_instance(doc)
    schedule = optimal(instance)
    assert check(instance, schedule) == []
    assert counts(schedule) == exact(instance)


@pytest.mark.slow
@SMALL
@given(events())
def test_optimal_is_never_worse_than_greedy_and_never_idler_with_as_many_meetings(
    doc: dict[str, Any],
) -> None:
    instance = parse_instance(doc)
    schedule, greedy = optimal(instance), solve(instance)
    assert counts(schedule) >= counts(greedy)
    if counts(schedule) == counts(greedy):
        assert idle_periods(instance, schedule) <= idle_periods(instance, greedy)


@pytest.mark.slow
@SMALL
@given(events())
@example(LOOSE_BOUND_BELOW_A_SHORT_TIER)
def test_the_bound_holds_and_the_reasons_fit_the_final_schedule(doc: dict[str, Any]) -> None:
    instance = parse_instance(doc)
    schedule = optimal(instance)
    stats = schedule.details
    # The bound is lexicographic: a tier's bound holds for schedules that reach the bounds of
    # every tier above it, so it is checked only as far as the tiers above are at their bound.
    for tier, count in zip(CANDIDATE_TIERS, counts(schedule), strict=True):
        assert count <= stats["bound"][tier]
        if count < stats["bound"][tier]:
            break
    assert stats["idle_periods"]["polished"] == idle_periods(instance, schedule)
    assert stats["idle_periods"]["greedy"] == idle_periods(instance, solve(instance))

    participants = {p.id: p for p in instance.participants}
    day = {slot.id: slot.day for slot in instance.slots}
    busy = defaultdict(set)
    for m in schedule.meetings:
        busy[m.buyer].add(m.slot)
        busy[m.seller].add(m.slot)

    def usable(pid: str, slot: str) -> bool:
        mine = busy[pid]
        count = sum(day[taken] == day[slot] for taken in mine)
        return slot not in mine and count < instance.cap_of(participants[pid])

    for u in schedule.unscheduled:
        off = participants[u.buyer].unavailable | participants[u.seller].unavailable
        both = [slot for slot in day if slot not in off]
        by_buyer = any(usable(u.buyer, s) for s in both)
        by_seller = any(usable(u.seller, s) for s in both)
        assert not any(usable(u.buyer, s) and usable(u.seller, s) for s in both)
        if not both:
            assert u.reason is Reason.NO_COMMON_AVAILABILITY
        elif not by_buyer:
            assert u.reason is (Reason.BUYER_FULL if by_seller else Reason.BOTH_FULL)
        else:
            assert u.reason is (Reason.SELLER_FULL if not by_seller else Reason.NO_COMMON_FREE_SLOT)


def test_a_mutual_meeting_greedy_loses_is_kept_by_moving_the_other() -> None:
    # greedy seats B1-S1 at 09:00, the only hour S2 can do, so B1 and S2 never meet
    event = Event(slots_per_day=2).buyer("B1", booth="T-1").seller("S1").seller("S2")
    event.doc["participants"][2]["unavailable"] = ["D1-1000"]
    event.request("B1", "S1", status="accepted").request("B1", "S2", rank=2, status="accepted")
    instance = event.instance()
    assert counts(solve(instance)) == (1, 0, 0)
    schedule = optimal(instance)
    assert [(m.seller, m.slot) for m in schedule.meetings] == [("S2", "D1-0900"), ("S1", "D1-1000")]
    assert schedule.details["bound"] == {"mutual": 2, "buyer": 0, "seller": 0}
    assert schedule.details["ratio"] == {"mutual": 1.0, "buyer": 1.0, "seller": 1.0}
    assert schedule.details["meetings_from"] == "optimizer"


def test_an_idle_hour_greedy_leaves_is_closed() -> None:
    # greedy: S1 at 11:00 (its only hour), S2 at 09:00, and B1 waits at 10:00
    event = Event(slots_per_day=3).buyer("B1").seller("S1").seller("S2")
    event.doc["participants"][1]["unavailable"] = ["D1-0900", "D1-1000"]
    event.request("B1", "S1").request("B1", "S2", rank=2)
    instance = event.instance()
    greedy, schedule = solve(instance), optimal(instance)
    assert counts(schedule) == counts(greedy) == (0, 2, 0)
    assert idle_periods(instance, greedy) == 1
    assert [(m.seller, m.slot) for m in schedule.meetings] == [("S2", "D1-1000"), ("S1", "D1-1100")]
    assert schedule.details["idle_periods"] == {"greedy": 1, "placed": 0, "polished": 0}
    assert schedule.details["meetings_from"] == "greedy"


def test_meetings_spread_over_the_days_rather_than_filling_the_first() -> None:
    event = Event(days=2, slots_per_day=4).buyer("B1").buyer("B2").seller("S1").seller("S2")
    for buyer in ("B1", "B2"):
        for seller in ("S1", "S2"):
            event.request(buyer, seller, status="accepted")
    schedule = optimal(event.instance())
    assert counts(schedule) == (4, 0, 0)
    assert {m.slot[:2] for m in schedule.meetings} == {"D1", "D2"}
    assert schedule.details["idle_periods"]["polished"] == 0


def test_within_a_tier_the_better_ranked_pair_wins() -> None:
    # one slot for B1: its first choice gets it, though both are buyer-requested
    event = Event(slots_per_day=1).buyer("B1").seller("S1").seller("S2")
    event.request("B1", "S2", rank=1).request("B1", "S1", rank=2)
    schedule = optimal(event.instance())
    assert [m.seller for m in schedule.meetings] == ["S2"]
    assert [(u.seller, u.reason) for u in schedule.unscheduled] == [("S1", Reason.BUYER_FULL)]


@pytest.fixture(scope="module")
def restricted() -> Instance:
    return generate(30, 60, days=2, slots_per_day=8, seed=5, requests=400, window=(2, 4))


@pytest.mark.slow
def test_with_restricted_hours_optimal_reaches_the_exact_optimum(restricted: Instance) -> None:
    schedule = optimal(restricted)
    assert check(restricted, schedule) == []
    assert counts(schedule) == exact(restricted)
    assert counts(schedule) > counts(solve(restricted))


def test_the_stats_say_what_was_optimized_and_survive_the_file(restricted: Instance) -> None:
    schedule = optimal(restricted)
    stats = schedule_to_dict(schedule)["stats"]
    assert set(stats) >= {"optimized", "bound", "ratio", "greedy", "idle_periods", "seconds"}
    assert set(stats["seconds"]) >= {"bound", "place", "repair", "polish", "total"}
    document = json.loads(json.dumps(schedule_to_dict(schedule)))
    assert parse_schedule(document).details == schedule.details


def test_a_time_limit_is_for_optimal_only(restricted: Instance) -> None:
    schedule = solve(restricted, mode="optimal", time_limit=0.001)
    assert check(restricted, schedule) == []
    assert counts(schedule) >= counts(solve(restricted))
    with pytest.raises(ValueError, match="takes no time limit"):
        solve(restricted, mode="greedy", time_limit=5)
