"""Interpreters from the organizer's sheet: Korean headers and language names, CP949 CSV and
Excel alike, all or nothing, and a re-import that updates in place."""

import csv
import io

import pytest
from openpyxl import Workbook
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import ImportFailed
from store.interpreter_import import import_interpreters, language_codes
from store.models import Attendance, Interpreter, InterpreterAssignment

ROWS = [
    ["번호", "성명", "통역 언어", "참가형태", "이메일", "휴대폰"],
    ["I1", "김통역", "일본어, 중국어", "현장", "kim@example.com", "010-1234-5678"],
    ["I2", "Lee Interpreter", "Russian/Arabic", "온라인", "", ""],
    ["", "", "", "", "", ""],
    ["I3", "박통역", "es", "", "", ""],
]


def stored(engine) -> dict[str, tuple]:
    with session_scope(engine) as session:
        return {
            i.code: (i.name, i.languages, i.attendance, i.email)
            for i in session.exec(select(Interpreter)).all()
        }


def test_a_korean_cp949_csv_is_read_with_its_language_names(engine, tmp_path):
    path = tmp_path / "통역원.csv"
    text = io.StringIO()
    csv.writer(text).writerows(ROWS)  # as Excel saves it: "일본어, 중국어" in quotes
    path.write_bytes(text.getvalue().encode("cp949"))
    with session_scope(engine) as session:
        result = import_interpreters(session, path)
    assert (result.created, result.updated) == (3, 0) and result.encoding == "CP949 (EUC-KR)"
    assert stored(engine) == {
        "I1": ("김통역", "ja,zh", Attendance.onsite, "kim@example.com"),
        "I2": ("Lee Interpreter", "ru,ar", Attendance.online, ""),
        "I3": ("박통역", "es", Attendance.onsite, ""),
    }


def test_a_workbook_re_import_updates_in_place_and_keeps_each_invite(engine, tmp_path):
    path = tmp_path / "interpreters.xlsx"
    book = Workbook()
    for row in ROWS[:3]:
        book.active.append(row)
    book.save(path)
    with session_scope(engine) as session:
        import_interpreters(session, path)
        tokens = {i.code: i.invite_token for i in session.exec(select(Interpreter)).all()}
    book.active["C2"] = "베트남어"
    book.save(path)
    with session_scope(engine) as session:
        result = import_interpreters(session, path)
        again = {i.code: i.invite_token for i in session.exec(select(Interpreter)).all()}
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1) and again == tokens
    assert stored(engine)["I1"][1] == "vi"


def test_bad_cells_are_named_and_nothing_is_stored(engine, tmp_path):
    path = tmp_path / "bad.csv"
    rows = [
        ["code", "name", "languages", "attendance"],
        ["I1", "Kim", "Klingonish", "onsite"],
        ["I1", "Lee", "ja", "by pigeon"],
        ["I3", "", "ja", ""],
    ]
    path.write_text("\n".join(",".join(row) for row in rows), "utf-8")
    with pytest.raises(ImportFailed) as refused, session_scope(engine) as session:
        import_interpreters(session, path)
    found = {(p.row, p.column, p.reason) for p in refused.value.problems}
    assert found == {
        (2, "languages", "unknown_language"),
        (3, "attendance", "unknown_attendance"),
        (3, "code", "duplicate_id"),
        (4, "name", "required"),
    }
    assert stored(engine) == {}


def test_a_sheet_without_a_languages_column_is_refused_naming_it(engine, tmp_path):
    path = tmp_path / "no-languages.csv"
    path.write_text("코드,이름\nI1,김통역\n", "utf-8")
    with pytest.raises(ImportFailed) as refused, session_scope(engine) as session:
        import_interpreters(session, path)
    assert [(p.row, p.column, p.reason) for p in refused.value.problems] == [
        (1, "languages", "missing_column")
    ]


def test_language_names_in_either_language_and_codes_give_codes():
    assert language_codes("일본어, 중국어") == ["ja", "zh"]
    assert language_codes("Japanese/Chinese · ja") == ["ja", "zh"]
    assert language_codes("영어 스페인어") == ["en", "es"]
    assert language_codes("Elvish") is None


def test_interpreters_imported_after_matching_take_the_meetings_without_one(engine, tmp_path):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1", interpreter_language="ja")
        builders.meeting(session, buyer, builders.participant(session, "S1"), "D1-0900")
    path = tmp_path / "interpreters.csv"
    path.write_text("번호,성명,통역 언어\nI1,김통역,일본어\n", "utf-8")
    with session_scope(engine) as session:
        import_interpreters(session, path, dry=True)
        assert session.exec(select(InterpreterAssignment)).all() == []
    with session_scope(engine) as session:
        import_interpreters(session, path)
    with session_scope(engine) as session:
        [held] = session.exec(select(InterpreterAssignment)).all()
        assert session.get(Interpreter, held.interpreter_id).code == "I1"
