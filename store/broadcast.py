"""/broadcast: one row per recipient (each company's main contact and each colleague who joined,
store/readers.py), claimed and recorded like announcement deliveries (store/claims.py), so a
broadcast survives a restart and several bot processes share it without sending anything
twice. A colleague revoked before their copy went out gets nothing (counted as failed)."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select, update

from store.audit import record
from store.claims import claim_rows, release_all
from store.claims import waiting as unsent
from store.models import Broadcast, BroadcastDelivery, Colleague, DeliveryStatus, Participant, Role
from store.readers import MAIN_CONTACT, Reader
from store.readers import audience as readers

LEASE = timedelta(minutes=2)


def start(
    session: Session,
    role: Role | None,
    body: str,
    chat_id: int,
    message_id: int,
    language: str,
    bodies: dict[str, str] | None = None,
    paid: bool = False,
    audit: tuple[int, dict[str, object]] | None = None,
) -> int:
    """Queues `body` (HTML, sent as is), or `bodies` (the text per language code), for every
    reachable person of the participants of `role` (everyone if None), at Telegram's paid
    broadcast pace if `paid`; returns the broadcast's id. With `audit` (the admin's id and
    what they asked), the audit line commits with the queue."""
    if audit is not None:
        admin_id, detail = audit
        record(session, admin_id, "broadcast", **detail)
    broadcast = Broadcast(
        paid=paid,
        body=body,
        bodies=json.dumps(bodies or {}, ensure_ascii=False),
        chat_id=chat_id,
        message_id=message_id,
        language=language,
    )
    session.add(broadcast)
    session.flush()
    session.add_all(
        BroadcastDelivery(
            broadcast_id=broadcast.id,
            participant_id=reader.participant_id,
            colleague_id=reader.colleague_id,
            telegram_id=reader.telegram_id,
        )
        for reader in readers(session, role).readers
    )
    return broadcast.id


@dataclass(frozen=True)
class Delivery:
    id: int
    reader: Reader  # language: the person's own, if they chose one
    body: str
    bodies: dict[str, str]
    paid: bool  # at Telegram's paid broadcast pace

    def text_for(self, language: str) -> str:
        return self.bodies.get(language, self.body)


def claim(
    session: Session,
    broadcast_id: int,
    holder: str,
    now: datetime,
    lease: timedelta = LEASE,
    limit: int = 2,
) -> list[Delivery]:
    """Takes up to `limit` unsent copies nobody holds, each with its reader's chat and
    language; a copy of a colleague revoked since is marked failed, not handed out."""
    scope = col(BroadcastDelivery.broadcast_id) == broadcast_id
    broadcast = session.get(Broadcast, broadcast_id)
    bodies = json.loads(broadcast.bodies)
    while ids := claim_rows(session, BroadcastDelivery, scope, holder, now, lease, limit):
        rows = session.exec(
            select(BroadcastDelivery, Participant.language, Colleague)
            .join(Participant, col(Participant.id) == col(BroadcastDelivery.participant_id))
            .outerjoin(Colleague, col(Colleague.id) == col(BroadcastDelivery.colleague_id))
            .where(col(BroadcastDelivery.id).in_(ids))
        ).all()
        claimed = []
        for row, language, colleague in rows:
            if row.colleague_id != MAIN_CONTACT:
                if colleague is None or colleague.revoked_at is not None:
                    row.status = DeliveryStatus.failed  # revoked since: nothing more for them
                    session.add(row)
                    continue
                language = colleague.language
            reader = Reader(row.participant_id, row.colleague_id, row.telegram_id, language)
            claimed.append(Delivery(row.id, reader, broadcast.body, bodies, broadcast.paid))
        if claimed:
            return claimed
    return []


def audience(session: Session, role: Role | None) -> int:
    """How many people (main contacts and colleagues) a broadcast to `role` (everyone if
    None) would reach: one message each."""
    return len(readers(session, role).readers)


def is_paid(session: Session, broadcast_id: int) -> bool:
    broadcast = session.get(Broadcast, broadcast_id)
    return broadcast is not None and broadcast.paid


def stop_paid(session: Session, broadcast_id: int) -> tuple[int, str] | None:
    """Telegram refused the paid pace: the rest goes at the free one. The organizer's chat and
    language, for the one caller that switched it (it tells them), else None."""
    switched = session.execute(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.paid) == True)  # noqa: E712
        .values(paid=False)
        .returning(Broadcast.chat_id, Broadcast.language)
    ).first()
    return None if switched is None else (switched[0], switched[1])


def waiting(session: Session, now: datetime, lease: timedelta = LEASE) -> list[int]:
    """Broadcasts with recipients nobody is sending to (store/claims.py)."""
    rows = session.exec(
        select(BroadcastDelivery.broadcast_id)
        .where(unsent(BroadcastDelivery, now, lease))
        .distinct()
    ).all()
    return sorted(rows)


def finish(session: Session, delivery_id: int, status: DeliveryStatus, now: datetime) -> None:
    session.execute(
        update(BroadcastDelivery)
        .where(col(BroadcastDelivery.id) == delivery_id)
        .values(status=status, sent_at=now if status == DeliveryStatus.sent else None)
    )


def release(session: Session, holder: str, keep: Collection[int] = ()) -> None:
    """Gives back the holder's unfinished claims (a clean stop) but `keep` (store/claims.py)."""
    release_all(session, BroadcastDelivery, holder, keep)


@dataclass(frozen=True)
class Report:
    chat_id: int
    message_id: int
    language: str
    counts: dict[str, int]


def unreported(session: Session) -> list[int]:
    """Broadcasts whose final count has not gone to the admin yet."""
    return list(
        session.exec(select(Broadcast.id).where(Broadcast.reported == False)).all()  # noqa: E712
    )


def final_report(session: Session, broadcast_id: int) -> Report | None:
    """The counts, once nothing of the broadcast is left to send, until `report_sent`."""
    left = session.exec(
        select(func.count())
        .select_from(BroadcastDelivery)
        .where(
            col(BroadcastDelivery.broadcast_id) == broadcast_id,
            col(BroadcastDelivery.status) == DeliveryStatus.pending,
        )
    ).one()
    if left:
        return None
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.reported:
        return None
    rows = session.exec(
        select(BroadcastDelivery.status, func.count())
        .where(col(BroadcastDelivery.broadcast_id) == broadcast_id)
        .group_by(BroadcastDelivery.status)
    ).all()
    counts = {"sent": 0, "failed": 0, "blocked": 0} | {s.value: n for s, n in rows}  # people
    return Report(broadcast.chat_id, broadcast.message_id, broadcast.language, counts)


def report_sent(session: Session, broadcast_id: int) -> None:
    """Records that the final count went out (the admin's message edited): only after the
    edit, so a process killed in between leaves it to the next look of any process
    (`unreported`). Two processes may both edit it: the same text again changes nothing."""
    session.execute(
        update(Broadcast).where(col(Broadcast.id) == broadcast_id).values(reported=True)
    )
