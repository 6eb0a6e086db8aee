"""Helpers for the matching tests: the example files, and events built entry by entry.

A plain module, not a conftest, so that tests can import it by a name no other test tree uses.
"""

from __future__ import annotations

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
