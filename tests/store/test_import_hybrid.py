"""The participant list's hybrid-fair columns: 참가형태 (on site or online), 통역 언어 (the
language a buyer needs an interpreter for) and the time zone. Values the import can't read are
warnings with their rows and leave the stored value alone; a re-import follows the same rules
as the other columns."""

from __future__ import annotations

import dataclasses
from functools import partial

import pytest
from sqlmodel import select
from test_importer import people
from test_reimport import write as write_sheet

import builders
from bot.cli import problem_text
from bot.import_report import report_lines
from store.db import session_scope
from store.errors import ImportFailed
from store.event import parse_config, setup_event
from store.importer import Change, Conflict, import_participants
from store.interpreters import reassign
from store.models import Attendance, Interpreter, InterpreterAssignment, Participant, Slot
from store.participants import new_invite_token
from views.vocabulary import vocabulary

HEADER = ["번호", "구분", "회사명", "국가", "업종", "부스번호", "참가형태", "통역 언어", "시간대"]
TEMPLATE = "https://meet.jit.si/BoomUpKorea-{room}"
write = partial(write_sheet, header=HEADER)


@pytest.fixture
def event(engine):
    with session_scope(engine) as session:
        setup_event(session, parse_config(builders.EVENT_FILE | {"video_link": TEMPLATE}))


def test_the_columns_are_read_in_korean_and_english(engine, event, tmp_path):
    rows = [
        ["B1", "바이어", "Tokyo Trading", "JP", "food", "", "온라인", "일본어", "Asia/Tokyo"],
        ["B2", "바이어", "Hanoi Foods", "VN", "food", "T-2", "현장", "Vietnamese", ""],
        ["B3", "buyer", "Big Apple", "US", "food", "", "On-site", "", "UTC-5"],
        ["B4", "buyer", "Lima", "PE", "food", "", "online", "es", "lima"],
        ["S1", "국내기업", "한빛", "KR", "food", "", "", "", ""],
    ]
    with session_scope(engine) as session:
        result = import_participants(session, write(tmp_path / "p.xlsx", rows), vocabulary())
    stored = people(engine)
    seen = {code: (p.attendance, p.interpreter_language, p.timezone) for code, p in stored.items()}
    assert seen == {
        "B1": (Attendance.online, "ja", "Asia/Tokyo"),
        "B2": (Attendance.onsite, "vi", None),
        "B3": (Attendance.onsite, None, "Etc/GMT+5"),
        "B4": (Attendance.online, "es", "America/Lima"),
        "S1": (Attendance.onsite, None, None),
    }
    # an online buyer needs no booth; the city is named as read
    assert [(s.reason, s.rows) for s in result.slips] == [
        ("no_booth", (4,)),
        ("timezone_city", (5,)),
    ]
    assert "5행: 표준 시간대 “lima” 값을 America/Lima 표준 시간대로 읽었습니다." in report_lines(
        "ko", result
    )


def test_values_it_cant_read_are_warnings_with_rows_and_change_nothing(engine, event, tmp_path):
    first = [
        ["B1", "buyer", "A", "JP", "food", "T-1", "online", "ja", "Asia/Tokyo"],
        ["S1", "seller", "한빛", "KR", "food", "", "", "", ""],
    ]
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", first), vocabulary())
    second = [
        ["B1", "buyer", "A", "JP", "food", "T-1", "반반", "일본어, 중국어", "UTC+5:30"],
        ["S1", "seller", "한빛", "KR", "food", "", "", "English", "Mars/Base"],
        ["B2", "buyer", "B", "CN", "food", "T-2", "", "Gibberish", ""],
    ]
    with session_scope(engine) as session:
        result = import_participants(session, write(tmp_path / "b.xlsx", second), vocabulary())
    stored = people(engine)
    assert (stored["B1"].attendance, stored["B1"].interpreter_language) == (
        Attendance.online,
        "ja",
    )
    assert stored["B1"].timezone == "Asia/Tokyo"
    assert (stored["S1"].interpreter_language, stored["S1"].timezone) == (None, None)
    assert stored["B2"].interpreter_language is None
    assert result.changes == ()
    assert {(s.reason, s.rows) for s in result.slips} == {
        ("attendance_unknown", (2,)),
        ("interpreter_language_several", (2,)),
        ("timezone_unknown", (2,)),
        ("interpreter_seller", (3,)),
        ("timezone_unknown", (3,)),
        ("interpreter_language_unknown", (4,)),
    }
    lines = report_lines("en", result)
    assert any(line.startswith("Row 4: interpreter language “Gibberish”") for line in lines)
    for language in ("ko", "en"):
        assert all("{" not in line for line in report_lines(language, result))


