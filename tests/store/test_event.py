from datetime import date, time, timedelta

import pytest

import builders
from builders import NOW
from store.availability import toggle_slot
from store.db import make_engine, session_scope
from store.errors import ApplicationsClosed, EventConfigError, NoEvent
from store.event import (
    ensure_open,
    generate_slots,
    get_event,
    parse_config,
    setup_event,
    slots,
)

BASE = {
    "name": "Boom Up Korea",
    "deadline": "2024-06-10 18:00",
    "days": ["2024-06-20"],
    "start": "09:00",
    "end": "17:00",
    "slot_minutes": 30,
    "breaks": [["12:00", "13:00"]],
}


def test_slots_skip_the_lunch_break():
    grid = generate_slots([date(2024, 6, 20)], time(9), time(17), 30, [(time(12), time(13))])
    assert len(grid) == 14
    assert grid[0].code == "D1-0900" and grid[-1].code == "D1-1630"
    assert "D1-1200" not in {s.code for s in grid} and "D1-1300" in {s.code for s in grid}


def test_days_are_numbered_in_date_order_whatever_the_file_order():
    grid = generate_slots([date(2024, 6, 21), date(2024, 6, 20)], time(9), time(10), 60, [])
    assert [(s.code, s.day) for s in grid] == [
        ("D1-0900", date(2024, 6, 20)),
        ("D2-0900", date(2024, 6, 21)),
    ]


def test_a_naive_deadline_is_read_in_the_event_time_zone():
    config = parse_config(BASE)
    assert config.timezone == "Asia/Seoul"
    assert config.deadline.isoformat() == "2024-06-10T18:00:00+09:00"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"name": " "}, "name", "missing"),
        ({"timezone": "Mars/Base"}, "timezone", "unknown_zone"),
        ({"start": "9h"}, "start", "not_a_time"),
        ({"slot_minutes": 1}, "slot_minutes", "bad_slot_minutes"),
        ({"days": []}, "days", "no_days"),
        ({"breaks": [["12:00"]]}, "breaks", "bad_break"),
        ({"daily_cap": 0}, "daily_cap", "not_positive"),
        ({"daily_cap": True}, "daily_cap", "not_positive"),
        ({"reminder_minutes": True}, "reminder_minutes", "not_positive"),
        ({"slot_minutes": True, "start": "now+5"}, "slot_minutes", "bad_slot_minutes"),
        ({"daily_cap": "8"}, "daily_cap", "quoted_number"),
        ({"slot_minutes": " 30 "}, "slot_minutes", "quoted_number"),
        ({"match_time_limit": "30"}, "match_time_limit", "quoted_number"),
        ({"start": "17:00", "end": "09:00"}, "start/end", "no_slots"),
        ({"deadline": "soon"}, "deadline", "not_a_moment"),
        ({"days": ["2024-06-20", "6/21"]}, "days", "not_a_date"),
        ({"days": "2024-06-20"}, "days", "not_a_list"),
        ({"dialy_cap": 3}, "dialy_cap", "unknown_key_near"),
        ({"colour": "blue"}, "colour", "unknown_key"),
        ({"daily_cap": {"max": 3}}, "daily_cap", "not_a_table"),
        ({"matching": {"mode": "greedy"}}, "matching", "unknown_key"),
        ({"deadline": "2024-06-20 09:30"}, "deadline", "deadline_after_start"),
        ({"deadline": "2024-06-25 18:00"}, "deadline", "deadline_after_start"),
    ],
)
def test_bad_event_files_name_the_field(change, field, reason):
    with pytest.raises(EventConfigError) as error:
        parse_config(BASE | change)
    assert (error.value.values["field"], error.value.values["reason"]) == (field, reason)


def test_setup_updates_the_event_and_keeps_the_grid_once_it_is_used(engine):
    with session_scope(engine) as session, pytest.raises(NoEvent):
        get_event(session)
    with session_scope(engine) as session:
        builders.event(session)
        person = builders.participant(session, "B1")
        toggle_slot(session, person.id, slots(session)[0].id, NOW)
    with session_scope(engine) as session:
        setup_event(
            session, parse_config(builders.EVENT_FILE | {"name": "Renamed", "daily_cap": 5})
        )
    with pytest.raises(EventConfigError) as error, session_scope(engine) as session:
        setup_event(session, parse_config(BASE | {"name": "Regridded"}))
    assert error.value.values["reason"] == "grid_in_use"
    with session_scope(engine) as session:
        assert len(slots(session)) == 10
        assert (get_event(session).name, get_event(session).daily_cap) == ("Renamed", 5)


def test_a_typo_names_the_close_setting():
    with pytest.raises(EventConfigError) as error:
        parse_config(BASE | {"dialy_cap": 3})
    assert error.value.values["value"] == "daily_cap"


