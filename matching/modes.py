"""The matching modes by name, so the CLI and the store pick one without knowing the modules.

    MODES: dict[str, Callable[..., Schedule]]
    solve(instance: Instance, mode: str = "greedy", time_limit: float | None = None) -> Schedule

A new mode registers its `solve` here and reads and writes the same files; `check` audits it.
`time_limit` (seconds) is for the modes in `TIME_LIMITED`: `optimal` stops improving its
schedule then (its default is `optimal.DEFAULT_TIME_LIMIT`). Greedy needs none.
"""

from collections.abc import Callable
from typing import Any

from matching import greedy
from matching.model import Instance, Schedule

OPTIMAL = "optimal"


def _optimal(instance: Instance, **options: Any) -> Schedule:
    """Mode optimal, imported when it first runs: it loads numpy and HiGHS (a quarter of a
    second), which a bot process that never matches, and the greedy mode, do without."""
    from matching import optimal

    return optimal.solve(instance, **options)


MODES: dict[str, Callable[..., Schedule]] = {greedy.MODE: greedy.solve, OPTIMAL: _optimal}
TIME_LIMITED = frozenset({OPTIMAL})


def solve(instance: Instance, mode: str = greedy.MODE, time_limit: float | None = None) -> Schedule:
    try:
        solver = MODES[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}") from None
    if time_limit is None:
        return solver(instance)
    if mode not in TIME_LIMITED:
        raise ValueError(f"mode {mode!r} takes no time limit")
    return solver(instance, time_limit=time_limit)
