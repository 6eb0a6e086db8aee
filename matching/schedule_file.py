"""The schedule file (`matchbot-schedule/1`): write a schedule, or read one back to check it.

    schedule_to_dict(schedule: Schedule) -> dict    # the document, e.g. for the store
    dump_schedule(schedule: Schedule) -> str        # its JSON text
    parse_schedule(data: object) -> Schedule        # raises ScheduleError listing every problem
    load_schedule(path: str | Path) -> Schedule

Reading checks only the file's shape and that its `stats` counts agree with its lists; whether
the schedule keeps the organizer's rules is `matching.check`'s job.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from matching import json_text
from matching.errors import ScheduleError
from matching.fields import entries, lookup, show
from matching.model import CANDIDATE_TIERS, Meeting, Reason, Schedule, Tier, Unscheduled

FORMAT = "matchbot-schedule/1"

_TIERS = {tier.value: tier for tier in Tier}
_CANDIDATE_TIERS = {tier.value: tier for tier in CANDIDATE_TIERS}
_T = TypeVar("_T")
_REASONS = {reason.value: reason for reason in Reason}


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "mode": schedule.mode,
        "meetings": [
            {"buyer": m.buyer, "seller": m.seller, "slot": m.slot, "booth": m.booth, "tier": m.tier}
            for m in schedule.meetings
        ],
        "unscheduled": [
            {"buyer": u.buyer, "seller": u.seller, "tier": u.tier, "reason": u.reason}
            for u in schedule.unscheduled
        ],
        "stats": schedule.stats() | schedule.details,
    }


def dump_schedule(schedule: Schedule) -> str:
    return json_text.dumps(schedule_to_dict(schedule))


def load_schedule(path: str | Path) -> Schedule:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ScheduleError([f"{path}: cannot read a JSON document: {error}"]) from error
    return parse_schedule(data)


def parse_schedule(data: object) -> Schedule:
    if not isinstance(data, dict):
        raise ScheduleError([f"schedule: expected a JSON object, got {show(data)}"])
    problems: list[str] = []
    if data.get("format") != FORMAT:
        problems.append(f'format: expected "{FORMAT}", got {show(data.get("format"))}')
    mode = data.get("mode")
    if not (isinstance(mode, str) and mode):
        problems.append(f"mode: expected a non-empty string, got {show(mode)}")

    meetings = []
    for name, entry in entries(data, "meetings", problems):
        fields = _strings(name, entry, ("buyer", "seller", "slot"), problems)
        booth = entry.get("booth")
        if booth is not None and not isinstance(booth, str):
            problems.append(f"{name}: booth must be a string or null, got {show(booth)}")
        tier = _choice(name, entry, "tier", _TIERS, problems)
        if fields is not None and tier is not None:
            meetings.append(Meeting(*fields, booth, tier))

    unscheduled = []
    for name, entry in entries(data, "unscheduled", problems):
        fields = _strings(name, entry, ("buyer", "seller"), problems)
        tier = _choice(name, entry, "tier", _CANDIDATE_TIERS, problems)
        reason = _choice(name, entry, "reason", _REASONS, problems)
        if fields is not None and tier is not None and reason is not None:
            unscheduled.append(Unscheduled(*fields, tier, reason))

    if problems:
        raise ScheduleError(problems)
    schedule = Schedule(mode, tuple(meetings), tuple(unscheduled))
    stats = data.get("stats")
    counts = schedule.stats()
    if not isinstance(stats, dict) or any(stats.get(key) != counts[key] for key in counts):
        raise ScheduleError(
            [f"stats: the counts {show(stats)} do not match the lists, which give {show(counts)}"]
        )
    return replace(schedule, details={k: v for k, v in stats.items() if k not in counts})


def _strings(
    name: str, entry: dict[str, Any], keys: tuple[str, ...], problems: list[str]
) -> tuple[str, ...] | None:
    values = tuple(entry.get(key) for key in keys)
    for key, value in zip(keys, values, strict=True):
        if not (isinstance(value, str) and value):
            problems.append(f"{name}: {key} must be a non-empty string, got {show(value)}")
    return values if all(isinstance(v, str) and v for v in values) else None


def _choice(
    name: str, entry: dict[str, Any], key: str, choices: dict[str, _T], problems: list[str]
) -> _T | None:
    value = entry.get(key)
    choice = lookup(choices, value)
    if choice is None:
        problems.append(f"{name}: {key} must be one of {', '.join(choices)}, got {show(value)}")
    return choice