def test_the_deadline_may_be_the_first_meeting_but_not_later():
    assert parse_config(BASE | {"deadline": "2024-06-20 09:00"}).deadline.hour == 9
    with pytest.raises(EventConfigError) as error:
        parse_config(BASE | {"deadline": "2024-06-21T01:00:00+00:00"})
    assert error.value.values["value"] == "2024-06-21 10:00"  # shown in the event's zone
    assert error.value.values["start"] == "2024-06-20 09:00"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "file_missing"),
        (b"name = 'x\n", "toml_syntax"),
        ("name = '한빛'\n".encode("cp949"), "not_utf8"),
    ],
)
def test_unreadable_event_files_are_refused_naming_the_file(tmp_path, content, reason):
    from store.event import load_config

    path = tmp_path / "event.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(EventConfigError) as error:
        load_config(path)
    assert (error.value.values["field"], error.value.values["reason"]) == (str(path), reason)


@pytest.mark.parametrize(
    ("names", "korean", "english"),
    [
        ({"name": "붐업코리아 수출상담회"}, "붐업코리아 수출상담회", ""),  # an old file
        ({"name": "붐업코리아", "name_en": "Boom Up Korea"}, "붐업코리아", "Boom Up Korea"),
        ({"name_ko": "붐업코리아", "name_en": "Boom Up Korea"}, "붐업코리아", "Boom Up Korea"),
        ({"name_en": "Boom Up Korea"}, "", "Boom Up Korea"),
    ],
)
def test_the_event_has_a_korean_and_an_english_name(names, korean, english):
    base = {key: value for key, value in BASE.items() if key != "name"}
    config = parse_config(base | names)
    assert (config.name, config.name_en) == (korean, english)


def test_an_event_file_without_any_name_is_refused():
    base = {key: value for key, value in BASE.items() if key != "name"}
    with pytest.raises(EventConfigError) as refused:
        parse_config(base | {"name_en": "  "})
    assert refused.value.values["field"] == "name"


@pytest.mark.parametrize(
    ("written", "day_only", "stored"),
    [
        ("2024-06-10", True, "2024-06-10T23:59:00+09:00"),  # a date alone: the end of that day
        ("2024.06.10", True, "2024-06-10T23:59:00+09:00"),
        ("2024. 6. 10.", True, "2024-06-10T23:59:00+09:00"),
        ("2024년 6월 10일", True, "2024-06-10T23:59:00+09:00"),
        ("2024년 6월 10일 18시", False, "2024-06-10T18:00:00+09:00"),
        ("2024.06.10 18:30", False, "2024-06-10T18:30:00+09:00"),
        ("2024-06-10T18:00:00+00:00", False, "2024-06-10T18:00:00+00:00"),
    ],
)
def test_deadlines_as_organizers_write_them(written, day_only, stored):
    config = parse_config(BASE | {"deadline": written, "days": ["2024년 6월 20일"]})
    assert (config.deadline.isoformat(), config.deadline_day_only) == (stored, day_only)


def test_a_deadline_not_read_is_refused_with_an_example_in_this_year():
    with pytest.raises(EventConfigError) as error:
        parse_config(BASE | {"deadline": "6월 10일"}, today=date(2024, 5, 1))
    assert error.value.values["year"] == 2024


def test_a_change_made_by_another_process_reaches_this_process_copy(engine, database_url):
    """Each process keeps the event and its grid until `event.version` moves; the database
    moves it whoever changes them (here a second engine: another bot process or the CLI)."""
    other = make_engine(database_url)
    try:
        with session_scope(engine) as session:
            builders.event(session)
        with session_scope(engine) as session:
            assert ensure_open(session, NOW).daily_cap == 8
            assert len(slots(session)) == 10
        with session_scope(other) as session:
            event = get_event(session)
            event.daily_cap, event.deadline = 5, NOW - timedelta(hours=1)
            session.add(event)
        with session_scope(engine) as session:
            assert ensure_open(session, NOW - timedelta(hours=2)).daily_cap == 5
            with pytest.raises(ApplicationsClosed):
                ensure_open(session, NOW)
        hourly = BASE | {"deadline": "2024-06-15 18:00", "slot_minutes": 60}
        with session_scope(other) as session:
            setup_event(session, parse_config(hourly))
        with session_scope(engine) as session:
            assert ensure_open(session, NOW).deadline.day == 15
            assert [(s.day, s.code) for s in slots(session)][:2] == [
                (date(2024, 6, 20), "D1-0900"),
                (date(2024, 6, 20), "D1-1000"),
            ]
            assert len(slots(session)) == 7
    finally:
        other.dispose()
