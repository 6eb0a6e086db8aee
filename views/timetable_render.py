"""A participant's timetable in the three forms the bot sends: HTML messages, a PNG picture and
an .ics calendar file. The admin's announcement and the "my schedule" menu both use these.

Each takes the store's `Timetable` snapshot, so rendering needs no database session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode

from handlers.routes import Menu, ScheduleMeeting, ScheduleMore, ScheduleOpen
from handlers.ui import button, clipped, keyboard, named_button
from handlers.wording import escape
from locales import country_name, day_label, reader_span, shown, t, tn, zone_name
from store.names import company_name
from store.timetable import (
    Counterpart,
    Day,
    SlotEntry,
    Timetable,
    Unscheduled,
    Why,
)
from views.calendar_file import calendar_file_name, timetable_ics
from views.meeting_place import place
from views.stretches import stretches
from views.timetable_image import timetable_png

__all__ = [
    "calendar_document",
    "calendar_file_name",
    "counterpart_card",
    "pages",
    "timetable_caption",
    "timetable_ics",
    "timetable_markup",
    "timetable_messages",
    "timetable_png",
    "unscheduled_messages",
]


def calendar_document(table: Timetable, language: str) -> dict[str, Any]:
    """The calendar file as sendDocument's arguments: the file, named in the reader's language,
    and its caption. It builds the file: run it in a thread."""
    return {
        "document": InputFile(
            timetable_ics(table, language), filename=calendar_file_name(table, language)
        ),
        "caption": tn(language, "schedule.calendar_caption", len(table.meetings)),
        "parse_mode": ParseMode.HTML,
    }


BUTTON_COMPANY = 24  # characters of a company name on a meeting's button
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024  # a picture's caption
# Long free-text fields are clipped on the card so it always fits in one message.
CARD_CLIP = {"products": 500, "description": 1000}


def units(text: str) -> int:
    """Telegram counts UTF-16 code units; counting them on the HTML source is an upper bound
    of what Telegram counts once the tags and entities are parsed away."""
    return len(text.encode("utf-16-le")) // 2


def _pack(pieces: Iterable[str], separator: str, limit: int) -> list[str]:
    """Joins pieces greedily into as few texts of at most `limit` units as they fit."""
    result: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current}{separator}{piece}" if current else piece
        if units(joined) <= limit:
            current = joined
        else:
            if current:
                result.append(current)
            current = piece
    if current:
        result.append(current)
    return result


def pages(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Joins blocks (separated by a blank line) into as few messages as fit `limit`; a block too
    long on its own is split between its lines, which each keep their tags balanced."""
    pieces = [
        piece
        for block in blocks
        for piece in ([block] if units(block) <= limit else _pack(block.split("\n"), "\n", limit))
    ]
    return _pack(pieces, "\n\n", limit)


def span(entry: SlotEntry, language: str, table: Timetable, day: bool = True) -> str:
    """The slot's time as the timetable's reader lives it (their own zone when online)."""
    return reader_span(language, entry.start, entry.end, table.reader_zone, table.timezone, day)


def local_start(entry: SlotEntry, table: Timetable) -> datetime:
    return entry.start.astimezone(ZoneInfo(table.reader_zone or table.timezone))


def _meeting_line(entry: SlotEntry, language: str, table: Timetable) -> str:
    assert entry.meeting is not None
    other = entry.meeting.counterpart
    return t(
        language,
        "schedule.line.meeting",
        time=span(entry, language, table),
        company=escape(company_name(other, language)),
        country=escape(country_name(language, other.country)),
        place=place(entry.meeting, language),
    )


def _runs(day: Day) -> list[tuple[bool, SlotEntry, SlotEntry]]:
    """The day's slots without a meeting, as stretches in the same state (available or not);
    a meeting or a break (lunch) ends one."""
    return stretches(day.slots, lambda entry: None if entry.meeting else entry.available)


def _run_line(
    available: bool, first: SlotEntry, last: SlotEntry, language: str, table: Timetable
) -> str:
    key = "schedule.line.free" if available else "schedule.line.unavailable"
    time = reader_span(language, first.start, last.end, table.reader_zone, table.timezone)
    return t(language, key, time=time)


