"""Video links of online meetings: set up in the event file, a room per meeting that nobody
can guess, or the organizer's own rooms shared out per slot."""

import re

import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import EventConfigError
from store.event import parse_config, setup_event
from store.models import Attendance, Event
from store.video import links, room_name

TEMPLATE = "https://meet.jit.si/BoomUpKorea-{room}"


def config(**video):
    return parse_config(builders.EVENT_FILE | video)


@pytest.mark.parametrize(
    ("video", "reason"),
    [
        ({"video_link": "https://meet.jit.si/fixed-room"}, "bad_video_link"),  # no {room}
        ({"video_link": "http://meet.jit.si/{room}"}, "bad_video_link"),
        ({"video_rooms": "https://a.example/1"}, "bad_video_rooms"),  # not a list
        ({"video_rooms": ["https://a.example/1", "javascript:alert(1)"]}, "bad_video_rooms"),
        ({"video_link": TEMPLATE, "video_rooms": ["https://a.example/1"]}, "video_both"),
    ],
)
def test_bad_video_settings_are_refused_naming_the_setting(video, reason):
    with pytest.raises(EventConfigError) as refused:
        config(**video)
    assert refused.value.values["reason"] == reason


def test_online_participants_need_a_video_setting(engine):
    with session_scope(engine) as session:
        setup_event(session, config())
        builders.participant(session, "B1", attendance=Attendance.online)
    with pytest.raises(EventConfigError) as refused, session_scope(engine) as session:
        setup_event(session, config())
    assert refused.value.values["reason"] == "video_needed"
    with session_scope(engine) as session:
        event = setup_event(session, config(video_link=TEMPLATE))
        assert event.video_link == TEMPLATE and len(event.video_secret) == 32


def online_fair(session, **video):
    setup_event(session, config(**video))
    b1 = builders.participant(session, "B1", attendance=Attendance.online)
    b2 = builders.participant(session, "B2", attendance=Attendance.online)
    b3 = builders.participant(session, "B3")
    s1, s2, s3 = (builders.participant(session, code) for code in ("S1", "S2", "S3"))
    return [
        builders.meeting(session, b1, s1, "D1-0900"),
        builders.meeting(session, b2, s2, "D1-0900"),
        builders.meeting(session, b3, s3, "D1-0900"),  # both on site: no link
        builders.meeting(session, b1, s2, "D1-0930"),
    ]


def test_each_online_meeting_gets_its_own_unguessable_room(engine):
    with session_scope(engine) as session:
        m = online_fair(session, video_link=TEMPLATE)
        found = links(session, m)
        secret = session.exec(select(Event)).one().video_secret
    assert set(found) == {m[0].id, m[1].id, m[3].id}
    rooms = [found[m[i].id].removeprefix("https://meet.jit.si/BoomUpKorea-") for i in (0, 1, 3)]
    assert len(set(rooms)) == 3 and all(re.fullmatch(r"[a-z2-7]{24}", r) for r in rooms)
    # The room belongs to the pair: the same wherever the meeting moves, another event's
    # secret gives another name.
    assert rooms[0] == room_name(secret, "B1", "S1") != room_name("other", "B1", "S1")


def test_the_organizers_rooms_are_shared_out_per_slot(engine):
    rooms = ["https://rooms.example/1", "https://rooms.example/2"]
    with session_scope(engine) as session:
        m = online_fair(session, video_rooms=rooms)
        found = links(session, m)
        # One room short in a slot: the pair last by codes has no link, and says so by absence.
        b4 = builders.participant(session, "B4", attendance=Attendance.online)
        s4 = builders.participant(session, "S4")
        crowded = builders.meeting(session, b4, s4, "D1-0900")
        assert crowded.id not in links(session, [crowded])
    assert found == {m[0].id: rooms[0], m[1].id: rooms[1], m[3].id: rooms[0]}
