"""The event's tables.

One database holds one fair: a single `Event` row, its slot grid, its participants and
everything they do. Times are stored in UTC and come back timezone-aware (`UTCDateTime`),
so the same code behaves alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from matching.model import DEFAULT_DAILY_CAP, RequestStatus, Role, Tier


class UTCDateTime(sa.types.TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC everywhere."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Phase(StrEnum):
    open = "open"
    closed = "closed"
    matched = "matched"
    announced = "announced"


LIVE_STATUSES = (RequestStatus.pending, RequestStatus.accepted)


class MatchMode(StrEnum):
    """The matching engine's modes the event may run (see `matching.MODES`)."""

    greedy = "greedy"
    optimal = "optimal"


class ApplicationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"
    blocked = "blocked"
    unchanged = "unchanged"  # the timetable is the one last sent: nothing to send
    given_up = "given_up"  # a notice no longer useful (its meeting started, its offer expired)


def _enum(enum: type[StrEnum]) -> sa.Enum:
    # Stored as plain strings, not a native PostgreSQL enum, so migrations can add values.
    return sa.Enum(enum, native_enum=False, length=16, validate_strings=True)


class Attendance(StrEnum):
    """How a participant or an interpreter takes part: at the fair, or by video."""

    onsite = "onsite"
    online = "online"


