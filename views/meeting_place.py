"""Where a meeting is, in words: its booth on site, or for an online meeting its video link
(store/video.py). The timetable's text links it; the picture, the calendar's alarm and other
plain texts say only that it is online, and the calendar entry carries the link itself."""

from __future__ import annotations

from typing import Protocol

from handlers.wording import escape
from locales import t


class Placed(Protocol):
    """A meeting as its place is told: a timetable's (store/timetable.py `MeetingInfo`) or an
    interpreter's (store/interpreters.py `Job`)."""

    @property
    def online(self) -> bool: ...
    @property
    def booth(self) -> str | None: ...
    @property
    def link(self) -> str | None: ...


def plain_place(meeting: Placed, language: str) -> str:
    if meeting.online:
        return t(language, "schedule.place.online_short")
    return t(
        language, "schedule.place.booth", booth=meeting.booth or t(language, "schedule.no_booth")
    )


def place(meeting: Placed, language: str) -> str:
    """HTML: the booth, or a link to join the video meeting (or word that it will follow)."""
    if not meeting.online:
        return escape(plain_place(meeting, language))
    if meeting.link is None:
        return t(language, "schedule.place.online_later")
    return t(language, "schedule.place.online", link=escape(meeting.link))
