"""The notices the bot sends participants on its own (meeting and deadline reminders, outcome
and survey questions, refill offers and their outcome, a counterpart's confirmation or
cancellation) go through an outbox, like announcement deliveries.

A job or a handler `queue`s each notice as a row, rendered in the participant's language with
the time after which it is of no use (`not_after`: the meeting's start, the offer's expiry);
a `timetable` notice has no text: the participant's timetable is read when it is sent, in
the reader's language, so it shows the timetable as it is then;
the unique key (kind, participant, key) queues it once, whichever process or restart tries.
Senders in any process `claim` rows with a lease (store/claims.py), send them and `finish`
them, so a crash resends at most the message in flight, and a process that died leaves its
rows to the others once its lease ran out. A passing Telegram error is `retried` by the same
sender (the lease renewed) until the notice stops being useful; then it is given up, with the
reason.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select, update

from store.claims import claim_rows, release_all, waiting
from store.models import (
    Colleague,
    DeliveryStatus,
    Event,
    Interpreter,
    MeetingOutcome,
    Notice,
    NoticeKind,
    Participant,
    SurveyAnswer,
)
from store.timetable import Timetable, timetable

TOO_LATE = "too late"  # the reason of a notice given up because it is no use any more
GONE = "participant unreachable"  # left the fair or never opened the bot


@dataclass(frozen=True)
class Draft:
    """A notice to queue: already rendered, for one participant: its main contact reads
    `text`, each colleague the translation into their language, if there is one."""

    kind: NoticeKind
    participant_id: int
    key: str
    text: str
    markup: str = ""  # an inline keyboard as JSON
    not_after: datetime | None = None
    # The same notice in other languages: language -> (text, markup).
    translations: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # 0: for the main contact and every colleague who joined; else for that colleague only.
    colleague_id: int = 0
    # For this interpreter alone (about `participant_id`'s meeting): no colleague's copy.
    interpreter_id: int | None = None


def _copies(session: Session, drafts: Sequence[Draft]) -> list[dict[str, Any]]:
    """One row per person a draft goes to: the main contact, then each colleague who joined,
    in their language (a colleague's own notice to that colleague only)."""
    wanted = {d.participant_id for d in drafts if not d.colleague_id}
    ids = {d.colleague_id for d in drafts if d.colleague_id}
    languages: dict[int, str | None] = {}
    team: dict[int, list[int]] = {}
    found = select(Colleague).where(
        sa.or_(
            sa.and_(
                col(Colleague.participant_id).in_(wanted),
                col(Colleague.revoked_at).is_(None),
                col(Colleague.telegram_id).is_not(None),
            ),
            col(Colleague.id).in_(ids),
        )
    )
    for colleague in session.exec(found).all() if wanted or ids else ():
        languages[colleague.id] = colleague.language
        if colleague.participant_id in wanted and colleague.revoked_at is None:
            team.setdefault(colleague.participant_id, []).append(colleague.id)
    rows = []
    for d in drafts:
        recipients = [d.colleague_id] if d.colleague_id else [0, *team.get(d.participant_id, ())]
        if d.interpreter_id is not None:
            recipients = [0]
        for recipient in recipients:
            text, markup = d.text, d.markup
            if recipient:
                text, markup = d.translations.get(languages.get(recipient) or "", (text, markup))
            rows.append(
                {
                    "kind": d.kind,
                    "participant_id": d.participant_id,
                    "key": d.key,
                    "colleague_id": recipient,
                    "text": text,
                    "markup": markup,
                    "not_after": d.not_after,
                    "interpreter_id": d.interpreter_id,
                    "status": DeliveryStatus.pending,
                    "claimed_by": "",
                    "attempts": 0,
                    "error": "",
                }
            )
    return rows


def queue(session: Session, drafts: Sequence[Draft]) -> list[int]:
    """Queues the drafts not queued before (by kind, participant, key and recipient), one row
    for each person a draft goes to; returns the ids of the new rows."""
    if not drafts:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    inserted = session.execute(
        dialect.insert(Notice)
        .values(_copies(session, drafts))
        .on_conflict_do_nothing(index_elements=["kind", "participant_id", "key", "colleague_id"])
        .returning(Notice.id)  # psycopg reports no rowcount for this statement; rows do
    )
    return sorted(inserted.scalars().all())


@dataclass(frozen=True)
class Queued:
    """Notices queued with a change, and the ids of their copies: the caller sends them at
    once (jobs/notify.py `send_queued`); a sender of any process does if the caller dies."""

    drafts: list[Draft | None] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)


def queued(session: Session, drafts: Sequence[Draft | None]) -> Queued:
    """`queue`s the drafts (None: one that cannot be sent), for the caller to send at once."""
    return Queued(list(drafts), queue(session, [d for d in drafts if d is not None]))


