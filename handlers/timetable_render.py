"""A participant's timetable in the three forms the bot sends: HTML messages, a PNG picture and
an .ics calendar file. The admin's announcement and the "my schedule" menu both use these.

Each takes the store's `Timetable` snapshot, so rendering needs no database session.
"""

from __future__ import annotations

from collections.abc import Iterable

from handlers.calendar_file import timetable_ics
from handlers.timetable_image import timetable_png
from handlers.ui import escape
from locales import clock, country_name, day_label, shown, t, tn, zone_name
from store.timetable import Counterpart, SlotEntry, Timetable, Unscheduled

__all__ = [
    "counterpart_card",
    "pages",
    "timetable_ics",
    "timetable_messages",
    "timetable_png",
    "unscheduled_messages",
]

MESSAGE_LIMIT = 4096
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


def span(entry: SlotEntry) -> str:
    return f"{clock(entry.start.time())}–{clock(entry.end.time())}"


def _line(entry: SlotEntry, language: str) -> str:
    if entry.meeting is None:
        key = "schedule.line.free" if entry.available else "schedule.line.unavailable"
        return t(language, key, time=span(entry))
    other = entry.meeting.counterpart
    return t(
        language,
        "schedule.line.meeting",
        time=span(entry),
        company=escape(other.company),
        country=escape(country_name(language, other.country)),
        booth=escape(entry.meeting.booth or t(language, "schedule.no_booth")),
    )


def timetable_messages(table: Timetable, language: str) -> list[str]:
    """Every day of the event, every slot with its meeting if any; split to fit messages."""
    count = len(table.meetings)
    summary = (
        t(
            language,
            "schedule.summary",
            meetings=tn(language, "count.confirmed_meetings", count),
            # the days that have meetings: "3 meetings on 2 days", not the fair's length
            days=tn(language, "count.days", len({e.start.date() for e in table.meetings})),
        )
        if count
        else t(language, "schedule.summary_none")
    )
    header = t(
        language,
        "schedule.header",
        event=escape(table.event_name),
        company=escape(table.company),
        summary=summary,
        timezone=escape(zone_name(language, table.timezone)),
    )
    days = (
        "\n".join(
            [t(language, "schedule.day", day=day_label(day.date, language))]
            + [_line(entry, language) for entry in day.slots]
        )
        for day in table.days
    )
    return pages([header, *days])


def _clipped(value: str, limit: int | None) -> str:
    return value if limit is None or len(value) <= limit else value[:limit].rstrip() + "…"


def counterpart_card(entry: SlotEntry, language: str) -> str:
    """The company across the table and how to reach it, for a confirmed meeting."""
    assert entry.meeting is not None
    other: Counterpart = entry.meeting.counterpart
    lines = [
        t(
            language,
            "schedule.card.title",
            day=day_label(entry.start.date(), language),
            time=span(entry),
            booth=escape(entry.meeting.booth or t(language, "schedule.no_booth")),
        ),
        t(language, "schedule.card.company", company=escape(other.company)),
    ]

    def field_lines(names: tuple[str, ...]) -> list[str]:
        return [
            t(
                language,
                "profile.line",
                label=t(language, f"field.{name}"),
                value=escape(
                    _clipped(shown(language, name, getattr(other, name)), CARD_CLIP.get(name))
                ),
            )
            for name in names
            if getattr(other, name)
        ]

    lines += field_lines(("country", "industry", "products", "website", "description"))
    contact = field_lines(("contact_name", "contact_title", "email", "phone"))
    lines += [
        "",
        t(language, "schedule.card.contact"),
        *(contact or [t(language, "schedule.card.no_contact")]),
    ]
    return "\n".join(lines)


def _reason_block(number: int, item: Unscheduled, language: str) -> str:
    other = item.counterpart
    return "\n".join(
        (
            t(
                language,
                "schedule.why.item",
                number=number,
                company=escape(other.company),
                country=escape(country_name(language, other.country)),
                requester=t(language, f"schedule.requester.{item.requester}"),
            ),
            t(language, f"schedule.reason.{item.why}", company=escape(other.company)),
            t(language, f"schedule.advice.{item.why}"),
        )
    )


def unscheduled_messages(items: list[Unscheduled], language: str) -> list[str]:
    """Each request that did not become a meeting, why, and what helps next time (FAQ Q4, Q5)."""
    if not items:
        return [t(language, "schedule.why.none")]
    blocks = [_reason_block(n, item, language) for n, item in enumerate(items, start=1)]
    return pages([t(language, "schedule.why.title"), *blocks, t(language, "schedule.why.tips")])
