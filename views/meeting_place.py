"""Where a meeting is, in words: its booth on site, or for an online meeting its video link
(store/video.py). The timetable's text links it; the picture, the calendar's alarm and other
plain texts say only that it is online, and the calendar entry carries the link itself."""

from __future__ import annotations

from handlers.ui import escape
from locales import t
from store.timetable import MeetingInfo


def plain_place(meeting: MeetingInfo, language: str) -> str:
    if meeting.online:
        return t(language, "schedule.place.online_short")
    return t(
        language, "schedule.place.booth", booth=meeting.booth or t(language, "schedule.no_booth")
    )


def place(meeting: MeetingInfo, language: str) -> str:
    """HTML: the booth, or a link to join the video meeting (or word that it will follow)."""
    if not meeting.online:
        return escape(plain_place(meeting, language))
    if meeting.link is None:
        return t(language, "schedule.place.online_later")
    return t(language, "schedule.place.online", link=escape(meeting.link))
