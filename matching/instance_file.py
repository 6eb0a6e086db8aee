"""The instance file (`matchbot-instance/1`): parse and validate it, or write one.

    parse_instance(data: object) -> Instance      # a decoded JSON document, e.g. built by the store
    load_instance(path: str | Path) -> Instance   # a file on disk
    instance_to_dict(instance: Instance) -> dict  # the document to write back
    dump_instance(instance: Instance) -> str      # its JSON text

Parsing collects every problem before refusing the instance with `InstanceError`, whose
`problems` name the offending entry: `requests[17]: unknown participant "S09999"`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from matching import json_text
from matching.errors import InstanceError
from matching.fields import entries, is_count, lookup, show
from matching.model import (
    DEFAULT_DAILY_CAP,
    Fixed,
    Instance,
    Participant,
    Request,
    RequestStatus,
    Role,
    Slot,
)

FORMAT = "matchbot-instance/1"

_ROLES = {role.value: role for role in Role}
_STATUSES = {status.value: status for status in RequestStatus}
_INFO_FIELDS = ("company", "country", "industry", "booth")


def load_instance(path: str | Path) -> Instance:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InstanceError([f"{path}: cannot read: {error}"]) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InstanceError([f"{path}: malformed JSON: {error}"]) from error
    return parse_instance(data)


def parse_instance(data: object) -> Instance:
    if not isinstance(data, dict):
        raise InstanceError([f"instance: expected a JSON object, got {show(data)}"])
    parser = _Parser()
    instance = parser.instance(data)
    if parser.problems:
        raise InstanceError(parser.problems)
    return instance


class _Parser:
    def __init__(self) -> None:
        self.problems: list[str] = []
        self.slot_ids: set[str] = set()
        self.roles: dict[str, Role] = {}

    def instance(self, data: dict[str, Any]) -> Instance:
        if data.get("format") != FORMAT:
            self.problems.append(f'format: expected "{FORMAT}", got {show(data.get("format"))}')
        daily_cap = data.get("daily_cap", DEFAULT_DAILY_CAP)
        if not is_count(daily_cap):
            self.problems.append(
                f"daily_cap: expected a non-negative integer, got {show(daily_cap)}"
            )
            daily_cap = DEFAULT_DAILY_CAP
        slots = self.slots(entries(data, "slots", self.problems))
        participants = self.participants(entries(data, "participants", self.problems))
        requests = self.requests(entries(data, "requests", self.problems, required=False))
        fixed = self.fixed(entries(data, "fixed", self.problems, required=False))
        return Instance(slots, participants, requests, fixed, daily_cap)

    def text(self, name: str, entry: dict[str, Any], key: str) -> str | None:
        value = entry.get(key)
        if isinstance(value, str) and value:
            return value
        self.problems.append(f"{name}: {key} must be a non-empty string, got {show(value)}")
        return None

    def slots(self, entries: list[tuple[str, dict]]) -> tuple[Slot, ...]:
        slots = []
        previous: tuple[date, time, str] | None = None
        for name, entry in entries:
            ids = [self.text(name, entry, key) for key in ("id", "day", "start", "end")]
            slot_id, day, start, end = ids
            if slot_id is not None:
                if slot_id in self.slot_ids:
                    self.problems.append(f"{name}: duplicate slot id {show(slot_id)}")
                self.slot_ids.add(slot_id)
            when = self.slot_time(name, day, start, end)
            if when is not None and slot_id is not None:
                if previous is not None and when <= previous[:2]:
                    self.problems.append(
                        f"{name}: {show(slot_id)} is not after {show(previous[2])}; "
                        "slots must be listed in chronological order"
                    )
                previous = (*when, slot_id)
            if None not in ids:
                slots.append(Slot(slot_id, day, start, end))
        return tuple(slots)

    def slot_time(
        self, name: str, day: str | None, start: str | None, end: str | None
    ) -> tuple[date, time] | None:
        if day is None or start is None or end is None:
            return None
        try:
            when = (date.fromisoformat(day), time.fromisoformat(start), time.fromisoformat(end))
        except ValueError:
            self.problems.append(
                f"{name}: day must be YYYY-MM-DD and start, end HH:MM, got "
                f"{show(day)}, {show(start)}, {show(end)}"
            )
            return None
        if when[2] <= when[1]:
            self.problems.append(f"{name}: ends at {show(end)}, not after its start {show(start)}")
        return when[0], when[1]

    def participants(self, entries: list[tuple[str, dict]]) -> tuple[Participant, ...]:
        participants = []
        for name, entry in entries:
            participant_id = self.text(name, entry, "id")
            role = lookup(_ROLES, entry.get("role"))
            if role is None:
                self.problems.append(
                    f'{name}: role must be "buyer" or "seller", got {show(entry.get("role"))}'
                )
            info = {}
            for key in _INFO_FIELDS:
                value = entry.get(key)
                if value is not None and not isinstance(value, str):
                    self.problems.append(f"{name}: {key} must be a string, got {show(value)}")
                    value = None
                info[key] = value
            daily_cap = entry.get("daily_cap")
            if daily_cap is not None and not is_count(daily_cap):
                self.problems.append(
                    f"{name}: daily_cap must be a non-negative integer, got {show(daily_cap)}"
                )
            unavailable = self.unavailable(name, entry.get("unavailable", []))
            if participant_id is None or role is None:
                continue
            if participant_id in self.roles:
                self.problems.append(f"{name}: duplicate participant id {show(participant_id)}")
                continue
            self.roles[participant_id] = role
            participants.append(
                Participant(
                    participant_id, role, **info, daily_cap=daily_cap, unavailable=unavailable
                )
            )
        return tuple(participants)

    def unavailable(self, name: str, value: object) -> frozenset[str]:
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            self.problems.append(
                f"{name}: unavailable must be a list of slot ids, got {show(value)}"
            )
            return frozenset()
        for slot_id in value:
            if slot_id not in self.slot_ids:
                self.problems.append(f"{name}: unknown slot {show(slot_id)}")
        return frozenset(value)

    def participant(self, name: str, participant_id: object) -> Role | None:
        role = self.roles.get(participant_id) if isinstance(participant_id, str) else None
        if role is None:
            self.problems.append(f"{name}: unknown participant {show(participant_id)}")
        return role

    def requests(self, entries: list[tuple[str, dict]]) -> tuple[Request, ...]:
        requests = []
        live: dict[tuple[str, str], str] = {}
        for name, entry in entries:
            requester, target = entry.get("from"), entry.get("to")
            roles = self.participant(name, requester), self.participant(name, target)
            if requester == target and roles[0] is not None:
                self.problems.append(f"{name}: {show(requester)} requests a meeting with itself")
            elif roles[0] is not None and roles[0] == roles[1]:
                self.problems.append(
                    f"{name}: {show(requester)} and {show(target)} are both {roles[0]}s"
                )
            at = self.instant(name, entry.get("at"))
            rank = entry.get("rank")
            if type(rank) is not int or rank < 1:
                self.problems.append(f"{name}: rank must be a positive integer, got {show(rank)}")
            status = lookup(_STATUSES, entry.get("status"))
            if status is None:
                self.problems.append(
                    f"{name}: status must be one of {', '.join(_STATUSES)}, "
                    f"got {show(entry.get('status'))}"
                )
            elif status.live and None not in roles:
                first = live.setdefault((requester, target), name)
                if first != name:
                    self.problems.append(
                        f"{name}: a second live request from {show(requester)} to {show(target)} "
                        f"(the first is {first})"
                    )
            # once anything is wrong the instance is refused, so partial entries are not needed
            if not self.problems:
                requests.append(Request(requester, target, at, rank, status))
        return tuple(requests)

    def instant(self, name: str, value: object) -> datetime | None:
        if not isinstance(value, str):
            self.problems.append(f"{name}: at must be an ISO 8601 string, got {show(value)}")
            return None
        try:
            at = datetime.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{name}: at is not an ISO 8601 instant: {show(value)}")
            return None
        if at.tzinfo is None:
            self.problems.append(f"{name}: at has no UTC offset (naive time): {show(value)}")
        return at

    def fixed(self, entries: list[tuple[str, dict]]) -> tuple[Fixed, ...]:
        fixed = []
        pairs: dict[tuple[str, str], str] = {}
        booked: dict[tuple[str, str], str] = {}
        for name, entry in entries:
            buyer, seller, slot = entry.get("buyer"), entry.get("seller"), entry.get("slot")
            sides_known = True
            for side, role in ((buyer, Role.buyer), (seller, Role.seller)):
                actual = self.participant(name, side)
                if actual is None:
                    sides_known = False
                elif actual != role:
                    self.problems.append(f"{name}: {show(side)} is a {actual}, not a {role}")
                    sides_known = False
            if not (isinstance(slot, str) and slot in self.slot_ids):
                self.problems.append(f"{name}: unknown slot {show(slot)}")
                continue
            if not sides_known:
                continue
            first = pairs.setdefault((buyer, seller), name)
            if first != name:
                self.problems.append(
                    f"{name}: {show(buyer)} and {show(seller)} already have a fixed meeting "
                    f"({first})"
                )
            for side in (buyer, seller):
                first = booked.setdefault((side, slot), name)
                if first != name:
                    self.problems.append(
                        f"{name}: double-books {show(side)} in {show(slot)} (see {first})"
                    )
            fixed.append(Fixed(buyer, seller, slot))
        return tuple(fixed)


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    participants = []
    for p in instance.participants:
        entry: dict[str, Any] = {"id": p.id, "role": p.role.value}
        for key in _INFO_FIELDS:
            if getattr(p, key) is not None:
                entry[key] = getattr(p, key)
        if p.daily_cap is not None:
            entry["daily_cap"] = p.daily_cap
        if p.unavailable:
            # the slots' own order, so that the written file is stable
            entry["unavailable"] = [s.id for s in instance.slots if s.id in p.unavailable]
        participants.append(entry)
    return {
        "format": FORMAT,
        "daily_cap": instance.daily_cap,
        "slots": [
            {"id": s.id, "day": s.day, "start": s.start, "end": s.end} for s in instance.slots
        ],
        "participants": participants,
        "requests": [
            {
                "from": r.requester,
                "to": r.target,
                "at": r.at.isoformat(),
                "rank": r.rank,
                "status": r.status.value,
            }
            for r in instance.requests
        ],
        "fixed": [{"buyer": f.buyer, "seller": f.seller, "slot": f.slot} for f in instance.fixed],
    }


def dump_instance(instance: Instance) -> str:
    return json_text.dumps(instance_to_dict(instance))
