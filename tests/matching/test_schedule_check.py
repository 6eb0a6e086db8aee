"""`check` catches each kind of broken schedule, and passes good ones, whatever made them."""

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_cases import DATA, Event, damaged, load_json

from matching import (
    Instance,
    Meeting,
    Reason,
    Schedule,
    ScheduleError,
    Tier,
    Unscheduled,
    check,
    dump_schedule,
    parse_schedule,
    schedule_to_dict,
)
from matching.cli import main


def scenario() -> Event:
    """Two days of two slots with fixed meetings over S2's cap and in B2's unavailable slot."""
    event = Event(days=2, slots_per_day=2, daily_cap=2)
    event.buyer("B1", booth="T-1").buyer("B2", booth="T-2", unavailable=["D1-0900"])
    event.buyer("B3", unavailable=["D1-0900", "D1-1000"]).buyer("B4", daily_cap=1)
    event.seller("S1").seller("S2", daily_cap=1).seller("S3", unavailable=["D2-1000"])
    event.seller("S4", unavailable=["D2-0900", "D2-1000"])
    event.fix("B2", "S2", "D1-0900").fix("B1", "S2", "D1-1000")
    event.request("S1", "B1", status="accepted")
    event.request("B1", "S3").request("B3", "S4")
    event.request("S1", "B4").request("S3", "B2", rank=2).request("S3", "B4", rank=5)
    event.request("S1", "B2", status="rejected").request("B3", "S1", status="cancelled")
    return event


@pytest.fixture
def instance() -> Instance:
    return scenario().instance()


@pytest.fixture
def good() -> Schedule:
    return scenario().solve()


def test_the_greedy_schedule_of_the_scenario_passes(instance: Instance, good: Schedule) -> None:
    assert good.meetings == (
        Meeting("B1", "S1", "D1-0900", "T-1", Tier.mutual),
        Meeting("B2", "S2", "D1-0900", "T-2", Tier.fixed),
        Meeting("B1", "S2", "D1-1000", "T-1", Tier.fixed),
        Meeting("B2", "S3", "D1-1000", "T-2", Tier.seller),
        Meeting("B4", "S1", "D1-1000", None, Tier.seller),
        Meeting("B1", "S3", "D2-0900", "T-1", Tier.buyer),
    )
    assert good.unscheduled == (
        Unscheduled("B3", "S4", Tier.buyer, Reason.NO_COMMON_AVAILABILITY),
        Unscheduled("B4", "S3", Tier.seller, Reason.NO_COMMON_FREE_SLOT),
    )
    assert check(instance, good) == []


def meeting_of(schedule: Schedule, buyer: str, seller: str) -> int:
    pairs = [(m.buyer, m.seller) for m in schedule.meetings]
    return pairs.index((buyer, seller))


def with_meeting(schedule: Schedule, index: int, **changes: object) -> Schedule:
    meetings = list(schedule.meetings)
    meetings[index] = dataclasses.replace(meetings[index], **changes)
    return dataclasses.replace(schedule, meetings=tuple(meetings))


def sorted_meetings(schedule: Schedule, instance: Instance) -> Schedule:
    order = {slot.id: i for i, slot in enumerate(instance.slots)}
    meetings = sorted(schedule.meetings, key=lambda m: (order.get(m.slot, -1), m.buyer))
    return dataclasses.replace(schedule, meetings=tuple(meetings))


def added(schedule: Schedule, instance: Instance, *meetings: Meeting) -> Schedule:
    grown = dataclasses.replace(schedule, meetings=schedule.meetings + meetings)
    return sorted_meetings(grown, instance)


Breakage = Callable[[Schedule, Instance], Schedule]


