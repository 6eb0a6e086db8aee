"""An announcement as a participant reads it: their timetable's picture with the timetable as
its caption, after what changed since the last one; and the organizer's progress line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from telegram import InlineKeyboardMarkup

from handlers.wording import counted_items, escape
from locales import moment, pick, t, tn
from store.announce import Change, Job, Progress
from store.names import in_language
from views.timetable_render import (
    CAPTION_LIMIT,
    fitting,
    timetable_caption,
    timetable_markup,
    timetable_png,
    units,
)


@dataclass(frozen=True)
class Announcement:
    """One participant's timetable as one message: the picture, its caption and buttons."""

    photo: bytes
    caption: str
    markup: InlineKeyboardMarkup


def render(job: Job, default_language: str) -> Announcement:
    """The picture with the timetable as its caption, after what changed (after an earlier
    announcement); a long timetable's caption shows the first meetings and a button opens
    the whole text."""
    language = pick(job.language, default_language)
    lead = "" if job.change is None else change_text(job.change, language, job.table.timezone)
    caption, whole = timetable_caption(job.table, language, lead)
    # The caption speaks of the buttons below it (meetings, calendar, why not).
    markup = timetable_markup(job.table, language, back=False, picture=True, full=not whole)
    return Announcement(timetable_png(job.table, language), caption, markup)


def change_text(change: Change, language: str, timezone: str) -> str:
    """What changed since the participant's last announcement, within half a caption."""

    def line(key: str, m: dict) -> str:
        when = moment(datetime.fromisoformat(m["start"]), language, timezone)
        booth = m["booth"] or t(language, "reminder.no_booth")
        company = in_language(m["company"], m.get("company_en", ""), language)
        return t(language, key, start=when, company=escape(company), booth=escape(booth))

    lines = [line("announce.removed", m) for m in change.removed]
    lines += [line("announce.added", m) for m in change.added]
    if not lines:
        lines.append(t(language, "announce.details_changed"))
    title = t(language, "announce.changed")
    room = CAPTION_LIMIT // 2 - units(title) - 1
    more = partial(tn, language, "announce.more_changes")
    return "\n".join([title, *fitting(lines, room, more)])


def progress_text(language: str, state: Progress, final: bool) -> str:
    counts = state.counts
    shown = {key: counts[key] for key in ("sent", "unchanged", "failed", "blocked")}
    items = counted_items(language, "announce.count", {**shown, "left": state.left})
    return tn(  # counted in people: each main contact and colleague has a copy of their own
        language,
        "announce.done" if final else "announce.progress",
        state.total,
        round=state.round,
        items=items or t(language, "announce.nobody"),
    )