class Event(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # The fair's name in Korean and in English (either may be empty; store/names.py picks).
    name: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    timezone: str = Field(max_length=64)
    deadline: datetime = Field(sa_type=UTCDateTime)
    daily_cap: int = DEFAULT_DAILY_CAP
    phase: Phase = Field(default=Phase.open, sa_type=_enum(Phase))
    reminder_minutes: int = 10
    # The mode of the deadline's matching and of a plain /match; the optimal mode's time limit.
    match_mode: MatchMode = Field(default=MatchMode.greedy, sa_type=_enum(MatchMode))
    match_time_limit: int = 30  # seconds
    # Bumped by every stored matching run: the UPDATE also serializes concurrent runs.
    matching_runs: int = 0
    # The current announcement round and the admin's progress message for it.
    announce_round: int = 0
    announce_chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    announce_message_id: int | None = None
    # The language of the organizer who started the round: every edit of the progress message
    # is in it (None, rounds from before it was kept: the bot's default language).
    announce_language: str | None = Field(default=None, max_length=8)
    # The last round whose final report went out (claimed so that only one process sends it).
    announce_reported: int = 0
    # The current round goes at Telegram's paid broadcast pace (the organizer's choice), until
    # Telegram refuses it.
    announce_paid: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Weeks after the fair's last slot when the follow-up survey goes out (store/survey.py).
    follow_up_weeks: int = 4
    # The survey's final count went out (claimed so that only one process sends it).
    survey_reported: bool = False
    # Online meetings' video links (store/video.py): a template with {room}, or the
    # organizer's own fixed rooms (one link a line); the key that makes room names unguessable.
    video_link: str = Field(default="", max_length=300)
    video_rooms: str = Field(default="", sa_type=sa.Text)
    video_secret: str = Field(default="", max_length=64)
    # A fresh random number set by the database itself on every change to this row or to the
    # slots (triggers, migration 0015), so that a process's copy of the event and its grid knows
    # when it is stale (store/event.py); a new event starts at one too.
    version: int = Field(default_factory=lambda: secrets.randbelow(2**31))


class Slot(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    day: date
    start: time
    end: time
    ordinal: int = Field(unique=True)


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    role: Role = Field(sa_type=_enum(Role), index=True)
    # The company's Korean and English names: either may be empty, not both. Screens show
    # the reader's language, falling back to the other (store/names.py `company_name`).
    company: str = Field(max_length=200)
    company_en: str = Field(default="", max_length=200)
    country: str = Field(max_length=64)
    industry: str = Field(max_length=100, index=True)
    products: str = Field(default="", max_length=1000)
    website: str = Field(default="", max_length=300)
    description: str = Field(default="", max_length=2000)
    contact_name: str = Field(default="", max_length=100)
    contact_title: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    telegram_id: int | None = Field(default=None, unique=True, sa_type=sa.BigInteger)
    language: str | None = Field(default=None, max_length=8)
    # The participant picked `language` with 🌐: a re-imported language column leaves it alone.
    language_chosen: bool = False
    booth: str | None = Field(default=None, max_length=32)
    daily_cap: int | None = None
    invite_token: str = Field(max_length=64, unique=True)
    # False once withdrawn (store/withdrawal.py): out of Find, counts, matching and exports.
    active: bool = True
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_reason: str = Field(default="", max_length=300)
    blocked_bot_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attendance: Attendance = Field(default=Attendance.onsite, sa_type=_enum(Attendance))
    timezone: str | None = Field(default=None, max_length=64)  # None: the country's, or the event's
    # The language this participant needs an interpreter for (a code: ja, zh), if any.
    interpreter_language: str | None = Field(default=None, max_length=8)


class ImportedValue(SQLModel, table=True):
    """What the last import wrote into a participant's field, as text: a re-import tells a
    value the participant changed in the bot since then (a conflict, kept) from one the
    organizer's file changed (taken); store/importer.py."""

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    field: str = Field(primary_key=True, max_length=32)
    value: str = Field(default="", sa_type=sa.Text)


class Unavailability(SQLModel, table=True):
    """A slot the participant switched off; a missing row means available."""

    participant_id: int = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    slot_id: int = Field(foreign_key="slot.id", primary_key=True, ondelete="CASCADE")


class MeetingRequest(SQLModel, table=True):
    __table_args__ = (
        # At most one live request from a requester to a target, even under concurrent sends.
        sa.Index(
            "uq_live_request",
            "from_id",
            "to_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'accepted')"),
            postgresql_where=sa.text("status IN ('pending', 'accepted')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    from_id: int = Field(foreign_key="participant.id", index=True)
    to_id: int = Field(foreign_key="participant.id", index=True)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    status: RequestStatus = Field(default=RequestStatus.pending, sa_type=_enum(RequestStatus))
    rank: int
    note: str = Field(default="", max_length=300)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Who of the receiving company accepted or rejected it: 0 its main contact, else the
    # colleague's id; None while pending (and for answers given before migration 0022).
    answered_by: int | None = None


class Meeting(SQLModel, table=True):
    __table_args__ = (
        sa.UniqueConstraint("buyer_id", "slot_id"),
        sa.UniqueConstraint("seller_id", "slot_id"),
        sa.UniqueConstraint("buyer_id", "seller_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="participant.id", index=True)
    seller_id: int = Field(foreign_key="participant.id", index=True)
    # Indexed for the fair day: who is busy in a slot (standby refill, reminders).
    slot_id: int = Field(foreign_key="slot.id", index=True)
    booth: str | None = Field(default=None, max_length=32)
    tier: Tier = Field(sa_type=_enum(Tier))
    created_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UnscheduledPair(SQLModel, table=True):
    """A candidate pair the last matching run could not place, with the engine's reason code."""

    id: int | None = Field(default=None, primary_key=True)
    buyer_id: int = Field(foreign_key="participant.id", index=True)
    seller_id: int = Field(foreign_key="participant.id", index=True)
    tier: Tier = Field(sa_type=_enum(Tier))
    reason: str = Field(max_length=32)


class AnnouncementDelivery(SQLModel, table=True):
    """One person's copy of a round's timetable: the participant's main contact's or one of
    its colleagues' (store/announce.py)."""

    __table_args__ = (
        sa.UniqueConstraint(
            "participant_id", "round", "colleague_id", name="uq_announcementdelivery"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    round: int
    # Whom this copy goes to: 0 the main contact, else the colleague (as in `notice`).
    colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    digest: str = Field(max_length=64)
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=_enum(DeliveryStatus))
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str = Field(default="", max_length=300)
    # Which process holds the claim (a lease until `claimed_at` + the lease time).
    claimed_by: str = Field(default="", max_length=32)
    # Messages of this delivery already sent: a resumed delivery sends only the rest.
    parts_sent: int = 0
    # The meetings sent (JSON list of [slot, counterpart code, booth]), to tell what changed.
    meetings: str = Field(default="[]", sa_type=sa.Text)


class NoticeKind(StrEnum):
    deadline = "deadline"
    meeting = "meeting"
    outcome = "outcome"  # "How did your meeting go?" after each meeting (store/outcomes.py)
    outcome_nudge = "outcome_nudge"  # its one reminder
    survey = "survey"  # the follow-up survey, weeks after the fair (store/survey.py)
    refill = "refill"  # a standby refill offer and its outcome (handlers/refill_offers.py)
    fairday = "fairday"  # the counterpart confirmed or cancelled a meeting
    withdrawal = "withdrawal"  # a withdrawal told to everyone it concerns (store/withdrawal.py)
    colleague = "colleague"  # a colleague told that the main contact revoked their access
    interpreter = "interpreter"  # an interpreter's reminder before a meeting they interpret
    application = "application"  # an applicant told their application was approved
    # A participant's whole timetable and calendar file after a change (a refill booked):
    # no stored text, drawn when sent (store/notices.py `prepare`, jobs/notify.py).
    timetable = "timetable"


class Notice(SQLModel, table=True):
    """A message the bot sends a participant on its own, queued rendered (store/notices.py):
    the unique key queues each one once, even with several bot processes; senders claim it
    with a lease, like announcement deliveries, and mark it sent."""

    __table_args__ = (
        sa.UniqueConstraint("kind", "participant_id", "key", "colleague_id", name="uq_notice"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: NoticeKind = Field(sa_type=_enum(NoticeKind))
    participant_id: int = Field(foreign_key="participant.id", index=True)
    key: str = Field(max_length=64)
    # Whom this copy goes to: 0 the participant's main contact, else the colleague (its id;
    # not a foreign key, so that the unique key can hold the 0). store/notices.py `queue`.
    colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # A notice to an interpreter (kind `interpreter`): its recipient; `participant_id` is then
    # the meeting's buyer, whose notices it queues behind. Not a foreign key (migration 0020).
    interpreter_id: int | None = Field(default=None, index=True)
    status: DeliveryStatus = Field(
        default=DeliveryStatus.pending, sa_type=_enum(DeliveryStatus), index=True
    )
    text: str = Field(default="", sa_type=sa.Text)  # HTML, in the participant's language
    markup: str = Field(default="", sa_type=sa.Text)  # the inline keyboard as JSON, or ""
    # No use after this (the meeting started, the offer expired): given up, not sent late.
    not_after: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str = Field(default="", max_length=32)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0  # sends that failed with a passing error (retried with a backoff)
    error: str = Field(default="", max_length=300)  # the last error, or why it was given up


class AuditLog(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    admin_id: int = Field(sa_type=sa.BigInteger)
    action: str = Field(max_length=64)
    detail: str = Field(default="", max_length=2000)


class JoinApplication(SQLModel, table=True):
    """A company asking to take part without an invite; an admin approves or rejects it."""

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int = Field(sa_type=sa.BigInteger, index=True)
    language: str = Field(max_length=8)
    role: Role = Field(sa_type=_enum(Role))
    company: str = Field(max_length=200)
    company_en: str = Field(default="", max_length=200)
    country: str = Field(max_length=64)
    industry: str = Field(max_length=100)
    products: str = Field(default="", max_length=1000)
    contact_name: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=254)
    status: ApplicationStatus = Field(
        default=ApplicationStatus.pending, sa_type=_enum(ApplicationStatus)
    )
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, sa_type=sa.BigInteger)
    participant_id: int | None = Field(default=None, foreign_key="participant.id")


class UserState(SQLModel, table=True):
    """What the bot keeps per user between updates (`user_data`: the typed step awaited,
    Find's filters and page), as plain JSON, read and written within each update
    (bot/user_state.py). `holder` and `held_until` are the per-user lock: one bot process at
    a time handles a user's update."""

    telegram_id: int = Field(
        primary_key=True, sa_type=sa.BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    data: str = Field(default="{}", sa_type=sa.Text)
    holder: str = Field(default="", max_length=32)
    held_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SendPace(SQLModel, table=True):
    """Telegram's budget of bulk messages, shared by every bot process: the wall-clock time
    (seconds since the epoch) of the next free sending slot (store/send_pace.py)."""

    id: int | None = Field(default=None, primary_key=True)
    next_at: float = 0.0


class Broadcast(SQLModel, table=True):
    """One /broadcast: its text and the admin's status message, edited with the counts."""

    id: int | None = Field(default=None, primary_key=True)
    body: str = Field(sa_type=sa.Text)  # HTML-escaped: sent as typed
    # The bot's own notices: the text per language code, as JSON, instead of `body`.
    bodies: str = Field(default="{}", sa_type=sa.Text)
    chat_id: int = Field(sa_type=sa.BigInteger)
    message_id: int
    language: str = Field(max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    reported: bool = False
    paid: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class BroadcastDelivery(SQLModel, table=True):
    """One recipient of a broadcast (a participant's main contact or one of its colleagues),
    claimed and recorded like an announcement delivery."""

    __table_args__ = (
        sa.UniqueConstraint(
            "broadcast_id", "participant_id", "colleague_id", name="uq_broadcastdelivery"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcast.id", index=True)
    participant_id: int = Field(foreign_key="participant.id")
    # Whom this copy goes to: 0 the main contact, else the colleague (as in `notice`).
    colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    telegram_id: int = Field(sa_type=sa.BigInteger)
    status: DeliveryStatus = Field(default=DeliveryStatus.pending, sa_type=_enum(DeliveryStatus))
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str = Field(default="", max_length=32)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# The fair day: confirmations, cancellations and refill offers (store/fairday.py, store/refill.py).


class CancelReason(StrEnum):
    cant_attend = "cant_attend"
    not_interested = "not_interested"
    other = "other"
    removed = "removed"  # an admin's /unassign
    withdrawn = "withdrawn"  # one side was withdrawn from the fair (store/withdrawal.py)


class MeetingConfirmation(SQLModel, table=True):
    """A side said "I'll be there"; gone with the meeting if it is cancelled later."""

    meeting_id: int = Field(foreign_key="meeting.id", primary_key=True, ondelete="CASCADE")
    participant_id: int = Field(foreign_key="participant.id", primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    # Who of the company pressed it: 0 its main contact, else the colleague's id.
    colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class MeetingCancellation(SQLModel, table=True):
    """A meeting given up before it started (the meeting row is deleted, freeing the slot);
    the place it leaves is what the standby refill offers to others."""

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int  # the deleted meeting's number, as participants and admins saw it
    buyer_id: int = Field(foreign_key="participant.id", index=True)
    seller_id: int = Field(foreign_key="participant.id", index=True)
    slot_id: int = Field(foreign_key="slot.id", index=True)
    tier: Tier = Field(sa_type=_enum(Tier))
    by_participant_id: int | None = Field(default=None, foreign_key="participant.id")
    # Who of that participant gave it up: 0 its main contact, else the colleague's id.
    by_colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    reason: CancelReason = Field(sa_type=_enum(CancelReason))
    at: datetime = Field(sa_type=UTCDateTime)


class OfferState(StrEnum):
    open = "open"
    booked = "booked"
    declined = "declined"
    expired = "expired"
    void = "void"  # both accepted, but one side was booked elsewhere meanwhile


class RefillOffer(SQLModel, table=True):
    """A freed place offered to one candidate pair. At most one open offer per place, and per
    participant and slot, so two bot processes cannot offer the same place, or one person two
    places at the same time."""

    __table_args__ = tuple(
        sa.Index(
            name,
            *columns,
            unique=True,
            sqlite_where=sa.text("state = 'open'"),
            postgresql_where=sa.text("state = 'open'"),
        )
        for name, columns in (
            ("uq_open_offer_per_place", ("place_id",)),
            ("uq_open_offer_per_buyer", ("slot_id", "buyer_id")),
            ("uq_open_offer_per_seller", ("slot_id", "seller_id")),
        )
    )

    id: int | None = Field(default=None, primary_key=True)
    place_id: int = Field(foreign_key="meetingcancellation.id", index=True)
    slot_id: int = Field(foreign_key="slot.id", index=True)
    buyer_id: int = Field(foreign_key="participant.id", index=True)
    seller_id: int = Field(foreign_key="participant.id", index=True)
    tier: Tier = Field(sa_type=_enum(Tier))
    state: OfferState = Field(default=OfferState.open, sa_type=_enum(OfferState))
    buyer_answer: bool | None = None
    seller_answer: bool | None = None
    # Who of each side answered: 0 its main contact, else the colleague's id (store/readers.py).
    buyer_answered_by: int | None = None
    seller_answered_by: int | None = None
    offered_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    meeting_id: int | None = None


class OutcomeResult(StrEnum):
    """How a meeting went, as one side saw it (b2match's and KOTRA's categories)."""

    no_show = "no_show"
    not_a_fit = "not_a_fit"
    follow_up = "follow_up"
    quote_requested = "quote_requested"
    contract_likely = "contract_likely"


class MeetingOutcome(SQLModel, table=True):
    """One side's answer about one meeting; seen by organizers and its writer only. The
    meeting's pair and slot are kept too, so results survive a later change of meetings."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    counterpart_id: int = Field(foreign_key="participant.id")
    slot_id: int = Field(foreign_key="slot.id")
    result: OutcomeResult = Field(sa_type=_enum(OutcomeResult))
    value_usd: int | None = Field(default=None, sa_type=sa.BigInteger)
    note: str = Field(default="", max_length=300)
    answered_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    # Who of the company answered (the company's one answer; only they change it): 0 its main
    # contact, else the colleague's id.
    colleague_id: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Signed(StrEnum):
    contract = "contract"
    mou = "mou"
    nothing = "nothing"  # not (yet)


class SurveyAnswer(SQLModel, table=True):
    """The follow-up survey's answer of one side about one held meeting."""

    __table_args__ = (sa.UniqueConstraint("meeting_id", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(index=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    counterpart_id: int = Field(foreign_key="participant.id")
    slot_id: int = Field(foreign_key="slot.id")
    signed: Signed = Field(sa_type=_enum(Signed))
    value_usd: int | None = Field(default=None, sa_type=sa.BigInteger)
    answered_at: datetime = Field(sa_type=UTCDateTime)


# Interpreters (통역원): who sits in which meeting (store/interpreters.py).


class Interpreter(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=100)
    languages: str = Field(max_length=100)  # codes, comma-separated: "ja,zh"
    attendance: Attendance = Field(default=Attendance.onsite, sa_type=_enum(Attendance))
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)
    telegram_id: int | None = Field(default=None, unique=True, sa_type=sa.BigInteger)
    language: str | None = Field(default=None, max_length=8)
    invite_token: str = Field(max_length=64, unique=True)
    active: bool = True
    # The schedule last sent to them (store.interpreters.digest): a change is pushed once.
    schedule_digest: str = Field(default="", max_length=64)
    # Their schedule as assigned now, written by every re-assignment ("": not known yet, or
    # to be looked at again): the push job reads only those where it differs from the above.
    schedule_fingerprint: str = Field(
        default="", max_length=64, sa_column_kwargs={"server_default": ""}
    )
    # When a process took a change to send (store.interpreters.claim_push), until it records
    # it sent: a lease, so that a process killed in between leaves it to another.
    schedule_claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class InterpreterAssignment(SQLModel, table=True):
    """The interpreter of a pair's meeting. Keyed by the pair, not the meeting row: a pair meets
    at most once, and each matching run stores its meetings anew."""

    buyer_id: int = Field(foreign_key="participant.id", primary_key=True)
    seller_id: int = Field(foreign_key="participant.id", primary_key=True)
    interpreter_id: int = Field(foreign_key="interpreter.id", index=True)
    assigned_at: datetime = Field(sa_type=UTCDateTime)


class InterpreterDecline(SQLModel, table=True):
    """An interpreter said they can't make a pair's meeting: never assigned to it again."""

    interpreter_id: int = Field(foreign_key="interpreter.id", primary_key=True)
    buyer_id: int = Field(foreign_key="participant.id", primary_key=True)
    seller_id: int = Field(foreign_key="participant.id", primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)


# Colleagues: up to three people a participant's main contact invites to act for the company
# (store/colleagues.py).

COLLEAGUE_SEATS = 3


class Colleague(SQLModel, table=True):
    """One invitation of a colleague, from the link made to its joining (and its revoking).
    `seat` (1 to 3) is unique among a participant's rows not revoked, so the database itself
    keeps a company to three colleagues even when two invitations race; a revoked row stays,
    so its link is refused and the audit reads whom it was."""

    __table_args__ = (
        sa.CheckConstraint(f"seat BETWEEN 1 AND {COLLEAGUE_SEATS}", name="ck_colleague_seat"),
        *(
            sa.Index(
                name,
                *columns,
                unique=True,
                sqlite_where=sa.text("revoked_at IS NULL"),
                postgresql_where=sa.text("revoked_at IS NULL"),
            )
            for name, columns in (
                ("uq_colleague_seat", ("participant_id", "seat")),
                ("uq_colleague_account", ("telegram_id",)),
            )
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True)
    seat: int
    invite_token: str = Field(max_length=64, unique=True)
    telegram_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    name: str = Field(default="", max_length=100)  # their Telegram name when they joined
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(sa_type=UTCDateTime)
    joined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    blocked_bot_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# Every model is defined: set up their ORM mappings now rather than at the first session
# query, so that a model built from a core row (`model_construct`, store/participants.py
# `read_account`) works in a process whose first database work is core statements (the
# per-user state, store/user_state.py).
sa.orm.configure_mappers()
