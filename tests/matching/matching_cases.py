"""Helpers for the matching tests: the example files, events built entry by entry, and random
small events (`events`, a hypothesis strategy).

A plain module, not a conftest, so that tests can import it by a name no other test tree uses.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from matching import Instance, Schedule, parse_instance, solve

DATA = Path(__file__).parent / "data"


def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


class Event:
    """An instance document; slots are hourly from 09:00, named like `D1-0900`."""

    def __init__(self, days: int = 1, slots_per_day: int = 3, daily_cap: int = 8) -> None:
        self.doc: dict[str, Any] = {
            "format": "matchbot-instance/1",
            "daily_cap": daily_cap,
            "slots": [
                {
                    "id": f"D{d}-{9 + k:02d}00",
                    "day": f"2023-06-{19 + d}",
                    "start": f"{9 + k:02d}:00",
                    "end": f"{9 + k:02d}:50",
                }
                for d in range(1, days + 1)
                for k in range(slots_per_day)
            ],
            "participants": [],
            "requests": [],
            "fixed": [],
        }

    @property
    def slots(self) -> list[str]:
        return [slot["id"] for slot in self.doc["slots"]]

    def buyer(self, pid: str, **fields: Any) -> Event:
        self.doc["participants"].append({"id": pid, "role": "buyer", **fields})
        return self

    def seller(self, pid: str, **fields: Any) -> Event:
        self.doc["participants"].append({"id": pid, "role": "seller", **fields})
        return self

    def request(
        self,
        requester: str,
        target: str,
        *,
        at: str = "2023-06-01T09:00:00+09:00",
        rank: int = 1,
        status: str = "pending",
    ) -> Event:
        self.doc["requests"].append(
            {"from": requester, "to": target, "at": at, "rank": rank, "status": status}
        )
        return self

    def fix(self, buyer: str, seller: str, slot: str) -> Event:
        self.doc["fixed"].append({"buyer": buyer, "seller": seller, "slot": slot})
        return self

    def instance(self) -> Instance:
        return parse_instance(self.doc)

    def solve(self) -> Schedule:
        return solve(self.instance())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 3) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def damaged(doc: Any, data: st.DataObject) -> Any:
    """`doc` with any JSON value put at a random place in it, for the readers' fuzz tests."""
    node = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        key = data.draw(st.sampled_from(keys))
        if isinstance(node[key], dict | list) and node[key] and data.draw(st.booleans()):
            node = node[key]
            continue
        node[key] = data.draw(JSON_VALUES)
        return doc


# ids whose string order differs from their numeric order, and a non-ASCII one
BUYERS = ("B1", "B2", "B10", "Bä")
SELLERS = ("S1", "S2", "S10", "Sø")
# few distinct instants, written with different offsets, so that ties and offsets both matter
TIMES = (
    "2023-06-01T09:00:00+09:00",
    "2023-06-01T00:00:00Z",
    "2023-05-31T20:00:00-04:00",
    "2023-06-01T10:00:00+09:00",
    "2023-06-01T02:00:00+01:00",
)
STATUSES = ("pending", "pending", "accepted", "rejected", "cancelled")


# The strategies `events` draws from, each built once per argument: built afresh in every
# example, hypothesis validated and labelled them again each time, which cost most of the CPU
# of the tests that use `events` (the engine and the tests' oracles are a few per cent).
CAPS = st.integers(0, 3)
STATUS = st.sampled_from(STATUSES)
TIME = st.sampled_from(TIMES)
ONE_TO_THREE = st.integers(1, 3)
FLAG = st.booleans()


@functools.cache
def _some(ids: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(ids), min_size=1, unique=True)


@functools.cache
def _unavailable(slot_ids: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(slot_ids), unique=True, max_size=len(slot_ids) // 2)


@functools.cache
def _asked(
    buyers: tuple[str, ...], sellers: tuple[str, ...]
) -> st.SearchStrategy[list[tuple[str, str, bool]]]:
    pairs = st.tuples(st.sampled_from(buyers), st.sampled_from(sellers), FLAG)
    return st.lists(pairs, max_size=24)


@functools.cache
def _fixed(
    buyers: tuple[str, ...], sellers: tuple[str, ...], slot_ids: tuple[str, ...]
) -> st.SearchStrategy[list[tuple[str, str, str]]]:
    triples = st.tuples(
        st.sampled_from(buyers), st.sampled_from(sellers), st.sampled_from(slot_ids)
    )
    return st.lists(triples, max_size=3)


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    days = draw(ONE_TO_THREE)
    per_day = draw(st.integers(1, 4))
    slots = [
        {"id": f"D{d}-{k}", "day": f"2023-06-2{d}", "start": f"1{k}:00", "end": f"1{k}:45"}
        for d in range(1, days + 1)
        for k in range(per_day)
    ]
    slot_ids = tuple(slot["id"] for slot in slots)
    buyers = tuple(draw(_some(BUYERS)))
    sellers = tuple(draw(_some(SELLERS)))
    participants = []
    for role, ids in (("buyer", buyers), ("seller", sellers)):
        for pid in ids:
            entry: dict[str, Any] = {"id": pid, "role": role}
            entry["unavailable"] = draw(_unavailable(slot_ids))
            if draw(FLAG):
                entry["daily_cap"] = draw(CAPS)
            if role == "buyer" and draw(FLAG):
                entry["booth"] = f"T-{pid}"
            participants.append(entry)

    requests = []
    live: set[tuple[str, str]] = set()
    for buyer, seller, from_buyer in draw(_asked(buyers, sellers)):
        requester, target = (buyer, seller) if from_buyer else (seller, buyer)
        status = draw(STATUS)
        if status in ("pending", "accepted"):
            if (requester, target) in live:
                status = "cancelled"  # only one live request per requester and target
            live.add((requester, target))
        at, rank = draw(TIME), draw(ONE_TO_THREE)
        requests.append({"from": requester, "to": target, "at": at, "rank": rank, "status": status})

    fixed = []
    booked: set[tuple[str, str]] = set()
    for buyer, seller, slot in draw(_fixed(buyers, sellers, slot_ids)):
        if any(f["buyer"] == buyer and f["seller"] == seller for f in fixed):
            continue
        if {(buyer, slot), (seller, slot)} & booked:
            continue
        booked |= {(buyer, slot), (seller, slot)}
        fixed.append({"buyer": buyer, "seller": seller, "slot": slot})

    return {
        "format": "matchbot-instance/1",
        "daily_cap": draw(ONE_TO_THREE),
        "slots": slots,
        "participants": participants,
        "requests": requests,
        "fixed": fixed,
    }