def _header(key: str, table: Timetable, language: str, summary: str) -> str:
    """The timetable's title lines: the event, the participant, `summary`, the time zone."""
    return t(
        language,
        key,
        event=escape(table.event_title(language)),
        company=escape(company_name(table, language)),
        summary=summary,
        timezone=escape(zone_name(language, table.reader_zone or table.timezone)),
    )


def _summary(table: Timetable, language: str) -> str:
    """How many meetings, or why there are none."""
    count = len(table.meetings)
    if count:
        return tn(language, "timetable.summary", count)
    if table.unplaced:
        return t(language, "schedule.summary_none")  # the button below tells why
    none = "schedule.summary_nothing" if table.requested else "schedule.summary_no_requests"
    return t(language, none)


def _day_title(day: Day, language: str) -> str:
    return t(language, "schedule.day", day=day_label(day.date, language))


def timetable_messages(table: Timetable, language: str) -> list[str]:
    """The meetings first (by day), then each day's other times with runs collapsed; split
    to fit messages."""
    count = len(table.meetings)
    summary = _summary(table, language)

    def day_title(day: Day) -> str:
        return _day_title(day, language)

    blocks = [_header("schedule.header", table, language, summary)]
    if count:
        lines = [t(language, "timetable.meetings_title")]
        for day in table.days:
            met = [entry for entry in day.slots if entry.meeting is not None]
            if met:
                lines += [day_title(day), *(_meeting_line(entry, language, table) for entry in met)]
        blocks.append("\n".join(lines))
    lines = [t(language, "timetable.other_title")]
    for day in table.days:
        runs = _runs(day)
        if runs:
            lines += [day_title(day), *(_run_line(*run, language, table) for run in runs)]
    if len(lines) > 1:
        blocks.append("\n".join(lines))
    return pages(blocks)


def fitting(lines: Sequence[str], limit: int, more: Callable[[int], str]) -> list[str]:
    """As many of `lines` as fit in `limit` units joined by newlines; if some do not, the
    first ones and `more(left out)` after them, all within the limit."""
    if units("\n".join(lines)) <= limit:
        return list(lines)
    kept = list(lines)
    while kept and units("\n".join([*kept, more(len(lines) - len(kept))])) > limit:
        kept.pop()
    return [*kept, more(len(lines) - len(kept))]


def timetable_caption(
    table: Timetable, language: str, lead: str = "", limit: int = CAPTION_LIMIT
) -> tuple[str, bool]:
    """The timetable as the caption of its picture: `lead` first (what changed, after an
    earlier announcement), the participant, then the meetings day by day. The picture shows
    the other times. When the meetings do not all fit, the caption says how many there are
    and shows the first ones; the second value is then False (the message needs a button to
    the full text)."""
    count = len(table.meetings)

    def caption(summary: str, lines: list[str]) -> str:
        header = _header("timetable.caption.header", table, language, summary)
        return "\n\n".join(part for part in (lead, header, "\n".join(lines)) if part)

    if not count:
        return caption(_summary(table, language), []), True
    days = [
        (
            _day_title(day, language),
            [
                _meeting_line(entry, language, table)
                for entry in day.slots
                if entry.meeting is not None
            ],
        )
        for day in table.days
    ]
    lines = [line for title, met in days if met for line in (title, *met)]
    whole = caption(_summary(table, language), lines)
    if units(whole) <= limit:
        return whole, True
    summary = tn(language, "timetable.caption.first", count)
    room = limit - units(caption(summary, [])) - 2  # the blank line before the meetings
    shown: list[str] = []
    for title, met in days:
        for number, line in enumerate(met):
            more = ([title] if number == 0 else []) + [line]
            cost = sum(units(piece) + 1 for piece in more)
            if cost > room:
                return caption(summary, shown), False
            shown += more
            room -= cost
    return caption(summary, shown), False


