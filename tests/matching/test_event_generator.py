"""The synthetic events: valid, reproducible, and shaped like a real fair."""

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from matching import (
    Instance,
    RequestStatus,
    Role,
    check,
    generate,
    load_instance,
    parse_instance,
    solve,
)
from matching.cli import main
from matching.generate import DEADLINE, MAX_SLOTS_PER_DAY, REQUESTS_PER_PARTICIPANT
from matching.instance_file import instance_to_dict


@pytest.fixture(scope="module")
def fair() -> Instance:
    return generate(buyers=120, sellers=300, days=2, slots_per_day=14, seed=7, requests=3_000)


def test_the_event_is_a_valid_instance_with_what_was_asked(fair: Instance) -> None:
    assert parse_instance(json.loads(json.dumps(instance_to_dict(fair)))) == fair
    roles = Counter(p.role for p in fair.participants)
    assert roles == {Role.buyer: 120, Role.seller: 300}
    assert len(fair.slots) == 28
    assert len({s.day for s in fair.slots}) == 2
    assert len(fair.requests) == 3_000


def test_the_same_seed_gives_the_same_event_and_another_seed_another() -> None:
    def make(seed: int) -> Instance:
        return generate(buyers=20, sellers=40, days=1, slots_per_day=6, seed=seed)

    assert make(1) == make(1)
    assert make(1) != make(2)


def test_the_default_request_count_follows_the_participant_count() -> None:
    event = generate(buyers=10, sellers=30, days=1, slots_per_day=8, seed=0)
    assert len(event.requests) == REQUESTS_PER_PARTICIPANT * 40
    crowded = generate(buyers=3, sellers=4, days=1, slots_per_day=8, seed=0)
    assert len(crowded.requests) == 3 * 4


def test_participants_have_industries_countries_and_buyers_booths(fair: Instance) -> None:
    assert len({p.industry for p in fair.participants}) >= 5
    buyers = [p for p in fair.participants if p.role is Role.buyer]
    sellers = [p for p in fair.participants if p.role is Role.seller]
    assert len({p.country for p in buyers}) >= 5
    assert {p.country for p in sellers} == {"KR"}
    assert all(p.booth for p in buyers) and not any(p.booth for p in sellers)


