"""A participant's own hybrid-fair choices in their profile: the zone an online participant
reads times in (their country's zones, one per offset the fair's days have, and the fair's
own), and the language a buyer needs an interpreter for (or none). A new interpreter language
moves interpreters at once (store/interpreters.py), in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.core import get_global
from sqlmodel import Session, col, select

from store.errors import NotFound, StoreError
from store.event import get_event, slots
from store.interpreters import languages_of, reassign
from store.models import Attendance, Interpreter, Participant, Role
from store.zones import country_zones, zone_of

# Offered besides the interpreters' own languages: those KOTRA's fairs most often need.
COMMON_LANGUAGES = ("en", "ja", "zh", "vi", "th", "id", "es", "ru", "ar", "fr", "de", "pt")


class NotOffered(StoreError):
    """A choice the profile does not offer this participant (forged or out of date)."""

    key = "bad_button"


@dataclass(frozen=True)
class Choices:
    zone: str  # the zone they read times in now
    zones: tuple[str, ...]  # those they may choose; () on site
    event_zone: str
    day: date  # the fair's first day: each zone's offset as it will be then
    language: str | None  # the language they need an interpreter for
    languages: tuple[str, ...]  # those they may choose; () for a Korean company


def zone_choices(country: str, event_zone: str, day: date) -> tuple[str, ...]:
    """The country's zones, one per UTC offset on `day`, from west to east with its capital's
    first (New York's, then Chicago's, Denver's...), then the fair's own. Of the zones sharing
    an offset the one Windows names its zone after stands for them (Denver, not Boise)."""
    capital, *others = country_zones(country) or [event_zone]
    golden = set(get_global("windows_zone_mapping").values())
    found: dict[timedelta, str] = {}
    for zone in sorted(others, key=lambda zone: zone not in golden):
        found.setdefault(_offset(zone, day), zone)
    found.pop(_offset(capital, day), None)
    rest = [found[offset] for offset in sorted(found)]
    return tuple(dict.fromkeys([capital, *rest, event_zone]))


def _offset(zone: str, day: date) -> timedelta:
    return datetime.combine(day, time(12), ZoneInfo(zone)).utcoffset() or timedelta()


def _language_choices(session: Session, current: str | None) -> tuple[str, ...]:
    spoken: list[str] = []
    for person in session.exec(select(Interpreter).where(col(Interpreter.active))).all():
        spoken += [code for code in sorted(languages_of(person)) if code not in spoken]
    offered = [*spoken, *(code for code in COMMON_LANGUAGES if code not in spoken)]
    if current and current not in offered:
        offered.append(current)
    return tuple(code for code in offered if code != "ko")


def _participant(session: Session, participant_id: int) -> Participant:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFound(what="participant")
    return person


def choices(session: Session, participant_id: int) -> Choices:
    person = _participant(session, participant_id)
    event = get_event(session)
    days = [slot.day for slot in slots(session)]
    day = min(days) if days else event.deadline.date()
    online = person.attendance == Attendance.online
    return Choices(
        zone=zone_of(person, event.timezone),
        zones=zone_choices(person.country, event.timezone, day) if online else (),
        event_zone=event.timezone,
        day=day,
        language=person.interpreter_language,
        languages=(
            _language_choices(session, person.interpreter_language)
            if person.role == Role.buyer
            else ()
        ),
    )


def choose_zone(session: Session, participant_id: int, zone: str) -> Choices:
    if zone not in choices(session, participant_id).zones:
        raise NotOffered()
    person = _participant(session, participant_id)
    person.timezone = zone
    session.add(person)
    session.flush()
    return choices(session, participant_id)


def choose_interpreter_language(
    session: Session, participant_id: int, language: str | None
) -> Choices:
    """`language` None: no interpreter needed."""
    offered = choices(session, participant_id)
    if not offered.languages or (language is not None and language not in offered.languages):
        raise NotOffered()
    person = _participant(session, participant_id)
    if person.interpreter_language != language:
        person.interpreter_language = language
        session.add(person)
        session.flush()
        reassign(session)
    return choices(session, participant_id)
