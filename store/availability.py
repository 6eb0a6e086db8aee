"""Which slots a participant can make: all of them unless switched off (the manual's
상담가능시간 설정, where every slot starts as '가능')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.errors import NotFound
from store.event import ensure_open, slots
from store.models import Slot, Unavailability


def unavailable_slot_ids(session: Session, participant_id: int) -> set[int]:
    rows = session.exec(
        select(Unavailability.slot_id).where(Unavailability.participant_id == participant_id)
    )
    return set(rows.all())


def toggle_slot(session: Session, participant_id: int, slot_id: int, now: datetime) -> bool:
    """Flips one slot; returns whether it is available afterwards."""
    ensure_open(session, now)
    if session.get(Slot, slot_id) is None:
        raise NotFound(what="slot")
    row = session.get(Unavailability, (participant_id, slot_id))
    if row is None:
        session.add(Unavailability(participant_id=participant_id, slot_id=slot_id))
    else:
        session.delete(row)
    session.flush()
    return row is not None


def set_day(
    session: Session, participant_id: int, day: date, available: bool, now: datetime
) -> None:
    """Switches every slot of one day on or off."""
    ensure_open(session, now)
    day_slots = session.exec(select(Slot.id).where(Slot.day == day)).all()
    if not day_slots:
        raise NotFound(what="day")
    session.execute(
        sa.delete(Unavailability).where(
            col(Unavailability.participant_id) == participant_id,
            col(Unavailability.slot_id).in_(day_slots),
        )
    )
    if not available:
        session.add_all(Unavailability(participant_id=participant_id, slot_id=s) for s in day_slots)
    session.flush()


@dataclass(frozen=True)
class DayGrid:
    """One day of the slot grid as one participant sees it."""

    day: date
    slots: list[Slot]
    unavailable: frozenset[int]

    def available(self, slot: Slot) -> bool:
        return slot.id not in self.unavailable


def day_grids(session: Session, participant_id: int, day: date | None = None) -> list[DayGrid]:
    """The participant's grid per event day in slot order (only `day` when given); two queries
    whatever the grid's size, since every press on the grid re-renders it."""
    grid = [slot for slot in slots(session) if day is None or slot.day == day]
    off = session.exec(
        select(Unavailability.slot_id).where(
            Unavailability.participant_id == participant_id,
            col(Unavailability.slot_id).in_([s.id for s in grid]),
        )
    ).all()
    days: dict[date, list[Slot]] = {}
    for slot in grid:
        days.setdefault(slot.day, []).append(slot)
    return [DayGrid(d, s, frozenset(off)) for d, s in days.items()]