BROKEN: dict[str, tuple[Breakage, str]] = {
    "a pair with no request": (
        lambda s, i: added(s, i, Meeting("B1", "S4", "D2-1000", "T-1", Tier.seller)),
        '"B1" and "S4" are not a candidate pair (no live request between them)',
    ),
    "a pair meeting twice": (
        lambda s, i: added(s, i, Meeting("B1", "S1", "D2-1000", "T-1", Tier.mutual)),
        "the pair already meets in meetings[0]",
    ),
    "a pair whose only request was rejected": (
        lambda s, i: added(s, i, Meeting("B2", "S1", "D2-1000", "T-2", Tier.seller)),
        '"B2" and "S1" are not a candidate pair (no live request between them)',
    ),
    "a pair whose only request was cancelled": (
        lambda s, i: added(s, i, Meeting("B3", "S1", "D2-1000", None, Tier.buyer)),
        '"B3" and "S1" are not a candidate pair (no live request between them)',
    ),
    "an unknown participant": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S3"), seller="S9"),
        'unknown participant "S9"',
    ),
    "sides swapped": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S3"), buyer="S3", seller="B1"),
        '"S3" is not a buyer',
    ),
    "an unknown slot": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S3"), slot="D3-0900"),
        'unknown slot "D3-0900"',
    ),
    "an unavailable slot": (
        lambda s, i: sorted_meetings(with_meeting(s, meeting_of(s, "B2", "S3"), slot="D1-0900"), i),
        '"B2" is unavailable in "D1-0900"',
    ),
    "a double booking": (
        lambda s, i: sorted_meetings(with_meeting(s, meeting_of(s, "B1", "S3"), slot="D1-1000"), i),
        '"B1" already has a meeting in "D1-1000"',
    ),
    "a daily cap broken": (
        lambda s, i: added(s, i, Meeting("B4", "S3", "D1-0900", None, Tier.seller)),
        '"B4" has 2 meetings on 2023-06-20, over its daily cap of 1',
    ),
    "a fixed meeting missing": (
        lambda s, i: dataclasses.replace(
            s, meetings=tuple(m for m in s.meetings if m.seller != "S2" or m.buyer != "B2")
        ),
        'fixed[0]: the fixed meeting of "B2" and "S2" in "D1-0900" is missing',
    ),
    "a fixed meeting moved": (
        lambda s, i: sorted_meetings(with_meeting(s, meeting_of(s, "B2", "S2"), slot="D2-1000"), i),
        '"B2" and "S2" meet in "D1-0900" by a fixed meeting, not in "D2-1000"',
    ),
    "a fixed meeting labelled mutual": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S2"), tier=Tier.mutual),
        'tier is "mutual", the rules say "fixed"',
    ),
    "a wrong tier": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S3"), tier=Tier.seller),
        'tier is "seller", the rules say "buyer"',
    ),
    "a wrong booth": (
        lambda s, i: with_meeting(s, meeting_of(s, "B1", "S3"), booth="T-2"),
        'booth is "T-2", the buyer\'s booth is "T-1"',
    ),
    "out of order": (
        lambda s, i: dataclasses.replace(s, meetings=s.meetings[::-1]),
        "out of order (meetings go by slot, then buyer)",
    ),
    "an unscheduled pair that is no candidate": (
        lambda s, i: dataclasses.replace(
            s,
            unscheduled=(
                *s.unscheduled,
                Unscheduled("B2", "S1", Tier.seller, Reason.BOTH_FULL),
            ),
        ),
        '"B2" and "S1" are not a candidate pair',
    ),
    "an unscheduled pair that is scheduled": (
        lambda s, i: dataclasses.replace(
            s,
            unscheduled=(
                *s.unscheduled,
                Unscheduled("B1", "S3", Tier.buyer, Reason.BUYER_FULL),
            ),
        ),
        "the pair is scheduled, yet listed as unscheduled",
    ),
    "an unscheduled pair listed twice": (
        lambda s, i: dataclasses.replace(s, unscheduled=s.unscheduled * 2),
        "the pair is already listed in unscheduled[0]",
    ),
    "an unscheduled pair with a wrong tier": (
        lambda s, i: dataclasses.replace(
            s, unscheduled=(dataclasses.replace(s.unscheduled[0], tier=Tier.mutual),)
        ),
        'unscheduled[0]: tier is "mutual", the rules say "buyer"',
    ),
    "a false no_common_availability": (
        lambda s, i: dataclasses.replace(
            s,
            meetings=tuple(m for m in s.meetings if (m.buyer, m.seller) != ("B1", "S3")),
            unscheduled=(
                *s.unscheduled,
                Unscheduled("B1", "S3", Tier.buyer, Reason.NO_COMMON_AVAILABILITY),
            ),
        ),
        "reason is no_common_availability, yet both sides are available",
    ),
    "a candidate forgotten": (
        lambda s, i: dataclasses.replace(s, unscheduled=()),
        'candidate "B3" and "S4" is neither scheduled nor listed as unscheduled',
    ),
}


