"""Who reads a company's messages in the bot: its main contact and each colleague who joined
and was not revoked (store/colleagues.py), each a person of their own, with their own chat and
language. Announcements, broadcasts and a refill booking's timetable go to each of them
(store/announce.py, store/broadcast.py); the outbox's notices do the same (store/notices.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select, update

from store.errors import AnsweredBy
from store.models import Colleague, Participant, Role
from store.participants import by_number

MAIN_CONTACT = 0  # the `colleague_id` of the main contact's copy


@dataclass(frozen=True)
class Reader:
    """One person a company's message goes to."""

    participant_id: int
    colleague_id: int  # MAIN_CONTACT, or the colleague's id
    telegram_id: int
    language: str | None


@dataclass(frozen=True)
class Audience:
    """Everyone a message to many companies reaches, and who it cannot."""

    readers: list[Reader]
    never_joined: int  # companies nobody of which opened the bot
    blocked: int  # people who blocked the bot


def audience(session: Session, role: Role | None = None) -> Audience:
    """The active participants' readers (of `role`, if given), each company's main contact
    first, then its colleagues in the order they were invited; the companies in the order of
    their numbers."""
    companies = select(Participant).where(Participant.active == True)  # noqa: E712
    team = (
        select(Colleague)
        .join(Participant, col(Participant.id) == col(Colleague.participant_id))
        .where(
            Participant.active == True,  # noqa: E712
            col(Colleague.revoked_at).is_(None),
            col(Colleague.telegram_id).is_not(None),
        )
        .order_by(col(Colleague.id))
    )
    if role is not None:
        companies, team = (q.where(Participant.role == role) for q in (companies, team))
    colleagues: dict[int, list[Colleague]] = {}
    for colleague in session.exec(team).all():
        colleagues.setdefault(colleague.participant_id, []).append(colleague)
    readers, never_joined, blocked = [], 0, 0
    for company in by_number(session.exec(companies).all()):
        assert company.id is not None
        people: list[tuple[int, Participant | Colleague]] = [
            (MAIN_CONTACT, company),
            *((c.id or 0, c) for c in colleagues.get(company.id, ())),
        ]
        joined = [(number, p) for number, p in people if p.telegram_id is not None]
        never_joined += not joined
        for number, person in joined:
            if person.blocked_bot_at is not None:
                blocked += 1
                continue
            assert person.telegram_id is not None
            readers.append(Reader(company.id, number, person.telegram_id, person.language))
    return Audience(readers, never_joined, blocked)


def reachable_company() -> sa.ColumnElement[bool]:
    """Whether a participant can be reached in the bot: it takes part, and its main contact or
    a colleague who joined (not revoked) opened the bot and has not blocked it. A company is
    reachable while any of its people is; each notice goes to each of them who is
    (store/notices.py)."""
    return sa.and_(col(Participant.active), someone_reachable())


def someone_reachable() -> sa.ColumnElement[bool]:
    """Whether the participant's main contact or a colleague who joined (not revoked) opened
    the bot and has not blocked it, whether or not it still takes part (a withdrawn company
    is told of its withdrawal)."""
    main_contact = sa.and_(
        col(Participant.telegram_id).is_not(None), col(Participant.blocked_bot_at).is_(None)
    )
    colleague = sa.exists().where(
        col(Colleague.participant_id) == col(Participant.id),
        col(Colleague.revoked_at).is_(None),
        col(Colleague.telegram_id).is_not(None),
        col(Colleague.blocked_bot_at).is_(None),
    )
    return sa.or_(main_contact, colleague)


def reachable_ids(session: Session, participant_ids: Sequence[int] | None = None) -> set[int]:
    """The participants (of `participant_ids`, if given) that can be reached in the bot."""
    query = select(Participant.id).where(reachable_company())
    if participant_ids is not None:
        query = query.where(col(Participant.id).in_(participant_ids))
    return set(session.exec(query).all())


_C = Colleague.__table__.c
_JOINED = (
    sa.select(_C.participant_id, _C.telegram_id, _C.language)
    .where(
        _C.participant_id.in_(sa.bindparam("ids", expanding=True)),
        _C.revoked_at.is_(None),
        _C.telegram_id.is_not(None),
    )
    .order_by(_C.id)
)


def joined_chats(session: Session, participant_ids: Sequence[int]) -> dict[int, tuple]:
    """Each participant's colleagues who joined, as (Telegram id, language), in invitation
    order: whom a request's notice reaches beside the main contact. A core statement: every
    request action reads it."""
    found: dict[int, tuple] = {}
    rows = session.connection().execute(_JOINED, {"ids": list(participant_ids)})
    for participant_id, telegram_id, language in rows:
        found[participant_id] = (*found.get(participant_id, ()), (telegram_id, language))
    return found


def mark_blocked(
    session: Session, participant_id: int, colleague_id: int, at: datetime | None
) -> None:
    """The person blocked the bot (`at`) or came back (None): later messages skip them."""
    table: type[Participant] | type[Colleague] = Colleague if colleague_id else Participant
    person = colleague_id or participant_id
    session.execute(update(table).where(col(table.id) == person).values(blocked_bot_at=at))


def account_blocked(session: Session, telegram_id: int, at: datetime | None) -> None:
    """The Telegram account (a main contact's or a colleague's) blocked the bot (`at`) or
    came back (None)."""
    for table in (Participant, Colleague):
        session.execute(
            update(table).where(col(table.telegram_id) == telegram_id).values(blocked_bot_at=at)
        )


def still_colleague(session: Session, participant_id: int, colleague_id: int) -> Colleague | None:
    """The colleague's row if they may still read the company's messages (joined, not
    revoked); None once revoked."""
    colleague = session.get(Colleague, colleague_id)
    if colleague is None or colleague.participant_id != participant_id:
        return None
    if colleague.revoked_at is not None or colleague.telegram_id is None:
        return None
    return colleague


def answered_by(
    session: Session, participant_id: int, colleague_id: int, what: str, **values: str
) -> AnsweredBy:
    """The refusal of a press another person of the company answered first, naming them: a
    colleague by their Telegram name, the main contact by the contact name on file."""
    if colleague_id:
        colleague = session.get(Colleague, colleague_id)
        name, role = (colleague.name if colleague else ""), "colleague"
    else:
        name, role = session.get(Participant, participant_id).contact_name, "main_contact"
    return AnsweredBy(what=what, name=name, role=role, **values)


def actor(session: Session, participant_id: int, colleague_id: int) -> int:
    """The Telegram account of the person who acted for the company (0 if none), for the
    audit line."""
    person = session.get(Colleague, colleague_id) if colleague_id else None
    person = person or session.get(Participant, participant_id)
    return (person.telegram_id if person is not None else None) or 0
