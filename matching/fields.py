"""Helpers shared by the file readers to check a decoded JSON document and name what is wrong."""

from __future__ import annotations

import json
from typing import Any, TypeVar

_T = TypeVar("_T")


def show(value: object) -> str:
    """A JSON rendering of an offending value, short enough for a one-line problem."""
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 40 else text[:37] + "..."


def is_count(value: object) -> bool:
    # bool is an int subclass, but `true` is not a cap
    return type(value) is int and value >= 0


def entries(
    data: dict[str, Any], key: str, problems: list[str], *, required: bool = True
) -> list[tuple[str, dict[str, Any]]]:
    """The objects of the top-level list `key`, each with its name for problems (`slots[3]`)."""
    if key not in data and not required:
        return []
    value = data.get(key)
    if not isinstance(value, list):
        problems.append(f"{key}: expected a list, got {show(value)}")
        return []
    named = []
    for i, entry in enumerate(value):
        if isinstance(entry, dict):
            named.append((f"{key}[{i}]", entry))
        else:
            problems.append(f"{key}[{i}]: expected an object, got {show(entry)}")
    return named


def lookup(choices: dict[str, _T], value: object) -> _T | None:
    """The choice named by `value`; None for anything else, lists and objects included."""
    # a decoded list or object is unhashable, so only strings may be looked up
    return choices.get(value) if isinstance(value, str) else None
