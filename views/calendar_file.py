"""The confirmed meetings as an iCalendar file, to import into any calendar app.

Times are written in the event's time zone with its VTIMEZONE, so the meetings land at the
right hour wherever the participant's phone is. Each meeting's UID comes from the pair's
codes and the event: a pair meets at most once, so re-sending the file after a new matching
run updates the calendar entry instead of adding a second one.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from locales import country_name, shown, t
from store.names import company_name
from store.timetable import SlotEntry, Timetable
from views.meeting_place import plain_place

# icalendar is imported where a file is made: a bot process that sends none does without it.
if TYPE_CHECKING:
    from icalendar import Event, Timezone

PRODUCT = "-//Matchbot//Timetable//EN"
UID_DOMAIN = "matchbot"


@lru_cache(maxsize=16)
def zone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for the event's years. Working it out scans the zone's offsets (tens of
    milliseconds), so an announcement does it once, not once per participant."""
    from icalendar import Timezone

    return Timezone.from_tzid(
        tzid, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1)
    )


def meeting_uid(table: Timetable, entry: SlotEntry) -> str:
    assert entry.meeting is not None
    event_key = hashlib.sha256(table.event_name.encode("utf-8")).hexdigest()[:12]
    return f"{entry.meeting.buyer_code}.{entry.meeting.seller_code}.{event_key}@{UID_DOMAIN}"


def _description(entry: SlotEntry, language: str) -> str:
    assert entry.meeting is not None
    other = entry.meeting.counterpart
    lines = [
        f"{t(language, f'field.{name}')}: {shown(language, name, getattr(other, name))}"
        for name in (
            "company",
            "country",
            "industry",
            "products",
            "website",
            "contact_name",
            "contact_title",
            "email",
            "phone",
        )
        if getattr(other, name)
    ]
    where = entry.meeting.link or plain_place(entry.meeting, language)
    return "\n".join([where, *lines])


def _event(table: Timetable, entry: SlotEntry, language: str) -> Event:
    assert entry.meeting is not None
    other = entry.meeting.counterpart
    from icalendar import Alarm, Event

    where = plain_place(entry.meeting, language)
    event = Event()
    event.add("uid", meeting_uid(table, entry))
    event.add("dtstamp", entry.meeting.created_at)
    event.add("dtstart", entry.start)
    event.add("dtend", entry.end)
    event.add(
        "summary",
        t(
            language,
            "schedule.ics.summary",
            company=company_name(other, language),
            country=country_name(language, other.country),
        ),
    )
    booth = entry.meeting.booth or t(language, "schedule.no_booth")
    event.add("location", entry.meeting.link or (where if entry.meeting.online else booth))
    if entry.meeting.link:
        event.add("url", entry.meeting.link)
    event.add("description", _description(entry, language))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", -timedelta(minutes=table.reminder_minutes))
    alarm.add(
        "description",
        t(language, "schedule.ics.alarm", company=company_name(other, language), place=where),
    )
    event.add_component(alarm)
    return event


# Characters no file system takes in a name, and control characters.
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def calendar_file_name(table: Timetable, language: str) -> str:
    """What the file is, in the reader's language, as a phone shows it: the event and
    상담일정 / meeting schedule (`붐업코리아 수출상담회 상담일정.ics`)."""
    name = t(language, "schedule.ics.file", event=table.event_name)
    return " ".join(UNSAFE_IN_NAMES.sub(" ", name).split())[:120] + ".ics"


def timetable_ics(table: Timetable, language: str) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add(
        "x-wr-calname", t(language, "schedule.ics.name", event=table.event_title(language))
    )
    calendar.add("x-wr-timezone", table.timezone)
    years = sorted({day.date.year for day in table.days})
    if years:
        calendar.add_component(zone(table.timezone, years[0], years[-1]))
    for entry in table.meetings:
        calendar.add_component(_event(table, entry, language))
    return calendar.to_ical()
