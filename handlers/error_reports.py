"""Which failures reach the admins: the first of a kind at once, the rest counted.

A failure's kind is its exception type and the line of our code it came from; every database
failure (server down, connection lost, file unreadable) is one kind, "the database", wherever
it surfaced. The first of a kind is reported with its trace; for the next `window` seconds the
same kind is only counted, and when the window closes one message says how many more there
were. So a database outage under load gives the admins two messages per process and window,
not one per update. Counts are kept per process (in memory: during an outage the database is
the one place they could not be written).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
WINDOW = 300.0  # seconds: "the same error at most once per few minutes"
DATABASE = "database"


def place(error: BaseException) -> str:
    """`store/participants.py:42`: the innermost frame of our own code, or "?"."""
    found = "?"
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(ROOT) and not {".venv", "site-packages"} & set(path.parts):
            found = f"{path.relative_to(ROOT)}:{frame.lineno}"
    return found


def kind(error: BaseException) -> str:
    if isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError | sa.exc.TimeoutError):
        return DATABASE
    return f"{type(error).__name__} {place(error)}"


@dataclass
class ErrorReports:
    """Kinds whose window is open, and how many failures of each were held back since.

    A window lasts until its job closes it (`close`, run `window` seconds after the report),
    not until the clock passes: a loaded process runs that job late, and a failure meanwhile
    opening a new window would drop the count held back so far, never reported."""

    window: float = WINDOW
    _held: dict[str, int] = field(default_factory=dict)

    def first(self, error_kind: str) -> bool:
        """True if this failure opens a window (report it); False if counted instead."""
        if error_kind in self._held:
            self._held[error_kind] += 1
            return False
        self._held[error_kind] = 0
        return True

    def close(self, error_kind: str) -> int:
        """Ends the kind's window; how many failures of it were held back."""
        return self._held.pop(error_kind, 0)
