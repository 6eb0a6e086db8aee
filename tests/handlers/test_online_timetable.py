"""An online meeting in each form of the timetable: the text, the card, the picture and the
calendar file carry its video link, and an online buyer reads times in their own zone with
the fair's beside them."""

import re

import pytest
from icalendar import Calendar

import builders
from store.db import session_scope
from store.event import parse_config, setup_event
from store.models import Attendance
from store.timetable import timetable
from views.calendar_file import timetable_ics
from views.timetable_image import timetable_png
from views.timetable_render import counterpart_card, timetable_markup, timetable_messages

TEMPLATE = "https://meet.jit.si/BoomUpKorea-{room}"
LINK = re.compile(r"https://meet\.jit\.si/BoomUpKorea-[a-z2-7]{24}")


@pytest.fixture
def tables(engine):
    """B1, a buyer from the United States taking part online, meets S1 (on site) at D1-0900
    (09:00 in Seoul); B2, on site at booth T-B2, meets S2 at the same time."""
    with session_scope(engine) as session:
        setup_event(session, parse_config(builders.EVENT_FILE | {"video_link": TEMPLATE}))
        b1 = builders.participant(session, "B1", attendance=Attendance.online, language="en")
        b2 = builders.participant(session, "B2", language="en")
        s1 = builders.participant(session, "S1", language="ko")
        s2 = builders.participant(session, "S2", language="ko")
        builders.meeting(session, b1, s1, "D1-0900")
        builders.meeting(session, b2, s2, "D1-0900")
        return {
            code: timetable(session, p.id) for code, p in {"B1": b1, "S1": s1, "S2": s2}.items()
        }


def test_the_online_buyer_reads_new_york_time_with_seouls_beside_it_and_the_link(tables):
    text = "\n".join(timetable_messages(tables["B1"], "en"))
    assert "Wed, Jun 19 20:00–20:30 (Seoul 09:00)" in text  # 09:00 KST is 20:00 the day before
    assert "Eastern" in text  # the header names the reader's zone
    [link] = LINK.findall(text)
    assert (
        f'<a href="{link}">' in text and "booth" not in text.split("Company S1")[1].split("\n")[0]
    )
    [meeting] = tables["B1"].meetings
    card = counterpart_card(meeting, "en", tables["B1"])
    assert "Wed, Jun 19 20:00–20:30 (Seoul 09:00)" in card and link in card
    buttons = [b.text for row in timetable_markup(tables["B1"], "en").inline_keyboard for b in row]
    assert "🤝 6/19 20:00 Company S1" in buttons
    assert "meet them in the video meeting" in card


def test_the_korean_company_on_site_reads_seoul_time_and_the_same_link(tables):
    text = "\n".join(timetable_messages(tables["S1"], "ko"))
    assert "09:00~09:30" in text and "(서울" not in text
    assert LINK.findall(text) == LINK.findall("\n".join(timetable_messages(tables["B1"], "en")))
    assert "화상상담 접속" in text
    onsite = "\n".join(timetable_messages(tables["S2"], "ko"))
    assert "부스 T-B2" in onsite and not LINK.findall(onsite)


def test_the_calendar_entry_has_the_link_as_url_and_location_and_the_picture_draws(tables):
    calendar = Calendar.from_ical(timetable_ics(tables["B1"], "en"))
    [entry] = calendar.walk("VEVENT")
    assert LINK.fullmatch(str(entry["URL"])) and str(entry["LOCATION"]) == str(entry["URL"])
    assert timetable_png(tables["B1"], "en").startswith(b"\x89PNG")