def timetable_markup(
    table: Timetable, language: str, back: bool = True, picture: bool = False, full: bool = False
) -> InlineKeyboardMarkup:
    """The buttons the timetable text speaks of: one per meeting (the company's card), the
    picture, the calendar file, why requests were not scheduled; `back` adds the way back to
    My page (not on an announcement, which is not part of the menu). Under the `picture`
    itself there is no button for it, and `full` adds one that opens the whole text."""
    meetings = []
    for entry in table.meetings:
        assert entry.meeting is not None
        company = clipped(company_name(entry.meeting.counterpart, language), BUTTON_COMPANY)
        meetings.append(
            [
                button(
                    language,
                    "schedule.meeting_button",
                    ScheduleMeeting(entry.meeting.id),
                    month=local_start(entry, table).month,
                    day=local_start(entry, table).day,
                    time=f"{local_start(entry, table):%H:%M}",
                    company=company,
                )
            ]
        )
    files = [] if picture else [button(language, "schedule.image_button", ScheduleMore("img"))]
    if full:
        files.insert(0, button(language, "timetable.full_button", ScheduleOpen()))
    if table.meetings:
        files.append(button(language, "schedule.calendar_button", ScheduleMore("ics")))
    return keyboard(
        *meetings,
        files,
        # only when a request was left out: the label says how many
        [named_button(tn(language, "schedule.why_button", table.unplaced), ScheduleMore("why"))]
        if table.unplaced
        else [],
        [button(language, "common.back", Menu())] if back else [],
    )


def counterpart_card(entry: SlotEntry, language: str, table: Timetable) -> str:
    """The company across the table and how to reach it, for a confirmed meeting."""
    assert entry.meeting is not None
    other: Counterpart = entry.meeting.counterpart
    lines = [
        t(
            language,
            "schedule.card.title",
            day=day_label(local_start(entry, table).date(), language),
            time=span(entry, language, table, day=False),
            place=place(entry.meeting, language),
        ),
        t(language, "schedule.card.company", company=escape(company_name(other, language))),
    ]

    def field_lines(names: tuple[str, ...]) -> list[str]:
        return [
            t(
                language,
                "profile.line",
                label=t(language, f"field.{name}"),
                value=escape(
                    clipped(shown(language, name, getattr(other, name)), CARD_CLIP.get(name))
                ),
            )
            for name in names
            if getattr(other, name)
        ]

    lines += field_lines(("country", "industry", "products", "website", "description"))
    online = "_online" if entry.meeting.online else ""
    contact = field_lines(("contact_name", "contact_title", "email", "phone"))
    lines += [
        "",
        t(language, "schedule.card.contact"),
        *(contact or [t(language, f"schedule.card.no_contact{online}")]),
    ]
    return "\n".join(lines)


def _reason(item: Unscheduled, language: str) -> str:
    """What happened to the request. For a full day, what the stored schedule shows for each
    side (its times booked, or its daily cap reached), not only the engine's code."""
    company = escape(company_name(item.counterpart, language))
    sides = [(who, state) for who, state in (("me", item.mine), ("them", item.theirs)) if state]
    expected = {Why.own_full: 1, Why.their_full: 1, Why.both_full: 2}.get(item.why)
    if expected is None or len(sides) != expected:  # changed since the run: the engine's word
        return t(language, f"schedule.reason.{item.why}", company=company)
    said = [
        t(language, f"why.side.{who}.{state.blocked}", company=company, cap=state.cap)
        for who, state in sides
    ]
    # A second sentence starts a sentence (no effect on Hangul).
    sentences = " ".join([said[0], *(s[:1].upper() + s[1:] for s in said[1:])])
    return t(language, "why.line", reasons=sentences)


def _reason_block(number: int, item: Unscheduled, language: str) -> str:
    other = item.counterpart
    return "\n".join(
        (
            t(
                language,
                "schedule.why.item",
                number=number,
                company=escape(company_name(other, language)),
                country=escape(country_name(language, other.country)),
                requester=t(language, f"schedule.requester.{item.requester}"),
            ),
            _reason(item, language),
        )
    )


def unscheduled_messages(items: list[Unscheduled], language: str, standby: bool) -> list[str]:
    """Each request that did not become a meeting and why. The deadline has passed, so no
    advice for a next time: what can still happen is the fair day's standby refill, while
    slots are ahead (`standby`) and for requests whose two sides share an available time."""
    if not items:
        return [t(language, "schedule.why.none")]
    blocks = [_reason_block(n, item, language) for n, item in enumerate(items, start=1)]
    if standby and any(item.why != Why.no_common_availability for item in items):
        blocks.append(t(language, "schedule.why.standby"))
    return pages([t(language, "schedule.why.title"), *blocks])
