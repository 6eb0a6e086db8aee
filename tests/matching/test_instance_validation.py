"""Invalid instances are refused as a whole, with one line per problem naming the entry."""

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from matching_cases import DATA, Event, damaged

from matching import InstanceError, instance_to_dict, load_instance, parse_instance
from matching.cli import main


def valid() -> dict[str, Any]:
    event = Event(days=2, slots_per_day=2).buyer("B1", booth="T-1").buyer("B2")
    event.seller("S1", daily_cap=3, unavailable=["D1-0900"]).seller("S2")
    event.request("B1", "S1").request("S2", "B1", status="accepted")
    event.fix("B2", "S2", "D1-0900")
    return event.doc


def problems_of(doc: object) -> list[str]:
    with pytest.raises(InstanceError) as raised:
        parse_instance(doc)
    return raised.value.problems


def changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    doc = copy.deepcopy(valid())
    change(doc)
    return doc


CASES: dict[str, tuple[Callable[[dict[str, Any]], object], str]] = {
    "wrong format": (
        lambda d: d.update(format="matchbot-instance/2"),
        'format: expected "matchbot-instance/1", got "matchbot-instance/2"',
    ),
    "negative event cap": (
        lambda d: d.update(daily_cap=-1),
        "daily_cap: expected a non-negative integer, got -1",
    ),
    "boolean cap": (
        lambda d: d["participants"][0].update(daily_cap=True),
        "participants[0]: daily_cap must be a non-negative integer, got true",
    ),
    "slots not a list": (
        lambda d: d.update(slots={"D1-0900": {}}),
        'slots: expected a list, got {"D1-0900": {}}',
    ),
    "slot not an object": (
        lambda d: d["slots"].append("D3-0900"),
        'slots[4]: expected an object, got "D3-0900"',
    ),
    "duplicate slot": (
        lambda d: d["slots"].append({**d["slots"][3], "start": "11:00", "end": "11:50"}),
        'slots[4]: duplicate slot id "D2-1000"',
    ),
    "slots out of order": (
        lambda d: d["slots"].reverse(),
        'slots[1]: "D2-0900" is not after "D2-1000"; slots must be listed in chronological order',
    ),
    "bad slot time": (
        lambda d: d["slots"][0].update(start="9h"),
        'slots[0]: day must be YYYY-MM-DD and start, end HH:MM, got "2023-06-20", "9h", "09:50"',
    ),
    "slot ends before it starts": (
        lambda d: d["slots"][0].update(end="08:00"),
        'slots[0]: ends at "08:00", not after its start "09:00"',
    ),
    "duplicate participant": (
        lambda d: d["participants"].append({"id": "B1", "role": "buyer"}),
        'participants[4]: duplicate participant id "B1"',
    ),
    "unknown role": (
        lambda d: d["participants"][0].update(role="visitor"),
        'participants[0]: role must be "buyer" or "seller", got "visitor"',
    ),
    "missing id": (
        lambda d: d["participants"][0].pop("id"),
        "participants[0]: id must be a non-empty string, got null",
    ),
    "unknown unavailable slot": (
        lambda d: d["participants"][2].update(unavailable=["D9-0900"]),
        'participants[2]: unknown slot "D9-0900"',
    ),
    "booth not a string": (
        lambda d: d["participants"][0].update(booth=7),
        "participants[0]: booth must be a string, got 7",
    ),
    "unknown requester": (
        lambda d: d["requests"][0].update({"from": "S09999"}),
        'requests[0]: unknown participant "S09999"',
    ),
    "unknown target": (
        lambda d: d["requests"][1].update(to="B7"),
        'requests[1]: unknown participant "B7"',
    ),
    "two buyers": (
        lambda d: d["requests"][0].update(to="B2"),
        'requests[0]: "B1" and "B2" are both buyers',
    ),
    "two sellers": (
        lambda d: d["requests"][1].update(to="S1"),
        'requests[1]: "S2" and "S1" are both sellers',
    ),
    "to oneself": (
        lambda d: d["requests"][0].update(to="B1"),
        'requests[0]: "B1" requests a meeting with itself',
    ),
    "two live requests": (
        lambda d: d["requests"].append({**d["requests"][0], "status": "accepted"}),
        'requests[2]: a second live request from "B1" to "S1" (the first is requests[0])',
    ),
    "naive time": (
        lambda d: d["requests"][0].update(at="2023-06-01T09:00:00"),
        'requests[0]: at has no UTC offset (naive time): "2023-06-01T09:00:00"',
    ),
    "not a time": (
        lambda d: d["requests"][0].update(at="yesterday"),
        'requests[0]: at is not an ISO 8601 instant: "yesterday"',
    ),
    "time not a string": (
        lambda d: d["requests"][0].update(at=1685577600),
        "requests[0]: at must be an ISO 8601 string, got 1685577600",
    ),
    "zero rank": (
        lambda d: d["requests"][0].update(rank=0),
        "requests[0]: rank must be a positive integer, got 0",
    ),
    "text rank": (
        lambda d: d["requests"][0].update(rank="1"),
        'requests[0]: rank must be a positive integer, got "1"',
    ),
    "unknown status": (
        lambda d: d["requests"][0].update(status="maybe"),
        'requests[0]: status must be one of pending, accepted, rejected, cancelled, got "maybe"',
    ),
    "fixed unknown slot": (
        lambda d: d["fixed"][0].update(slot="D3-0900"),
        'fixed[0]: unknown slot "D3-0900"',
    ),
    "fixed unknown participant": (
        lambda d: d["fixed"][0].update(buyer="B3"),
        'fixed[0]: unknown participant "B3"',
    ),
    "fixed sides swapped": (
        lambda d: d["fixed"][0].update(buyer="S2", seller="B2"),
        'fixed[0]: "S2" is a seller, not a buyer',
    ),
    "fixed pair repeated": (
        lambda d: d["fixed"].append({"buyer": "B2", "seller": "S2", "slot": "D2-0900"}),
        'fixed[1]: "B2" and "S2" already have a fixed meeting (fixed[0])',
    ),
    "fixed double-booking": (
        lambda d: d["fixed"].append({"buyer": "B1", "seller": "S2", "slot": "D1-0900"}),
        'fixed[1]: double-books "S2" in "D1-0900" (see fixed[0])',
    ),
}