def find(
    session: Session, kind: NoticeKind, participant_id: int, key: str, among: Sequence[int]
) -> list[int]:
    """The ids of a notice's copies just queued (of `among`); none if it was queued before."""
    return list(
        session.exec(
            select(Notice.id)
            .where(
                Notice.kind == kind,
                Notice.participant_id == participant_id,
                Notice.key == key,
                col(Notice.id).in_(among),
            )
            .order_by(col(Notice.id))
        ).all()
    )


def claim(
    session: Session,
    holder: str,
    now: datetime,
    lease: timedelta,
    limit: int = 1,
    ids: Sequence[int] | None = None,
) -> list[int]:
    """Takes up to `limit` pending notices (of `ids`, if given) that nobody sends; concurrent
    callers get disjoint rows. Each person's notices go out in the order they were queued:
    one is taken only once the earlier ones are done."""
    earlier = aliased(Notice)
    first = ~sa.exists().where(
        earlier.participant_id == Notice.participant_id,
        earlier.colleague_id == Notice.colleague_id,
        earlier.status == DeliveryStatus.pending,
        earlier.id < Notice.id,
    )
    scope = first if ids is None else sa.and_(first, col(Notice.id).in_(ids))
    return claim_rows(session, Notice, scope, holder, now, lease, limit)


def claimable(session: Session, now: datetime, lease: timedelta) -> bool:
    """Whether some notice waits for a sender (queued by a job that stopped, a process that
    died, or a handler that handed a failed send over)."""
    found = session.exec(select(Notice.id).where(waiting(Notice, now, lease)).limit(1)).first()
    return found is not None


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: NoticeKind
    telegram_id: int
    text: str
    markup: str
    not_after: datetime | None
    # A `timetable` notice: the participant's timetable now, for the reader's language (None:
    # the bot's default).
    timetable: Timetable | None = None
    language: str | None = None

    def useless(self, now: datetime) -> bool:
        return self.not_after is not None and now >= self.not_after


def prepare(session: Session, notice_id: int, now: datetime) -> Outgoing | DeliveryStatus:
    """What a claimed notice sends, or its final status if it is not to be sent: the
    participant blocked the bot or left, or the notice is no use any more."""
    row = session.get(Notice, notice_id)
    if row is None or row.status != DeliveryStatus.pending:
        return row.status if row is not None else DeliveryStatus.given_up
    company = session.get(Participant, row.participant_id)
    person: Participant | Colleague | Interpreter = company
    # A withdrawn participant gets one notice still: that they were withdrawn; a revoked
    # colleague, that they were.
    left = not (company.active or row.kind == NoticeKind.withdrawal)
    if row.colleague_id:
        person = session.get(Colleague, row.colleague_id)
        left = left or (person.revoked_at is not None and row.kind != NoticeKind.colleague)
    blocked = person.blocked_bot_at is not None
    if row.interpreter_id is not None:  # an interpreter's: not remembered as blocked
        person = session.get(Interpreter, row.interpreter_id)
        left, blocked = person is None or not person.active, False
    if blocked:
        row.status = DeliveryStatus.blocked
    elif left or person.telegram_id is None:
        row.status, row.error = DeliveryStatus.given_up, GONE
    elif row.not_after is not None and now >= row.not_after:
        row.status, row.error = DeliveryStatus.given_up, TOO_LATE
    elif row.kind == NoticeKind.timetable:
        table = timetable(session, row.participant_id)
        return Outgoing(
            row.id, row.kind, person.telegram_id, "", "", row.not_after, table, person.language
        )
    else:
        return Outgoing(row.id, row.kind, person.telegram_id, row.text, row.markup, row.not_after)
    session.add(row)
    return row.status


def _mine(notice_id: int, holder: str) -> sa.ColumnElement[bool]:
    return sa.and_(col(Notice.id) == notice_id, col(Notice.claimed_by) == holder)


def finish(
    session: Session,
    notice_id: int,
    holder: str,
    status: DeliveryStatus,
    now: datetime,
    error: str = "",
) -> None:
    """Records how the holder's send ended: sent, blocked, or given up (with the reason)."""
    values: dict[str, Any] = {"status": status, "error": error[:300]}
    if status == DeliveryStatus.sent:
        values["sent_at"] = now
    session.execute(update(Notice).where(_mine(notice_id, holder)).values(**values))
    row = session.get(Notice, notice_id)
    if status == DeliveryStatus.blocked and row.interpreter_id is None:
        table, person = (
            (Colleague, row.colleague_id) if row.colleague_id else (Participant, row.participant_id)
        )
        session.execute(update(table).where(col(table.id) == person).values(blocked_bot_at=now))


