"""Neighbouring slots in the same state as one stretch of time ("⬜ 10:00~12:00 빈 시간"), for
the timetable's other times and the closed availability screen alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, time
from typing import Protocol, TypeVar


class Timed(Protocol):
    @property
    def start(self) -> time | datetime: ...

    @property
    def end(self) -> time | datetime: ...


T = TypeVar("T", bound=Timed)
S = TypeVar("S")


def stretches(items: Iterable[T], state: Callable[[T], S | None]) -> list[tuple[S, T, T]]:
    """Runs of neighbouring items (in time order) in the same state: (state, first, last). An
    item whose state is None (a meeting) ends a run, and so does a break between one item's end
    and the next one's start (lunch): a stretch never reads over a time that has no slot."""
    runs: list[tuple[S, T, T]] = []
    previous: T | None = None
    for item in items:
        now = state(item)
        if now is not None:
            joins = (
                runs
                and previous is not None
                and state(previous) == now
                and previous.end == item.start
            )
            if joins:
                runs[-1] = (now, runs[-1][1], item)
            else:
                runs.append((now, item, item))
        previous = item
    return runs
