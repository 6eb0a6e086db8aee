"""Participants: joining by invite, profile edits, language."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, col, select

from store.errors import AccountTaken, InvalidValue, InviteUsed, NotFound, Withdrawn
from store.fields import NAME_FIELDS, check_names, clean
from store.models import Colleague, Participant, Role
from store.vocabulary import Vocabulary

TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
DIGITS = re.compile(r"(\d+)")
LANGUAGES = ("ko", "en")


def new_invite_token() -> str:
    """16 URL-safe characters: fits Telegram's 64-character deep-link payload with room."""
    return secrets.token_urlsafe(12)


def natural_key(code: str) -> tuple[tuple[int, int, str], ...]:
    """Participant numbers as people count them: `2` before `10`, `B2` before `B10` (each run
    of digits compares as a number, the rest as text)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in DIGITS.split(code)
        if part
    )


def natural_sorted(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=natural_key)


def by_number(people: Iterable[Participant]) -> list[Participant]:
    """Participants in the order of their numbers (`natural_key`): invites, the export, lists."""
    return sorted(people, key=lambda participant: natural_key(participant.code))


def everyone(session: Session) -> list[Participant]:
    return by_number(session.exec(select(Participant)).all())


def by_telegram_id(session: Session, telegram_id: int) -> Participant | None:
    return session.exec(
        select(Participant).where(
            Participant.telegram_id == telegram_id,
            Participant.active == True,  # noqa: E712
        )
    ).first()


def starting_language(role: Role | None, telegram_language: str | None, default: str) -> str:
    """The language of someone who has not chosen one (nor had one from the organizer's
    file): Telegram's when it is Korean or English; English for a buyer and for anyone whose
    Telegram speaks another language (a Japanese or Arabic buyer reads English better than
    Korean); Korean for a Korean company; `default` for a stranger Telegram says nothing of."""
    code = (telegram_language or "").split("-")[0].lower()
    if code in LANGUAGES:
        return code
    if role == Role.buyer or code:
        return "en"
    return "ko" if role == Role.seller else default


def account(session: Session, telegram_id: int) -> Participant | None:
    """The participant bound to a Telegram account, withdrawn or not."""
    return session.exec(select(Participant).where(Participant.telegram_id == telegram_id)).first()


def is_colleague(session: Session, telegram_id: int) -> bool:
    """Whether the account acts for a company as one of its colleagues (store/colleagues.py)."""
    found = select(Colleague.id).where(
        Colleague.telegram_id == telegram_id, col(Colleague.revoked_at).is_(None)
    )
    return session.exec(found).first() is not None


_ACCOUNT = sa.select(Participant.__table__).where(
    Participant.__table__.c.telegram_id == sa.bindparam("telegram_id")
)


def read_account(connection: sa.Connection, telegram_id: int) -> Participant | None:
    """`account` as a copy that belongs to no session (read it, don't change it): one core
    statement, for the lookup every update makes; the ORM's query cost twice as much CPU."""
    row = connection.execute(_ACCOUNT, {"telegram_id": telegram_id}).mappings().first()
    return None if row is None else Participant.model_construct(**row)


_ACCOUNTS = sa.select(Participant.__table__).where(
    Participant.__table__.c.telegram_id.in_(sa.bindparam("telegram_ids", expanding=True))
)


def read_accounts(connection: sa.Connection, telegram_ids: list[int]) -> dict[int, Participant]:
    """`read_account` for several accounts in one statement: those who have one, by id."""
    rows = connection.execute(_ACCOUNTS, {"telegram_ids": telegram_ids}).mappings()
    return {row["telegram_id"]: Participant.model_construct(**row) for row in rows}


_BY_ID = sa.select(Participant.__table__).where(Participant.__table__.c.id == sa.bindparam("id"))


def read_participant(connection: sa.Connection, participant_id: int) -> Participant:
    """A participant by id as `read_account` reads one (a colleague's company, per update)."""
    row = connection.execute(_BY_ID, {"id": participant_id}).mappings().one()
    return Participant.model_construct(**row)


def join(
    session: Session, token: str, telegram_id: int, telegram_language: str | None
) -> Participant:
    """Binds a Telegram account to the participant an invite token was made for; one without
    a language from the file gets `starting_language`.

    The same account opening its own link again is welcome; a link already bound to another
    account, or an account already bound elsewhere, is refused."""
    if not TOKEN.match(token):  # no link's, as a mistyped one: one answer for both
        raise NotFound(what="invite")
    participant = session.exec(select(Participant).where(Participant.invite_token == token)).first()
    if participant is None:
        raise NotFound(what="invite")
    if not participant.active:
        raise Withdrawn()
    if participant.telegram_id == telegram_id:
        return participant
    current = account(session, telegram_id)
    if participant.telegram_id is not None or current is not None:
        raise InviteUsed()
    if is_colleague(session, telegram_id):
        raise AccountTaken()
    participant.telegram_id = telegram_id
    if participant.language is None:
        participant.language = starting_language(participant.role, telegram_language, "en")
    session.add(participant)
    session.flush()
    return participant


def recognised(vocabulary: Vocabulary, field: str, text: str) -> str:
    """A typed value as stored: a country's ISO code or an industry's slug as `vocabulary`
    reads it, anything else unchanged. A country or industry it does not know is refused
    (InvalidValue, with the nearest name if there is one): the importer keeps such a value as
    written and says so, but a person typing it is told at once and nothing is saved."""
    stored = vocabulary.canonical(field, text)
    if field in ("country", "industry") and not vocabulary.knows(field, stored):
        like = vocabulary.nearest(field, text)
        raise InvalidValue(field=field, reason=f"unknown_{field}", like=like)
    return stored


def update_field(
    session: Session, participant_id: int, field: str, value: str, vocabulary: Vocabulary
) -> Participant:
    """The typed value cleaned and stored (a country or an industry as `vocabulary` reads
    it), or InvalidValue saying why not."""
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(what="participant")
    stored = recognised(vocabulary, field, clean(field, value))
    if field in NAME_FIELDS:
        names = {name: getattr(participant, name) for name in NAME_FIELDS} | {field: stored}
        check_names(**names)
    setattr(participant, field, stored)
    session.add(participant)
    session.flush()
    return participant


def set_language(session: Session, participant_id: int, language: str) -> None:
    if language not in LANGUAGES:
        raise InvalidValue(field="language", reason="malformed")
    participant = session.get(Participant, participant_id)
    if participant is None:
        raise NotFound(what="participant")
    participant.language = language
    participant.language_chosen = True  # a re-imported language column leaves it alone
    session.add(participant)