def failed_once(session: Session, notice_id: int, holder: str, now: datetime, error: str) -> bool:
    """Counts a passing failure and renews the holder's lease for the retry; False if the
    lease had run out and another sender took the notice (this one stops)."""
    renewed = session.execute(
        update(Notice)
        .where(_mine(notice_id, holder))
        .values(attempts=col(Notice.attempts) + 1, error=error[:300], claimed_at=now)
        .returning(Notice.id)
    )
    return renewed.first() is not None


def hand_over(session: Session, notice_id: int, holder: str, error: str) -> None:
    """A handler's send failed for a passing reason: the row is given back for the senders,
    who retry it with a backoff."""
    session.execute(
        update(Notice)
        .where(_mine(notice_id, holder))
        .values(
            attempts=col(Notice.attempts) + 1,
            error=error[:300],
            claimed_at=None,
            claimed_by="",
        )
    )


def release(session: Session, holder: str, keep: Collection[int] = ()) -> None:
    """Gives back the holder's unfinished claims (a clean stop) but `keep` (store/claims.py)."""
    release_all(session, Notice, holder, keep)


@dataclass(frozen=True)
class Tally:
    """A kind of notice over the whole round, whatever restarts: how each one ended."""

    sent: int
    blocked: int
    given_up: int
    left: int
    answered: int

    @property
    def total(self) -> int:
        return self.sent + self.blocked + self.given_up + self.left

    def items(self) -> dict[str, int]:
        """The counts by name, in the order organizers read them."""
        return {
            "sent": self.sent,
            "answered": self.answered,
            "blocked": self.blocked,
            "given_up": self.given_up,
            "left": self.left,
        }


# How a notice to a company went, over the copies to its people: the best any copy did.
_REACH = (DeliveryStatus.sent, DeliveryStatus.pending, DeliveryStatus.blocked)


def tally(session: Session, kind: NoticeKind, answered: int) -> Tally:
    """Counted per company, over its people's copies of each notice: sent if any copy was
    (whoever of the company read it may answer for it), else being sent while any copy is,
    else blocked if one was, else given up."""
    reach = sa.case(
        *((Notice.status == status, len(_REACH) - n) for n, status in enumerate(_REACH)),
        else_=0,
    )
    best = (
        select(func.max(reach).label("reach"))
        .where(Notice.kind == kind)
        .group_by(Notice.participant_id, Notice.key, Notice.interpreter_id)
        .subquery()
    )
    counts = dict(session.exec(select(best.c.reach, func.count()).group_by(best.c.reach)).all())
    sent, pending, blocked = (counts.get(len(_REACH) - n, 0) for n in range(len(_REACH)))
    return Tally(
        sent=sent, blocked=blocked, given_up=counts.get(0, 0), left=pending, answered=answered
    )


def question_tallies(session: Session) -> dict[NoticeKind, Tally]:
    """The outcome and the survey questions: how each went, and how many were answered."""
    return {
        kind: tally(session, kind, session.exec(select(func.count()).select_from(answers)).one())
        for kind, answers in (
            (NoticeKind.outcome, MeetingOutcome),
            (NoticeKind.survey, SurveyAnswer),
        )
    }


def survey_report_may_be_due(session: Session) -> bool:
    """Whether `claim_survey_report` has anything to look at: some survey question was queued
    and its final count has not gone out. Every process asks every few seconds (jobs/notify.py
    `resume`); this costs two small reads where the count costs four."""
    reported = session.exec(select(Event.survey_reported)).first()
    if reported is None or reported:
        return False
    asked = select(Notice.id).where(Notice.kind == NoticeKind.survey).limit(1)
    return session.exec(asked).first() is not None


def claim_survey_report(session: Session, now: datetime, lease: timedelta) -> Tally | None:
    """The survey's final count, for one caller at a time, once every question is done. The
    claim is a lease: a process killed before it recorded the count sent
    (`survey_report_sent`) leaves it to the others once the lease ran out; one killed after
    sending it but before the record has the organizers told twice."""
    counts = question_tallies(session)[NoticeKind.survey]
    if counts.left or not counts.total:
        return None
    claimed = session.execute(
        update(Event)
        .where(
            col(Event.survey_reported) == False,  # noqa: E712
            sa.or_(
                col(Event.survey_report_claimed_at).is_(None),
                col(Event.survey_report_claimed_at) < now - lease,
            ),
        )
        .values(survey_report_claimed_at=now)
    )
    return counts if claimed.rowcount == 1 else None


def survey_report_sent(session: Session, claimed_at: datetime) -> None:
    """Records the count `claim_survey_report` gave at `claimed_at` as sent; nothing if its
    lease ran out meanwhile and another process took it (that one sends it too)."""
    session.execute(
        update(Event)
        .where(col(Event.survey_report_claimed_at) == claimed_at)
        .values(survey_reported=True, survey_report_claimed_at=None)
    )