@pytest.mark.parametrize("case", BROKEN)
def test_check_catches(case: str, instance: Instance, good: Schedule) -> None:
    breakage, expected = BROKEN[case]
    problems = check(instance, breakage(good, instance))
    assert any(expected in problem for problem in problems), problems


def test_a_schedule_of_another_mode_may_schedule_differently(
    instance: Instance, good: Schedule
) -> None:
    # what an optimizer might do: give up B1–S3 to schedule nothing else; still valid
    other = dataclasses.replace(
        good,
        mode="optimal",
        meetings=tuple(m for m in good.meetings if (m.buyer, m.seller) != ("B1", "S3")),
        unscheduled=(*good.unscheduled, Unscheduled("B1", "S3", Tier.buyer, Reason.BUYER_FULL)),
    )
    assert check(instance, other) == []


def test_a_schedule_file_is_read_back_unchanged(good: Schedule) -> None:
    assert parse_schedule(json.loads(dump_schedule(good))) == good


def test_a_schedule_file_whose_stats_disagree_is_malformed(good: Schedule) -> None:
    doc = schedule_to_dict(good)
    doc["stats"]["scheduled"]["mutual"] += 1
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(doc)
    assert raised.value.problems[0].startswith("stats: the counts")


@pytest.mark.parametrize(
    ("key", "index", "value", "problem"),
    [
        ("meetings", 0, {"tier": "vip"}, "meetings[0]: tier must be one of fixed, mutual"),
        ("meetings", 0, {"booth": 3}, "meetings[0]: booth must be a string or null, got 3"),
        ("meetings", 0, {"slot": ""}, 'meetings[0]: slot must be a non-empty string, got ""'),
        ("unscheduled", 0, {"tier": "fixed"}, "unscheduled[0]: tier must be one of mutual, buyer"),
        ("unscheduled", 0, {"reason": "busy"}, "unscheduled[0]: reason must be one of"),
    ],
)
def test_a_malformed_schedule_entry_is_named(
    good: Schedule, key: str, index: int, value: dict[str, object], problem: str
) -> None:
    doc = schedule_to_dict(good)
    doc[key][index].update(value)
    with pytest.raises(ScheduleError) as raised:
        parse_schedule(doc)
    assert raised.value.problems[0].startswith(problem)


@given(st.data())
def test_a_damaged_schedule_is_refused_or_checked_never_a_crash(data: st.DataObject) -> None:
    instance = scenario().instance()
    doc = json.loads(json.dumps(schedule_to_dict(scenario().solve())))
    try:
        schedule = parse_schedule(damaged(doc, data))
    except ScheduleError as error:
        assert error.problems
    else:
        assert isinstance(check(instance, schedule), list)


def test_cli_check_prints_counts_and_passes_the_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["check", str(DATA / "tiny.instance.json"), str(DATA / "tiny.greedy.json")])
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "scheduled: fixed 1, mutual 2, buyer 2, seller 1 (total 6)",
        "unscheduled: mutual 0, buyer 0, seller 3 (total 3)",
        "ok",
    ]


def test_cli_check_lists_problems_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = load_json("tiny.greedy.json")
    doc["meetings"][0]["booth"] = "T-99"
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["check", str(DATA / "tiny.instance.json"), str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[2:] == ['meetings[0]: booth is "T-99", the buyer\'s booth is "T-01"', "1 problem"]


def test_cli_check_refuses_a_malformed_schedule_with_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "schedule.json"
    path.write_text("[]", encoding="utf-8")
    assert main(["check", str(DATA / "tiny.instance.json"), str(path)]) == 2
    assert capsys.readouterr().err == "schedule: expected a JSON object, got []\n"