def test_a_few_popular_participants_draw_most_requests(fair: Instance) -> None:
    received = Counter(r.target for r in fair.requests)
    # a tenth of the participants draw four times their share
    top = sum(count for _, count in received.most_common(len(fair.participants) // 10))
    assert top > len(fair.requests) * 0.4


def test_requesters_mostly_ask_within_their_industry(fair: Instance) -> None:
    industry = {p.id: p.industry for p in fair.participants}
    same = sum(industry[r.requester] == industry[r.target] for r in fair.requests)
    assert same > len(fair.requests) / 2


def test_some_half_days_are_blocked(fair: Instance) -> None:
    blocked = [p.unavailable for p in fair.participants if p.unavailable]
    assert 0 < len(blocked) < len(fair.participants) / 2
    assert {len(slots) for slots in blocked} == {7}  # half of a 14-slot day


def test_requests_have_every_status_and_bunch_before_the_deadline(fair: Instance) -> None:
    statuses = Counter(r.status for r in fair.requests)
    assert set(statuses) == set(RequestStatus)
    assert statuses[RequestStatus.pending] > len(fair.requests) / 2
    assert all(r.at <= DEADLINE for r in fair.requests)
    last_week = sum(DEADLINE - r.at <= timedelta(days=7) for r in fair.requests)
    assert last_week > len(fair.requests) * 0.8
    assert len({r.at.utcoffset() for r in fair.requests}) >= 5


def test_some_cancelled_requests_are_sent_again(fair: Instance) -> None:
    cancelled = {
        (r.requester, r.target) for r in fair.requests if r.status is RequestStatus.cancelled
    }
    live = {(r.requester, r.target) for r in fair.requests if r.status.live}
    assert cancelled & live


def test_each_requester_ranks_its_requests_one_by_one(fair: Instance) -> None:
    ranks: dict[str, list[int]] = {}
    for r in fair.requests:
        ranks.setdefault(r.requester, []).append(r.rank)
    assert all(sorted(mine) == list(range(1, len(mine) + 1)) for mine in ranks.values())


def test_a_few_meetings_are_fixed_and_some_caps_are_personal(fair: Instance) -> None:
    assert 0 < len(fair.fixed) <= 120 // 50
    assert any(p.daily_cap is not None for p in fair.participants)


def test_the_greedy_schedule_of_a_generated_event_passes_check(fair: Instance) -> None:
    schedule = solve(fair)
    assert check(fair, schedule) == []
    assert len(schedule.meetings) > len(fair.fixed)
    assert schedule.unscheduled


def test_with_restricted_hours_everyone_is_there_for_one_window_on_one_day() -> None:
    event = generate(buyers=30, sellers=60, days=2, slots_per_day=8, seed=1, window=(3, 5))
    lengths = set()
    for p in event.participants:
        there = [i for i, slot in enumerate(event.slots) if slot.id not in p.unavailable]
        assert there == list(range(there[0], there[-1] + 1))
        assert len({event.slots[i].day for i in there}) == 1
        lengths.add(len(there))
    assert lengths == {3, 4, 5}


def test_the_cli_writes_an_event_with_restricted_hours(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    arguments = ["--buyers", "8", "--sellers", "20", "--days", "2", "--slots-per-day", "6"]
    assert main(["generate", *arguments, "--window", "2", "4", "-o", str(path)]) == 0
    assert load_instance(path) == generate(8, 20, 2, 6, seed=0, window=(2, 4))


@pytest.mark.parametrize(
    "arguments",
    [
        {"buyers": 0, "sellers": 1, "days": 1, "slots_per_day": 1},
        {"buyers": 1, "sellers": 1, "days": 1, "slots_per_day": MAX_SLOTS_PER_DAY + 1},
        {"buyers": 2, "sellers": 3, "days": 1, "slots_per_day": 4, "requests": 7},
        {"buyers": 2, "sellers": 3, "days": 1, "slots_per_day": 4, "window": (3, 5)},
        {"buyers": 2, "sellers": 3, "days": 1, "slots_per_day": 4, "window": (0, 2)},
    ],
)
def test_impossible_events_are_refused(arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        generate(seed=0, **arguments)


def test_the_cli_writes_an_event_that_solve_accepts(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    arguments = ["--buyers", "8", "--sellers", "20", "--days", "2", "--slots-per-day", "6"]
    assert main(["generate", *arguments, "--seed", "3", "-o", str(path)]) == 0
    assert load_instance(path) == generate(8, 20, 2, 6, seed=3)
    assert main(["solve", str(path), "-o", str(tmp_path / "schedule.json")]) == 0
    assert main(["check", str(path), str(tmp_path / "schedule.json")]) == 0


def test_the_cli_refuses_impossible_events(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["--buyers", "2", "--sellers", "2", "--requests", "5"]
    assert main(["generate", *arguments]) == 2
    assert "requests must be between 0 and buyers × sellers (4)" in capsys.readouterr().err


def test_the_varied_options_change_fixed_meetings_cap_ranks_and_popularity() -> None:
    plain = generate(60, 150, 2, 8, seed=2, requests=1_200)
    varied = generate(
        60, 150, 2, 8, seed=2, requests=1_200, fixed=30, daily_cap=4, rank_levels=3, popularity=0
    )
    assert varied.daily_cap == 4 and len(varied.fixed) > len(plain.fixed)
    assert {r.rank for r in varied.requests} == {1, 2, 3}
    assert max(r.rank for r in plain.requests) > 3

    # without popularity the most sought-after get far fewer requests
    def top(event: Instance) -> int:
        return Counter(r.target for r in event.requests).most_common(1)[0][1]

    assert top(varied) < top(plain) / 2
    assert check(varied, solve(varied)) == []
    assert generate(10, 20, 1, 8, seed=0, fixed=0).fixed == ()


def test_the_varied_benchmark_covers_every_level_of_every_factor() -> None:
    from matching.varied import DESIGN

    levels = {
        "density": {0.8, 1.2, 1.6},
        "fixed": {0, 20, 200},
        "days": {2, 3},
        "restricted": {False, True},
        "cap": {4, 8},
    }
    for factor, wanted in levels.items():
        assert {getattr(v, factor) for v in DESIGN} == wanted
    assert {(v.density, v.fixed) for v in DESIGN} == {
        (d, f) for d in levels["density"] for f in levels["fixed"]
    }
