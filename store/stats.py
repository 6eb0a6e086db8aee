"""The organizer's numbers (/stats): participants, requests, meetings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from store.models import Meeting, MeetingRequest, Participant, RequestStatus, Role, Slot, Tier


@dataclass(frozen=True)
class Stats:
    participants: dict[str, int]  # per role
    joined: int  # opened the bot
    blocked: int
    requests: dict[str, int]  # per status
    meetings: dict[str, int]  # per tier
    by_industry: dict[str, int]  # meetings, by the seller's industry (listed by its name)
    by_day: dict[date, int]
    withdrawn: int = 0  # not counted above (store/withdrawal.py)

    @property
    def total_meetings(self) -> int:
        return sum(self.meetings.values())


def stats(session: Session) -> Stats:
    people = session.exec(select(Participant).where(Participant.active == True)).all()  # noqa: E712
    statuses = dict(
        session.exec(
            select(MeetingRequest.status, func.count()).group_by(MeetingRequest.status)
        ).all()
    )
    tiers = dict(session.exec(select(Meeting.tier, func.count()).group_by(Meeting.tier)).all())
    industry = {p.id: p.industry for p in people}
    rows = session.exec(
        select(Meeting.seller_id, Slot.day).join(Slot, col(Slot.id) == col(Meeting.slot_id))
    ).all()
    roles = Counter(p.role.value for p in people)
    return Stats(
        # In the roles' order, not the rows': PostgreSQL returns a row it updated (a withdrawal)
        # last, and the line read "2 Korean companies, 3 buyers" on some runs.
        participants={r.value: n for r in Role if (n := roles[r.value])},
        joined=sum(p.telegram_id is not None for p in people),
        blocked=sum(p.blocked_bot_at is not None for p in people),
        requests={s.value: statuses.get(s, 0) for s in RequestStatus},
        meetings={tier.value: tiers.get(tier, 0) for tier in Tier},
        by_industry=dict(Counter(industry.get(s, "") for s, _ in rows)),
        by_day=dict(sorted(Counter(day for _, day in rows).items())),
        withdrawn=session.exec(
            select(func.count()).select_from(Participant).where(Participant.active == False)  # noqa: E712
        ).one(),
    )
