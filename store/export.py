"""What the organizer's workbook shows (/export, `scripts/run export`), read in one
transaction: views/export_workbook.py writes it in the organizer's language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from store.audit import record
from store.event import get_event, slots
from store.models import (
    Colleague,
    Interpreter,
    InterpreterAssignment,
    Meeting,
    MeetingRequest,
    Participant,
    Slot,
    UnscheduledPair,
)
from store.participants import by_number
from store.video import links


@dataclass(frozen=True)
class ExportData:
    timezone: str
    slots: list[Slot]
    people: dict[int, Participant]  # by id, in the participants' natural order
    meetings: list[Meeting]  # by slot, then booth
    video: dict[int, str]  # an online meeting's link, by meeting id
    interpreter_of: dict[tuple[int, int], Interpreter]  # by (buyer id, seller id)
    requests: list[MeetingRequest]
    unscheduled: list[UnscheduledPair]
    # Every colleague invitation, revoked ones too (the record of who acted for a company), by
    # company in the participants' order, then in invitation order.
    colleagues: list[Colleague]


def export_data(session: Session, admin_id: int | None = None) -> ExportData:
    """Everything the workbook shows; with `admin_id`, the export is audited with it."""
    event = get_event(session)
    grid = slots(session)
    order = {s.id: s.ordinal for s in grid}
    people = {p.id: p for p in by_number(session.exec(select(Participant)).all())}
    meetings = sorted(
        session.exec(select(Meeting)).all(), key=lambda m: (order[m.slot_id], m.booth or "")
    )
    interpreters = {i.id: i for i in session.exec(select(Interpreter)).all()}
    if admin_id is not None:
        record(session, admin_id, "export")
    return ExportData(
        timezone=event.timezone,
        slots=grid,
        people=people,
        meetings=meetings,
        video=links(session, meetings),
        interpreter_of={
            (a.buyer_id, a.seller_id): interpreters[a.interpreter_id]
            for a in session.exec(select(InterpreterAssignment)).all()
        },
        requests=list(session.exec(select(MeetingRequest).order_by(col(MeetingRequest.id)))),
        unscheduled=list(session.exec(select(UnscheduledPair).order_by(col(UnscheduledPair.id)))),
        colleagues=_colleagues(session, list(people)),
    )


def _colleagues(session: Session, order: list[int]) -> list[Colleague]:
    place = {participant_id: n for n, participant_id in enumerate(order)}
    rows = session.exec(select(Colleague).order_by(col(Colleague.id))).all()
    return sorted(rows, key=lambda c: place[c.participant_id])
