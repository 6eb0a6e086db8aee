"""The event as a `matchbot-instance/1` file for the engine, and its schedule stored back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.errors import NotFound
from store.event import get_event, slots
from store.interpreters import reassign
from store.models import (
    LIVE_STATUSES,
    Meeting,
    MeetingRequest,
    Participant,
    RequestStatus,
    Role,
    Tier,
    Unavailability,
    UnscheduledPair,
    utcnow,
)


def tier_ranks(requests: Sequence[MeetingRequest]) -> dict[int, int]:
    """Each live request's rank as its sender sees it: 1, 2, 3 down 📤 My requests (which
    leaves out mutual pairs) and separately among the mutual ones, so that "Priority 1" on the
    screen is the first choice the matching weighs in its tier. Stored ranks count every live
    request of the sender, so a request that became mutual would leave a gap."""
    live = [r for r in requests if r.status in LIVE_STATUSES]
    asked = {(r.from_id, r.to_id) for r in live}
    accepted = {frozenset((r.from_id, r.to_id)) for r in live if r.status == RequestStatus.accepted}

    def mutual(r: MeetingRequest) -> bool:
        return (r.to_id, r.from_id) in asked or frozenset((r.from_id, r.to_id)) in accepted

    ordered = sorted(live, key=lambda r: (r.rank, r.id))
    seen: dict[tuple[int, bool], int] = {}
    ranks = {}
    for r in ordered:
        group = (r.from_id, mutual(r))
        seen[group] = seen.get(group, 0) + 1
        ranks[r.id] = seen[group]
    return ranks


def export_instance(session: Session) -> dict[str, Any]:
    event = get_event(session)
    slot_rows = slots(session)
    slot_code = {s.id: s.code for s in slot_rows}
    people = session.exec(
        select(Participant).where(Participant.active == True)  # noqa: E712
    ).all()
    code = {p.id: p.code for p in people}
    off: dict[int, list[str]] = {}
    for row in session.exec(select(Unavailability)).all():
        off.setdefault(row.participant_id, []).append(slot_code[row.slot_id])

    def participant(p: Participant) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": p.code,
            "role": p.role.value,
            "company": p.company,
            "country": p.country,
            "industry": p.industry,
        }
        if p.role == Role.buyer:
            entry["booth"] = p.booth
        if p.daily_cap is not None:
            entry["daily_cap"] = p.daily_cap
        if p.id in off:
            entry["unavailable"] = sorted(off[p.id])
        return entry

    # Plain rows, not ORM objects: loading 30,000 requests as objects took most of an export.
    requests = session.execute(
        sa.select(
            MeetingRequest.id,
            MeetingRequest.from_id,
            MeetingRequest.to_id,
            MeetingRequest.sent_at,
            MeetingRequest.rank,
            MeetingRequest.status,
        ).order_by(col(MeetingRequest.id))
    ).all()
    rank = tier_ranks(requests)
    fixed = session.exec(select(Meeting).where(Meeting.tier == Tier.fixed)).all()
    return {
        "format": "matchbot-instance/1",
        "daily_cap": event.daily_cap,
        "slots": [
            {
                "id": s.code,
                "day": s.day.isoformat(),
                "start": f"{s.start:%H:%M}",
                "end": f"{s.end:%H:%M}",
            }
            for s in slot_rows
        ],
        "participants": [participant(p) for p in people],
        "requests": [
            {
                "from": code[r.from_id],
                "to": code[r.to_id],
                "at": r.sent_at.astimezone(UTC).isoformat(),
                "rank": rank.get(r.id, r.rank),
                "status": r.status.value,
            }
            for r in requests
            if r.from_id in code and r.to_id in code
        ],
        "fixed": [
            {"buyer": code[m.buyer_id], "seller": code[m.seller_id], "slot": slot_code[m.slot_id]}
            for m in fixed
        ],
    }


def store_schedule(session: Session, schedule: Mapping[str, Any]) -> int:
    """Replaces the automatic meetings and the unscheduled list with a schedule's; meetings
    set by hand (`fixed`) stay as they are. Returns how many meetings were stored."""
    ids = {p.code: p.id for p in session.exec(select(Participant)).all()}
    slot_ids = {s.code: s.id for s in slots(session)}

    def lookup(table: Mapping[str, int | None], key: str) -> int:
        found = table.get(key)
        if found is None:
            raise NotFound(what="schedule_entry", code=key)
        return found

    session.execute(sa.delete(Meeting).where(col(Meeting.tier) != Tier.fixed))
    session.execute(sa.delete(UnscheduledPair))
    automatic = [m for m in schedule["meetings"] if m["tier"] != Tier.fixed]
    # Core inserts of plain rows: building 25,000 ORM objects took most of a stored /match.
    now = utcnow()
    meetings = [
        {
            "buyer_id": lookup(ids, m["buyer"]),
            "seller_id": lookup(ids, m["seller"]),
            "slot_id": lookup(slot_ids, m["slot"]),
            "booth": m.get("booth"),
            "tier": Tier(m["tier"]),
            "created_at": now,
        }
        for m in automatic
    ]
    unscheduled = [
        {
            "buyer_id": lookup(ids, u["buyer"]),
            "seller_id": lookup(ids, u["seller"]),
            "tier": Tier(u["tier"]),
            "reason": u["reason"],
        }
        for u in schedule["unscheduled"]
    ]
    if meetings:
        session.execute(sa.insert(Meeting), meetings)
    if unscheduled:
        session.execute(sa.insert(UnscheduledPair), unscheduled)
    session.flush()
    reassign(session)
    return len(automatic)
