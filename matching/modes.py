"""The matching modes by name, so the CLI and the store pick one without knowing the modules.

    MODES: dict[str, Callable[..., Schedule]]
    solve(instance: Instance, mode: str = "greedy", time_limit: float | None = None) -> Schedule

A new mode registers its `solve` here and reads and writes the same files; `check` audits it.
`time_limit` (seconds) is for the modes in `TIME_LIMITED`: `optimal` stops improving its
schedule then (its default is `optimal.DEFAULT_TIME_LIMIT`). Greedy needs none.
"""

from collections.abc import Callable

from matching import greedy, optimal
from matching.model import Instance, Schedule

MODES: dict[str, Callable[..., Schedule]] = {
    greedy.MODE: greedy.solve,
    optimal.MODE: optimal.solve,
}
TIME_LIMITED = frozenset({optimal.MODE})


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