def test_the_base_case_is_valid() -> None:
    parse_instance(valid())


@pytest.mark.parametrize("case", CASES)
def test_each_invalid_entry_is_named(case: str) -> None:
    change, problem = CASES[case]
    assert problem in problems_of(changed(change))


def test_every_problem_is_reported_at_once() -> None:
    doc = changed(lambda d: None)
    doc["requests"][0]["from"] = "S09999"
    doc["requests"][1]["rank"] = -2
    doc["fixed"][0]["slot"] = "nowhere"
    assert problems_of(doc) == [
        'requests[0]: unknown participant "S09999"',
        "requests[1]: rank must be a positive integer, got -2",
        'fixed[0]: unknown slot "nowhere"',
    ]


def test_a_document_that_is_not_an_object_is_refused() -> None:
    assert problems_of([1, 2]) == ["instance: expected a JSON object, got [1, 2]"]


def test_optional_sections_may_be_left_out() -> None:
    doc = changed(lambda d: [d.pop(key) for key in ("requests", "fixed", "daily_cap")])
    instance = parse_instance(doc)
    assert (instance.requests, instance.fixed, instance.daily_cap) == ((), (), 8)


def test_a_rejected_or_cancelled_request_may_be_repeated() -> None:
    doc = changed(lambda d: d["requests"].append({**d["requests"][0], "status": "cancelled"}))
    doc["requests"].append({**doc["requests"][0], "status": "rejected"})
    assert len(parse_instance(doc).requests) == 4


def test_writing_an_instance_back_gives_the_same_instance() -> None:
    instance = load_instance(DATA / "tiny.instance.json")
    assert parse_instance(json.loads(json.dumps(instance_to_dict(instance)))) == instance


def test_malformed_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": ', encoding="utf-8")
    with pytest.raises(InstanceError) as raised:
        load_instance(path)
    assert raised.value.problems[0].startswith(f"{path}: malformed JSON:")


def test_the_cli_exits_2_lists_problems_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = changed(lambda d: d["requests"][0].update({"from": "S09999"}))
    doc["requests"][1]["at"] = "2023-06-01 09:00"
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(doc), encoding="utf-8")
    output = tmp_path / "schedule.json"
    assert main(["solve", str(instance), "-o", str(output)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        'requests[0]: unknown participant "S09999"',
        'requests[1]: at has no UTC offset (naive time): "2023-06-01 09:00"',
    ]
    assert not output.exists()


@given(st.data())
def test_any_damaged_document_is_refused_with_problems_never_a_crash(data: st.DataObject) -> None:
    try:
        parse_instance(damaged(valid(), data))
    except InstanceError as error:
        assert error.problems
