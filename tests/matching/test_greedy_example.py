"""The spec's worked example: tiny.instance.json gives exactly tiny.greedy.json."""

import json
from pathlib import Path

from matching_cases import DATA, load_json

from matching import check, load_instance, parse_schedule, schedule_to_dict, solve
from matching.cli import main


def test_the_example_instance_gives_the_example_schedule() -> None:
    schedule = solve(load_instance(DATA / "tiny.instance.json"))
    assert json.loads(json.dumps(schedule_to_dict(schedule))) == load_json("tiny.greedy.json")


def test_the_cli_writes_the_example_schedule(tmp_path: Path) -> None:
    output = tmp_path / "schedule.json"
    assert main(["solve", str(DATA / "tiny.instance.json"), "-o", str(output)]) == 0
    assert json.loads(output.read_text(encoding="utf-8")) == load_json("tiny.greedy.json")


def test_the_example_schedule_passes_check() -> None:
    instance = load_instance(DATA / "tiny.instance.json")
    assert check(instance, parse_schedule(load_json("tiny.greedy.json"))) == []
