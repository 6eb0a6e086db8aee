"""The matching modes by name, so the CLI and the store pick one without knowing the modules.

    MODES: dict[str, Callable[[Instance], Schedule]]
    solve(instance: Instance, mode: str = "greedy") -> Schedule

A new mode registers its `solve` here and reads and writes the same files; `check` audits it.
"""

from collections.abc import Callable

from matching import greedy
from matching.model import Instance, Schedule

MODES: dict[str, Callable[[Instance], Schedule]] = {greedy.MODE: greedy.solve}


def solve(instance: Instance, mode: str = greedy.MODE) -> Schedule:
    try:
        solver = MODES[mode]
    except KeyError:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(MODES)}") from None
    return solver(instance)
