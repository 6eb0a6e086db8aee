"""Which slots a participant can make: all of them unless switched off (the manual's
상담가능시간 설정, where every slot starts as '가능').

The available-times screen calls one function per press (`grids`, `press_slot`, `switch_day`):
one transaction that returns the day's grid as the screen shows it. The statements are core
statements on the switched-off slots of one participant; the slot grid is the process's copy
(store/event.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from store.errors import ApplicationsClosed, NotFound
from store.event import grid_and_closed, slots
from store.models import Slot, Unavailability

U = Unavailability.__table__.c
_OFF = sa.select(U.slot_id).where(U.participant_id == sa.bindparam("me"))
_OFF_OF = sa.select(U.participant_id, U.slot_id).where(
    U.participant_id.in_(sa.bindparam("people", expanding=True))
)
_OFF_AMONG = _OFF.where(U.slot_id.in_(sa.bindparam("slots", expanding=True)))
_SWITCH_OFF = sa.insert(Unavailability.__table__).values(
    participant_id=sa.bindparam("me"), slot_id=sa.bindparam("slot")
)
_SWITCH_ON = sa.delete(Unavailability.__table__).where(
    U.participant_id == sa.bindparam("me"), U.slot_id.in_(sa.bindparam("slots", expanding=True))
)


def unavailable_slot_ids(session: Session, participant_id: int) -> set[int]:
    return set(session.connection().execute(_OFF, {"me": participant_id}).scalars())


def unavailable_slot_ids_of(session: Session, participant_ids: list[int]) -> dict[int, set[int]]:
    """`unavailable_slot_ids` of several participants at once, by participant (none: absent)."""
    off: dict[int, set[int]] = {}
    for participant_id, slot_id in session.connection().execute(
        _OFF_OF, {"people": participant_ids}
    ):
        off.setdefault(participant_id, set()).add(slot_id)
    return off


@dataclass(frozen=True)
class DayGrid:
    """One day of the slot grid as one participant sees it."""

    day: date
    slots: list[Slot]
    unavailable: frozenset[int]

    def available(self, slot: Slot) -> bool:
        return slot.id not in self.unavailable


@dataclass(frozen=True)
class Grids:
    """The days a screen shows, and why nothing can change any more (None: it can)."""

    days: list[DayGrid]
    closed: ApplicationsClosed | None


def _grids(
    session: Session, participant_id: int, grid: list[Slot], day: date | None
) -> list[DayGrid]:
    grid = [slot for slot in grid if day is None or slot.day == day]
    values = {"me": participant_id, "slots": [s.id for s in grid]}
    off = frozenset(session.connection().execute(_OFF_AMONG, values).scalars())
    days: dict[date, list[Slot]] = {}
    for slot in grid:
        days.setdefault(slot.day, []).append(slot)
    return [DayGrid(d, s, off) for d, s in days.items()]


def day_grids(session: Session, participant_id: int, day: date | None = None) -> list[DayGrid]:
    """The participant's grid per event day in slot order (only `day` when given)."""
    return _grids(session, participant_id, slots(session), day)


def _switch_on(session: Session, participant_id: int, slot_ids: list[int]) -> None:
    session.connection().execute(_SWITCH_ON, {"me": participant_id, "slots": slot_ids})


def _switch_off(session: Session, participant_id: int, slot_ids: list[int]) -> None:
    """Switches off slots that are on now."""
    if slot_ids:
        rows = [{"me": participant_id, "slot": slot} for slot in slot_ids]
        session.connection().execute(_SWITCH_OFF, rows)


def toggle_slot(session: Session, participant_id: int, slot_id: int, now: datetime) -> bool:
    """Flips one slot; returns whether it is available afterwards."""
    grid, closed = grid_and_closed(session, now)
    if closed is not None:
        raise closed
    if slot_id not in {slot.id for slot in grid}:
        raise NotFound(what="slot")
    values = {"me": participant_id, "slots": [slot_id]}
    was_off = session.connection().execute(_OFF_AMONG, values).first() is not None
    (_switch_on if was_off else _switch_off)(session, participant_id, [slot_id])
    return was_off


def set_day(
    session: Session, participant_id: int, day: date, available: bool, now: datetime
) -> None:
    """Switches every slot of one day on or off."""
    grid, closed = grid_and_closed(session, now)
    if closed is not None:
        raise closed
    day_slots = [slot.id for slot in grid if slot.day == day]
    if not day_slots:
        raise NotFound(what="day")
    _switch_on(session, participant_id, day_slots)
    if not available:
        _switch_off(session, participant_id, day_slots)


def grids(session: Session, participant_id: int, now: datetime) -> Grids:
    """Every day of the participant's grid, for the screen that opens them."""
    grid, closed = grid_and_closed(session, now)
    return Grids(_grids(session, participant_id, grid, None), closed)


def _pressed_day(
    session: Session, participant_id: int, day: date, now: datetime
) -> tuple[DayGrid, ApplicationsClosed | None]:
    grid, closed = grid_and_closed(session, now)
    found = _grids(session, participant_id, grid, day)
    if not found:
        raise NotFound(what="day")
    return found[0], closed


def press_slot(
    session: Session, participant_id: int, day: date, slot_id: int, now: datetime
) -> Grids:
    """Flips one slot of the day the pressed message shows (a slot of another day is forged);
    once applications are closed, changes nothing and returns the day as it is."""
    grid, closed = _pressed_day(session, participant_id, day, now)
    if slot_id not in {slot.id for slot in grid.slots}:
        raise NotFound(what="slot")
    if closed is not None:
        return Grids([grid], closed)
    was_off = slot_id in grid.unavailable
    (_switch_on if was_off else _switch_off)(session, participant_id, [slot_id])
    return Grids([DayGrid(grid.day, grid.slots, grid.unavailable ^ {slot_id})], None)


def switch_day(
    session: Session, participant_id: int, day: date, available: bool, now: datetime
) -> Grids:
    """Switches the whole day on or off; once applications are closed, changes nothing."""
    grid, closed = _pressed_day(session, participant_id, day, now)
    if closed is not None:
        return Grids([grid], closed)
    day_slots = [slot.id for slot in grid.slots]
    if available:
        _switch_on(session, participant_id, day_slots)
    else:
        _switch_off(session, participant_id, [s for s in day_slots if s not in grid.unavailable])
    return Grids(
        [DayGrid(grid.day, grid.slots, frozenset() if available else frozenset(day_slots))], None
    )
