"""The fair itself: its settings, its slot grid and the deadline that closes applications."""

from __future__ import annotations

import difflib
import re
import tomllib
import weakref
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import Session, func, select

from matching.model import DEFAULT_DAILY_CAP
from store.audit import record
from store.errors import ApplicationsClosed, EventConfigError, NoEvent
from store.models import (
    Attendance,
    Event,
    Interpreter,
    MatchMode,
    Meeting,
    Participant,
    Phase,
    Slot,
    Unavailability,
)
from store.text import clean_text
from store.video import ROOM, has_video, new_secret

MAX_TIME_LIMIT = 600  # seconds: the optimal mode's limit, the longest an organizer waits
# Every setting an event file may hold, and for a table its own settings (none yet). A key not
# listed is a typo to refuse, not a setting to ignore: `dialy_cap = 3` would leave the cap at 8.
EVENT_KEYS: dict[str, dict | None] = {
    "name": None,  # the Korean name; `name_ko` says the same
    "name_ko": None,
    "name_en": None,
    "timezone": None,
    "deadline": None,
    "days": None,
    "start": None,
    "end": None,
    "slot_minutes": None,
    "breaks": None,
    "daily_cap": None,
    "reminder_minutes": None,
    "match_mode": None,
    "match_time_limit": None,
    "follow_up_weeks": None,
    "video_link": None,
    "video_rooms": None,
}
# The settings that are whole numbers (written without quotes: daily_cap = 8).
WHOLE_NUMBERS = (
    "slot_minutes",
    "daily_cap",
    "reminder_minutes",
    "match_time_limit",
    "follow_up_weeks",
)
TOML_PLACE = re.compile(r"at line (\d+), column (\d+)")


@dataclass(frozen=True)
class SlotSpec:
    code: str
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class EventConfig:
    """An organizer's event file (TOML), checked; see `examples/event.toml`."""

    name: str
    timezone: str
    deadline: datetime
    daily_cap: int
    reminder_minutes: int
    slots: tuple[SlotSpec, ...]
    match_mode: MatchMode = MatchMode.greedy
    match_time_limit: int = 30
    follow_up_weeks: int = 4  # the follow-up survey, weeks after the fair (store/survey.py)
    name_en: str = ""  # the English name: English readers see it, Korean readers `name`
    video_link: str = ""  # online meetings' rooms: a template with {room} (store/video.py)
    video_rooms: tuple[str, ...] = ()  # or the organizer's own fixed rooms
    deadline_day_only: bool = False  # the file gave a date alone: the deadline is its 23:59


def check_keys(raw: dict, allowed: dict[str, dict | None], table: str = "") -> None:
    """Refuses the first key that is not a setting, at any table level, suggesting the
    closest real one (`dialy_cap` -> `daily_cap`)."""
    for key, value in raw.items():
        name = f"{table}{key}"
        if key not in allowed:
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
            if close:
                suggestion = f"{table}{close[0]}"
                raise EventConfigError(field=name, reason="unknown_key_near", value=suggestion)
            raise EventConfigError(field=name, reason="unknown_key", value="")
        inner = allowed[key]
        if isinstance(value, dict):
            if inner is None:
                raise EventConfigError(field=name, reason="not_a_table", value="")
            check_keys(value, inner, f"{name}.")


