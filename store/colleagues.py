"""Colleagues: up to three people a participant's main contact invites from My page to act for
the company in the bot (its timetable, reminders, notices and their answers), each in their
own language. Changing the company's profile and managing colleagues stay with the main
contact.

Each invitation is a `Colleague` row with its own unguessable link; opening it binds that
Telegram account (`join_colleague`), revoking it unbinds the account and refuses the link from
then on. The limit of three is the database's: a row not revoked holds one of three seats,
unique per participant, so two invitations at the same moment cannot make a fourth.
Inviting and revoking are audited in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.announce import queue_for_newcomer
from store.audit import record
from store.errors import (
    AccountTaken,
    ColleagueLimit,
    ColleagueLinkUsed,
    ColleagueRevoked,
    InvalidValue,
    NotFound,
    Withdrawn,
)
from store.event import get_event
from store.models import COLLEAGUE_SEATS, Colleague, Interpreter, Participant
from store.notices import Draft, queue
from store.participants import (
    LANGUAGES,
    TOKEN,
    natural_key,
    new_invite_token,
    read_account,
    read_accounts,
    read_participant,
    starting_language,
)
from store.text import clean_text

NAME_LENGTH = 100


@dataclass(frozen=True)
class Account:
    """Whom a Telegram account acts for: the participant (a company), and the colleague row
    when the account is one of its colleagues rather than its main contact."""

    participant: Participant | None
    colleague: Colleague | None = None


_COLLEAGUE = sa.select(Colleague.__table__).where(
    Colleague.__table__.c.telegram_id == sa.bindparam("telegram_id"),
    Colleague.__table__.c.revoked_at.is_(None),
)


def account_of(session: Session, telegram_id: int) -> Account:
    """The participant a Telegram account acts for (withdrawn or not), as its main contact or
    as a colleague; `Account(None)` for anyone else. Read for every update, so core statements
    (`read_account`'s reason); copies to read, not to change."""
    return account_on(session.connection(), telegram_id)


def account_on(connection: sa.Connection, telegram_id: int) -> Account:
    """`account_of` on a plain connection (the per-user state's, store/user_state.py)."""
    participant = read_account(connection, telegram_id)
    if participant is not None:
        return Account(participant)
    row = connection.execute(_COLLEAGUE, {"telegram_id": telegram_id}).mappings().first()
    if row is None:
        return Account(None)
    colleague = Colleague.model_construct(**row)
    return Account(read_participant(connection, colleague.participant_id), colleague)


def accounts_on(connection: sa.Connection, telegram_ids: list[int]) -> dict[int, Account]:
    """`account_on` for several accounts: the participants in one statement, then each of the
    others (a colleague, or nobody yet) as `account_on` finds them."""
    found = read_accounts(connection, telegram_ids)
    return {
        user: Account(found[user]) if user in found else account_on(connection, user)
        for user in telegram_ids
    }


def colleagues(session: Session, participant_id: int) -> list[Colleague]:
    """The participant's colleagues not revoked, joined or still invited, in invitation order."""
    return list(
        session.exec(
            select(Colleague)
            .where(Colleague.participant_id == participant_id, col(Colleague.revoked_at).is_(None))
            .order_by(col(Colleague.id))
        ).all()
    )


@dataclass(frozen=True)
class Team:
    """The colleagues screen: the colleagues not revoked, and the fair's time zone, in which
    an invitation not opened yet is named by when it was made."""

    members: list[Colleague]
    timezone: str


def colleague_team(session: Session, participant_id: int) -> Team:
    return Team(colleagues(session, participant_id), get_event(session).timezone)


def unopened(session: Session) -> list[tuple[Participant, Colleague]]:
    """The invitations nobody opened yet, of companies still taking part, with their company:
    the links an organizer may send again (`invites`)."""
    rows = session.exec(
        select(Participant, Colleague)
        .join(Colleague, col(Colleague.participant_id) == col(Participant.id))
        .where(
            col(Participant.active),
            col(Colleague.revoked_at).is_(None),
            col(Colleague.telegram_id).is_(None),
        )
        .order_by(col(Colleague.id))
    ).all()
    return sorted(rows, key=lambda row: natural_key(row[0].code))  # stable: then by invitation


def _active_participant(session: Session, participant_id: int) -> Participant:
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(what="participant")
    if not participant.active:
        raise Withdrawn()
    return participant


def invite(session: Session, participant_id: int, actor: int, now: datetime) -> Colleague:
    """A new colleague's link for the participant, on a free seat; refused when all are taken."""
    participant = _active_participant(session, participant_id)
    taken = {c.seat for c in colleagues(session, participant_id)}
    for seat in range(1, COLLEAGUE_SEATS + 1):
        if seat in taken:
            continue
        row = Colleague(
            participant_id=participant_id,
            seat=seat,
            invite_token=new_invite_token(),
            created_at=now,
        )
        try:
            with session.begin_nested():  # another invitation may take the seat meanwhile
                session.add(row)
                session.flush()
        except IntegrityError:
            continue
        record(session, actor, "colleague_invited", participant=participant.code, colleague=row.id)
        return row
    raise ColleagueLimit(count=COLLEAGUE_SEATS)


def revoke(
    session: Session,
    participant_id: int,
    colleague_id: int,
    actor: int,
    now: datetime,
    notice: Draft | None = None,
) -> Colleague:
    """Revokes one of the participant's colleagues: the account is unbound at once and the
    link refused from then on; `notice` (for a colleague who joined) tells them, queued with
    the change so that it goes out exactly once."""
    participant = session.get(Participant, participant_id)
    row = session.get(Colleague, colleague_id)
    if participant is None or row is None or row.participant_id != participant_id:
        raise NotFound(what="colleague")
    if row.revoked_at is not None:
        raise ColleagueRevoked()
    row.revoked_at = now
    session.add(row)
    session.flush()
    if notice is not None and row.telegram_id is not None:
        queue(session, [notice])
    record(session, actor, "colleague_revoked", participant=participant.code, colleague=row.id)
    return row


@dataclass(frozen=True)
class Invited:
    """A new colleague's link, and the colleagues screen with it."""

    colleague: Colleague
    team: Team


def invitation(session: Session, participant_id: int, actor: int, now: datetime) -> Invited:
    made = invite(session, participant_id, actor, now)
    return Invited(made, colleague_team(session, participant_id))


@dataclass(frozen=True)
class Revoking:
    """✖️ on the colleagues screen: the colleague pressed as the list shows them (None: no
    longer on it), and the list as it is afterwards."""

    colleague: Colleague | None
    team: Team


def revoking(
    session: Session, company: int, pressed: int, actor: int, now: datetime, notice: Draft | None
) -> Revoking:
    """The colleague the main contact pressed ✖️ on, asked (`notice` None); or confirmed:
    revoked (`revoke`), `notice` telling them."""
    team = colleague_team(session, company)
    chosen = next((c for c in team.members if c.id == pressed), None)
    if chosen is None or notice is None:
        return Revoking(chosen, team)
    revoke(session, company, pressed, actor, now, notice)
    return Revoking(chosen, colleague_team(session, company))


@dataclass(frozen=True)
class Joined:
    colleague: Colleague
    participant: Participant
    again: bool  # the same account opened its link once more: nothing changed
    # The announcement round that now has a delivery of the company's timetable for them
    # (joined after the timetables were announced), for the caller to start sending.
    announced: int | None = None


def join_colleague(
    session: Session,
    token: str,
    telegram_id: int,
    name: str,
    telegram_language: str | None,
    now: datetime,
) -> Joined | None:
    """Binds a Telegram account to the colleague a link was made for; None when the token is
    no colleague's (it may be a participant's or an interpreter's). Refused, changing nothing:
    a revoked link, a withdrawn company, a link another account opened, an account that
    already takes part otherwise. Once the timetables were announced, the company's current
    one is queued for the new colleague with the joining (store/announce.py)."""
    if not TOKEN.match(token):  # no link's, as a mistyped one: one answer for both
        raise NotFound(what="invite")
    row = session.exec(select(Colleague).where(Colleague.invite_token == token)).first()
    if row is None:
        return None
    participant = session.get(Participant, row.participant_id)
    if row.revoked_at is not None:
        raise ColleagueRevoked()
    if not participant.active:
        raise Withdrawn()
    if row.telegram_id == telegram_id:
        return Joined(row, participant, again=True)
    if row.telegram_id is not None:
        raise ColleagueLinkUsed()
    if _takes_part(session, telegram_id):
        raise AccountTaken()
    try:
        with session.begin_nested():  # the same account joining two companies at once
            row.telegram_id = telegram_id
            row.name = clean_text(name)[:NAME_LENGTH]
            row.language = starting_language(participant.role, telegram_language, "en")
            row.joined_at = now
            session.add(row)
    except IntegrityError:
        raise AccountTaken() from None
    announced = queue_for_newcomer(session, row.participant_id, row.id)
    return Joined(row, participant, again=False, announced=announced)


def _takes_part(session: Session, telegram_id: int) -> bool:
    if account_of(session, telegram_id).participant is not None:
        return True
    interpreter = select(Interpreter.id).where(Interpreter.telegram_id == telegram_id)
    return session.exec(interpreter).first() is not None


def set_colleague_language(session: Session, colleague_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidValue(field="language", reason="malformed")
    row = session.get(Colleague, colleague_id)
    if row is None:
        raise NotFound(what="colleague")
    row.language = language
    session.add(row)