def test_a_reimport_keeps_a_participants_own_choice_and_a_missing_column_leaves_all_alone(
    engine, event, tmp_path
):
    rows = [["B1", "buyer", "A", "JP", "food", "T-1", "online", "ja", "Asia/Tokyo"]]
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", rows), vocabulary())
    with session_scope(engine) as session:  # the buyer picks another zone in the bot
        person = session.exec(select(Participant)).one()
        person.telegram_id, person.timezone = 77, "Asia/Osaka"
    rows = [["B1", "buyer", "A", "JP", "food", "T-1", "onsite", "zh", "Asia/Tokyo"]]
    path = write(tmp_path / "b.xlsx", rows)
    with session_scope(engine) as session:
        predicted = import_participants(session, path, vocabulary(), dry=True)
    assert people(engine)["B1"].attendance == Attendance.online  # the dry run wrote nothing
    with session_scope(engine) as session:
        done = import_participants(session, path, vocabulary())
    assert dataclasses.replace(predicted, dry=False) == done
    assert set(done.changes) == {
        Change("B1", "attendance", "online", "onsite"),
        Change("B1", "interpreter_language", "ja", "zh"),
    }
    assert done.conflicts == (Conflict("B1", "timezone", "Asia/Osaka", "Asia/Tokyo"),)
    assert people(engine)["B1"].timezone == "Asia/Osaka"
    short = write(tmp_path / "c.xlsx", [row[:6] for row in rows], header=HEADER[:6])
    with session_scope(engine) as session:
        left = import_participants(session, short, vocabulary())
    assert {"attendance", "interpreter_language", "timezone"} <= set(left.untouched)
    stored = people(engine)["B1"]
    assert (stored.attendance, stored.interpreter_language) == (Attendance.onsite, "zh")


def test_online_participants_in_an_event_without_video_are_refused_in_one_sentence(
    engine, tmp_path
):
    with session_scope(engine) as session:
        builders.event(session)
    rows = [
        ["B1", "buyer", "A", "JP", "food", "T-1", "온라인", "", ""],
        ["B2", "buyer", "B", "JP", "food", "T-2", "", "", ""],
    ]
    with pytest.raises(ImportFailed) as refused, session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", rows), vocabulary())
    assert people(engine) == {}
    [problem] = refused.value.problems
    text = problem_text("ko", problem, {})
    assert "B1" in text and "video_link" in text and text.count(".") == 1


def test_a_changed_interpreter_language_moves_the_interpreters(engine, event, tmp_path):
    rows = [
        ["B1", "buyer", "A", "JP", "food", "T-1", "", "", ""],
        ["S1", "seller", "한빛", "KR", "food", "", "", "", ""],
    ]
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", rows), vocabulary())
    with session_scope(engine) as session:
        found = {p.code: p for p in session.exec(select(Participant))}
        slot = session.exec(select(Slot)).first()
        builders.meeting(session, found["B1"], found["S1"], slot.code)
        session.add(
            Interpreter(code="I1", name="Aoki", languages="ja", invite_token=new_invite_token())
        )
        session.flush()
        reassign(session)
    rows[0][7] = "Japanese"
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "b.xlsx", rows), vocabulary())
    with session_scope(engine) as session:
        assert len(session.exec(select(InterpreterAssignment)).all()) == 1