def _time(value: object, field: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise EventConfigError(field=field, reason="not_a_time", value=str(value)) from None


def generate_slots(
    days: list[date], start: time, end: time, minutes: int, breaks: list[tuple[time, time]]
) -> tuple[SlotSpec, ...]:
    """Cuts each day from `start` to `end` into `minutes`-long slots, skipping any that overlap
    a break (e.g. lunch 12:00-13:00)."""
    slots = []
    step = timedelta(minutes=minutes)
    for number, day in enumerate(sorted(days), start=1):
        cursor = datetime.combine(day, start)
        while cursor + step <= datetime.combine(day, end):
            slot_start, slot_end = cursor.time(), (cursor + step).time()
            if not any(slot_start < b_end and b_start < slot_end for b_start, b_end in breaks):
                code = f"D{number}-{slot_start:%H%M}"
                slots.append(SlotSpec(code, day, slot_start, slot_end))
            cursor += step
    return tuple(slots)


# "today+7": a date counted from the day the file is read, so that an example event (and a
# rehearsal) stays usable whatever the date; a real fair writes its dates out.
RELATIVE_DAY = re.compile(r"today\+(\d{1,3})")
# "now+20": minutes from the moment the file is read (a rehearsal's deadline, start and end;
# examples/rehearsal.toml), rounded up to the next whole minute.
RELATIVE_NOW = re.compile(r"now\+(\d{1,4})")


def _from_now(value: object, now: datetime) -> datetime | None:
    relative = RELATIVE_NOW.fullmatch(str(value).strip())
    if relative is None:
        return None
    whole = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return whole + timedelta(minutes=int(relative.group(1)))


# A date as Korean organizers write it: 2026-12-18, 2026.12.18, 2026. 12. 18., 2026/12/18,
# 2026년 12월 18일; then perhaps a time: 18:00, 18시, 18시 30분.
DATE = (
    r"(?P<y>\d{4})\s*(?:-|\.|/|년)\s*(?P<m>\d{1,2})\s*(?:-|\.|/|월)\s*(?P<d>\d{1,2})\s*(?:일|\.)?"
)
CLOCK = (
    r"(?:(?:\s+|T)(?P<H>\d{1,2})"
    r"(?:\s*:\s*(?P<M>\d{2})(?::\d{2})?|\s*시(?:\s*(?P<M2>\d{1,2})\s*분)?))?"
)
LOCAL_DATE = re.compile(DATE)
LOCAL_MOMENT = re.compile(DATE + CLOCK)
END_OF_DAY = time(23, 59)  # a deadline given as a date alone: the end of that day


def local_date(text: str) -> date | None:
    """A date as organizers write it (`LOCAL_DATE`), or None."""
    found = LOCAL_DATE.fullmatch(text.strip())
    try:
        return date(int(found["y"]), int(found["m"]), int(found["d"])) if found else None
    except ValueError:
        return None


def local_moment(text: str) -> tuple[datetime, bool] | None:
    """A moment as organizers write it, naive (or with the offset written), and whether it
    was a date alone, which means the end of that day (23:59); None if it is neither."""
    text = text.strip()
    found = LOCAL_MOMENT.fullmatch(text)
    if found is None:
        try:
            return datetime.fromisoformat(text), False  # ISO 8601 with seconds or an offset
        except ValueError:
            return None
    day = local_date(text[: found.start("H") if found["H"] else len(text)])
    if day is None:
        return None
    if found["H"] is None:
        return datetime.combine(day, END_OF_DAY), True
    try:
        clock = time(int(found["H"]), int(found["M"] or found["M2"] or 0))
    except ValueError:
        return None
    return datetime.combine(day, clock), False


def _day(value: object, today: date) -> date:
    relative = RELATIVE_DAY.fullmatch(str(value).strip())
    if relative:
        return today + timedelta(days=int(relative.group(1)))
    day = local_date(str(value))
    if day is None:
        raise ValueError(value)
    return day


def _deadline(value: object, tz: ZoneInfo, today: date, now: datetime) -> tuple[datetime, bool]:
    """`2026-12-18 18:00` (or as `local_moment` reads it, a date alone meaning 23:59 that
    day), with an optional offset, `today+7 18:00` or `now+10`; and whether a date alone."""
    soon = _from_now(value, now)
    if soon is not None:
        return soon, False
    day, _, rest = str(value).strip().partition(" ")
    read: tuple[datetime, bool] | None
    try:
        if RELATIVE_DAY.fullmatch(day):
            clock = time.fromisoformat(rest) if rest else END_OF_DAY
            read = datetime.combine(_day(day, today), clock), not rest
        else:
            read = local_moment(str(value))
    except ValueError:
        read = None
    if read is None:
        raise EventConfigError(
            field="deadline", reason="not_a_moment", value=str(value), year=today.year
        )
    deadline, day_only = read
    return (deadline if deadline.tzinfo is not None else deadline.replace(tzinfo=tz)), day_only


def _days(value: object, today: date) -> list[date]:
    if not isinstance(value, list):
        raise EventConfigError(field="days", reason="not_a_list", value=str(value))
    days = []
    for item in value:
        try:
            days.append(_day(item, today))
        except ValueError:
            raise EventConfigError(
                field="days", reason="not_a_date", value=str(item), year=today.year
            ) from None
    if not days or len(set(days)) != len(days):
        raise EventConfigError(field="days", reason="no_days", value="")
    return days


def _unquoted_numbers(raw: dict) -> None:
    """`daily_cap = "8"`: TOML reads a number in quotes as text. Saying so, rather than that
    8 is not a whole number, tells the organizer what to change."""
    for field in WHOLE_NUMBERS:
        value = raw.get(field)
        if isinstance(value, str) and value.strip().isdigit():
            raise EventConfigError(field=field, reason="quoted_number", value=value.strip())


def _whole(value: object) -> bool:
    """A whole number as TOML writes one: `true` is an int to Python, not a count to anyone."""
    return isinstance(value, int) and not isinstance(value, bool)


def parse_config(raw: dict, today: date | None = None, now: datetime | None = None) -> EventConfig:
    """The event file's values, checked; `today` (in the event's time zone, by default the
    current date) is what `today+N` counts from, `now` what `now+N` (minutes) counts from."""
    check_keys(raw, EVENT_KEYS)
    _unquoted_numbers(raw)

    def need(key: str) -> object:
        if key not in raw:
            raise EventConfigError(field=key, reason="missing", value="")
        return raw[key]

    # Old event files have one `name`; new ones may give `name_ko` and `name_en` (either one
    # alone is enough: each reader then sees it).
    name = clean_text(str(raw.get("name_ko", raw.get("name", ""))))
    name_en = clean_text(str(raw.get("name_en", "")))
    if not name and not name_en:
        raise EventConfigError(field="name", reason="missing", value="")
    tz_name = str(raw.get("timezone", "Asia/Seoul"))
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise EventConfigError(field="timezone", reason="unknown_zone", value=tz_name) from None
    now = (now or datetime.now(tz)).astimezone(tz)
    today = today or now.date()
    deadline, day_only = _deadline(need("deadline"), tz, today, now)
    days = _days(need("days"), today)
    start, end = ((_from_now(need(key), now) or _time(need(key), key)) for key in ("start", "end"))
    start, end = (v.time() if isinstance(v, datetime) else v for v in (start, end))
    minutes = need("slot_minutes")
    # 1-minute slots only for a rehearsal (`now+N` times); a real fair's slots are 5 minutes up.
    shortest = 1 if RELATIVE_NOW.fullmatch(str(raw.get("start", "")).strip()) else 5
    if not _whole(minutes) or not shortest <= minutes <= 240:
        raise EventConfigError(field="slot_minutes", reason="bad_slot_minutes", value=str(minutes))
    breaks = []
    for pair in raw.get("breaks", []):
        if not isinstance(pair, list) or len(pair) != 2:
            raise EventConfigError(field="breaks", reason="bad_break", value=str(pair))
        breaks.append((_time(pair[0], "breaks"), _time(pair[1], "breaks")))
    daily_cap = raw.get("daily_cap", DEFAULT_DAILY_CAP)
    reminder = raw.get("reminder_minutes", 10)
    follow_up = raw.get("follow_up_weeks", 4)
    for field, value in (("daily_cap", daily_cap), ("reminder_minutes", reminder)):
        if not _whole(value) or value < 1:
            raise EventConfigError(field=field, reason="not_positive", value=str(value))
    # 0: the survey right after the fair (a rehearsal).
    if not _whole(follow_up) or follow_up < 0:
        raise EventConfigError(field="follow_up_weeks", reason="not_positive", value=str(follow_up))
    slots = generate_slots(days, start, end, minutes, breaks)
    if not slots:
        raise EventConfigError(field="start/end", reason="no_slots", value="")
    # Requests close, and the schedule is made, before the first meeting of the fair.
    first = datetime.combine(slots[0].day, slots[0].start, tzinfo=tz)
    if deadline > first:
        raise EventConfigError(
            field="deadline",
            reason="deadline_after_start",
            value=f"{deadline.astimezone(tz):%Y-%m-%d %H:%M}",
            start=f"{first:%Y-%m-%d %H:%M}",
        )
    mode, time_limit = _match_settings(raw)
    link, rooms = _video_settings(raw)
    return EventConfig(
        name,
        tz_name,
        deadline,
        daily_cap,
        reminder,
        slots,
        mode,
        time_limit,
        follow_up,
        name_en,
        link,
        rooms,
        deadline_day_only=day_only,
    )


def _video_settings(raw: dict) -> tuple[str, tuple[str, ...]]:
    """A link template with {room}, or a list of the organizer's own room links; https only,
    since participants open them from Telegram."""
    link = raw.get("video_link", "")
    if link and not (isinstance(link, str) and link.startswith("https://") and ROOM in link):
        raise EventConfigError(field="video_link", reason="bad_video_link", value=str(link))
    rooms = raw.get("video_rooms", [])
    if not isinstance(rooms, list) or not all(
        isinstance(room, str) and room.startswith("https://") and not any(c.isspace() for c in room)
        for room in rooms
    ):
        raise EventConfigError(field="video_rooms", reason="bad_video_rooms", value=str(rooms))
    if link and rooms:
        raise EventConfigError(field="video_rooms", reason="video_both", value="")
    return link, tuple(rooms)


def _match_settings(raw: dict) -> tuple[MatchMode, int]:
    mode = str(raw.get("match_mode", MatchMode.greedy))
    if mode not in MatchMode.__members__:
        raise EventConfigError(field="match_mode", reason="unknown_mode", value=mode)
    limit = raw.get("match_time_limit", 30)
    if not _whole(limit) or not 1 <= limit <= MAX_TIME_LIMIT:
        raise EventConfigError(field="match_time_limit", reason="bad_time_limit", value=str(limit))
    return MatchMode(mode), limit


def load_config(path: Path) -> EventConfig:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise EventConfigError(field=str(path), reason="file_missing", value="") from None
    except IsADirectoryError:
        raise EventConfigError(field=str(path), reason="file_folder", value="") from None
    except OSError:
        raise EventConfigError(field=str(path), reason="file_unreadable", value="") from None
    except UnicodeDecodeError:
        raise EventConfigError(field=str(path), reason="not_utf8", value="") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # The parser's own words are English; the organizer gets the place, in their language.
        place = TOML_PLACE.search(str(error))
        line, column = place.groups() if place else ("?", "?")
        raise EventConfigError(
            field=str(path), reason="toml_syntax", value="", line=line, column=column
        ) from None
    return parse_config(raw)


def deadline_shown(session: Session, admin_id: int) -> Event:
    """The event, for an admin's /deadline (audited)."""
    event = get_event(session)
    record(session, admin_id, "deadline_shown")
    return event


def get_event(session: Session) -> Event:
    event = session.exec(select(Event)).first()
    if event is None:
        raise NoEvent()
    return event


def check_deadline(session: Session, config: EventConfig, now: datetime) -> None:
    """What the organizer's `setup-event` may do to the deadline: a past one would close
    applications as soon as the bot starts, and once applications are closed only the bot's
    /deadline reopens them (with a confirmation, and telling the participants)."""
    event = session.exec(select(Event)).first()
    closed = event is not None and (event.phase != Phase.open or now >= event.deadline)
    if closed and event.deadline != config.deadline:
        raise EventConfigError(field="deadline", reason="deadline_closed", value="")
    if not closed and config.deadline <= now:
        raise EventConfigError(
            field="deadline",
            reason="deadline_past",
            value=config.deadline.isoformat(" ", "minutes"),
        )


def setup_event(session: Session, config: EventConfig) -> Event:
    """Creates the event or updates it; the slot grid may change only while nothing uses it."""
    event = session.exec(select(Event)).first() or Event(
        name=config.name, timezone=config.timezone, deadline=config.deadline
    )
    read_by_interpreters = (event.timezone, event.video_link, event.video_rooms)
    event.name, event.timezone, event.deadline = config.name, config.timezone, config.deadline
    event.name_en = config.name_en
    event.daily_cap, event.reminder_minutes = config.daily_cap, config.reminder_minutes
    event.match_mode, event.match_time_limit = config.match_mode, config.match_time_limit
    event.follow_up_weeks = config.follow_up_weeks
    event.video_link, event.video_rooms = config.video_link, "\n".join(config.video_rooms)
    event.video_secret = event.video_secret or new_secret()
    if not has_video(event) and _anyone_online(session):
        raise EventConfigError(field="video_link", reason="video_needed", value="")
    session.add(event)
    if read_by_interpreters != (event.timezone, event.video_link, event.video_rooms):
        # Their schedules show times and links: each is looked at again by the push job.
        session.execute(sa.update(Interpreter).values(schedule_fingerprint=""))

    current = session.exec(select(Slot).order_by(Slot.ordinal)).all()
    wanted = [(s.code, s.day, s.start, s.end) for s in config.slots]
    if [(s.code, s.day, s.start, s.end) for s in current] != wanted:
        if current:  # a meeting or an unavailability is always of a slot
            _grid_unused(session)
        for slot in current:
            session.delete(slot)
        session.flush()
        # One INSERT for the grid: ten ORM objects built and flushed one by one were a third
        # of what setting up an event cost (every test's first step).
        session.execute(
            sa.insert(Slot),
            [
                {"code": s.code, "day": s.day, "start": s.start, "end": s.end, "ordinal": i}
                for i, s in enumerate(config.slots)
            ],
        )
    session.flush()
    return event


def _grid_unused(session: Session) -> None:
    """Refuses to change a slot grid that meetings or unavailabilities use."""
    in_use = session.exec(select(func.count()).select_from(Unavailability)).one()
    in_use += session.exec(select(func.count()).select_from(Meeting)).one()
    if in_use:
        raise EventConfigError(field="slots", reason="grid_in_use", value="")


def setup_event_checked(session: Session, config: EventConfig, now: datetime) -> Event:
    """The organizer's `setup-event`: the deadline checked (`check_deadline`), then set up."""
    check_deadline(session, config, now)
    return setup_event(session, config)


def _anyone_online(session: Session) -> bool:
    online = select(Participant.id).where(Participant.attendance == Attendance.online)
    return session.exec(online.limit(1)).first() is not None


def lock_event_row(session: Session) -> None:
    """Holds the event row's lock until commit, as a matching run does while it checks and
    stores: a meeting booked or removed by hand lands before or after a stored matching, never
    between its check and its store (PostgreSQL; SQLite's single writer does this already)."""
    session.exec(select(Event.id).with_for_update()).all()


# Almost every update reads the event's settings and its slot grid. Each process keeps a copy
# per database and reads them again only when `event.version` changed: the database sets it on
# every change to the event row or to the slots (triggers, migration 0015), whoever makes it
# (another bot process, the CLI, an upgrade). The copies belong to no session: read them only;
# code that changes the event reads it with `get_event`.
_VERSION = sa.select(Event.__table__.c.version)
_EVENT = sa.select(Event.__table__)
_SLOTS = sa.select(Slot.__table__).order_by(Slot.__table__.c.ordinal)


@dataclass(frozen=True)
class _Copy:
    version: int
    event: Event
    slots: tuple[Slot, ...]


_copies: weakref.WeakKeyDictionary[sa.Engine, _Copy] = weakref.WeakKeyDictionary()


def _current(session: Session) -> _Copy | None:
    """The event and its slots as they are now (None: no event yet); one small query when
    nothing changed since this process last read them."""
    connection = session.connection()
    version = connection.execute(_VERSION).scalar()
    if version is None:
        return None
    known = _copies.get(connection.engine)
    if known is None or known.version != version:
        event = Event(**connection.execute(_EVENT).mappings().one())
        grid = tuple(Slot(**row) for row in connection.execute(_SLOTS).mappings())
        known = _copies[connection.engine] = _Copy(event.version, event, grid)
    return known


def event_if_any(session: Session) -> Event | None:
    """The event (the process's copy), or None before one is set up."""
    current = _current(session)
    return None if current is None else current.event


def current_event(session: Session) -> Event:
    """The event: the process's copy, read it, don't change it (`get_event` to change it)."""
    current = _current(session)
    if current is None:
        raise NoEvent()
    return current.event


def applications_closed(event: Event, now: datetime) -> bool:
    """Closed by the deadline passing (even before its job has run) or by the phase moving on."""
    return event.phase != Phase.open or now >= event.deadline


def closed_by(event: Event, now: datetime) -> ApplicationsClosed | None:
    """The refusal once applications are closed at `now`, None while they are open."""
    return ApplicationsClosed(deadline=event.deadline) if applications_closed(event, now) else None


def event_and_closed(session: Session, now: datetime) -> tuple[Event, ApplicationsClosed | None]:
    """The event (the process's copy) and, once applications are closed, the refusal."""
    event = current_event(session)
    return event, closed_by(event, now)


def grid_and_closed(
    session: Session, now: datetime
) -> tuple[list[Slot], ApplicationsClosed | None]:
    """The slot grid (the process's copies) and, once applications are closed, the refusal."""
    current = _current(session)
    if current is None:
        raise NoEvent()
    return list(current.slots), closed_by(current.event, now)


def ensure_open(session: Session, now: datetime) -> Event:
    """Refuses once applications are closed. The event returned is the process's copy: read
    it, don't change it."""
    event, closed = event_and_closed(session, now)
    if closed is not None:
        raise closed
    return event


def slots(session: Session) -> list[Slot]:
    """The slot grid in order (the process's copies: read them, don't change them)."""
    current = _current(session)
    return [] if current is None else list(current.slots)
