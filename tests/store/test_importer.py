import csv

import pytest
from openpyxl import Workbook
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import ImportFailed, Problem
from store.importer import import_participants
from store.models import Participant, Role

HEADER = ["id", "role", "company", "country", "industry", "products", "email", "booth"]


def workbook(path, rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def people(engine):
    with session_scope(engine) as session:
        return {p.code: p for p in session.exec(select(Participant)).all()}


@pytest.fixture
def event(engine):
    with session_scope(engine) as session:
        builders.event(session)


def test_a_workbook_creates_participants_with_invites(engine, event, tmp_path):
    path = workbook(
        tmp_path / "people.xlsx",
        [
            ["B001", "buyer", "Acme", "US", "cosmetics", "skin care", "a@acme.com", "T-01"],
            ["S001", "국내기업", "한빛화장품", "KR", "cosmetics", "마스크팩", "", None],
        ],
    )
    with session_scope(engine) as session:
        result = import_participants(session, path)
    assert (result.created, result.updated) == (2, 0)
    stored = people(engine)
    assert stored["S001"].role == Role.seller and stored["S001"].company == "한빛화장품"
    assert stored["B001"].booth == "T-01"
    assert stored["B001"].invite_token != stored["S001"].invite_token


def test_reimport_updates_instead_of_duplicating(engine, event, tmp_path):
    row = ["B001", "buyer", "Acme", "US", "cosmetics", "", "", "T-01"]
    with session_scope(engine) as session:
        import_participants(session, workbook(tmp_path / "a.xlsx", [row]))
    token = people(engine)["B001"].invite_token
    row[2] = "Acme Global"
    with session_scope(engine) as session:
        result = import_participants(session, workbook(tmp_path / "b.xlsx", [row]))
    assert (result.created, result.updated) == (0, 1)
    stored = people(engine)
    assert len(stored) == 1
    assert (stored["B001"].company, stored["B001"].invite_token) == ("Acme Global", token)


def test_korean_headers_and_csv_with_a_byte_order_mark(engine, event, tmp_path):
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["번호", "구분", "회사명", "국가", "업종", "1일상담횟수"])
        writer.writerow(["B9", "바이어", "Saigon Imports", "VN", "food", "4"])
    with session_scope(engine) as session:
        import_participants(session, path)
    assert people(engine)["B9"].daily_cap == 4


def test_bad_rows_are_all_reported_and_nothing_is_stored(engine, event, tmp_path):
    path = workbook(
        tmp_path / "bad.xlsx",
        [
            ["B001", "buyer", "Acme", "US", "cosmetics", "", "a@acme.com", "T-01"],
            ["B002", "trader", "Beta", "US", "food", "", "", ""],
            ["S001", "seller", "", "KR", "food", "", "not-mail", "T-9"],
            [None, None, None, None, None, None, None, None],
            ["B001", "buyer", "Acme again", "US", "cosmetics", "", "", ""],
        ],
    )
    with session_scope(engine) as session, pytest.raises(ImportFailed) as failed:
        import_participants(session, path)
    assert failed.value.problems == [
        Problem(3, "role", "not_a_role", "trader"),
        Problem(4, "company", "required", ""),
        Problem(4, "email", "malformed", "not-mail"),
        Problem(4, "booth", "booth_for_buyers", "T-9"),
        Problem(6, "id", "duplicate_id", "B001", 2),
    ]
    assert people(engine) == {}


def test_missing_and_unknown_columns_are_reported(engine, event, tmp_path):
    path = workbook(tmp_path / "cols.xlsx", [], header=["id", "company", "colour"])
    with session_scope(engine) as session, pytest.raises(ImportFailed) as failed:
        import_participants(session, path)
    reasons = {(p.column, p.reason) for p in failed.value.problems}
    assert ("colour", "unknown_header") in reasons
    assert {("role", "missing_column"), ("country", "missing_column")} <= reasons


def test_other_file_types_are_refused(engine, event, tmp_path):
    path = tmp_path / "people.txt"
    path.write_text("id,role")
    with session_scope(engine) as session, pytest.raises(ImportFailed) as failed:
        import_participants(session, path)
    assert failed.value.problems[0].reason == "unsupported_file"


def test_a_fair_sized_workbook_imports_whole(engine, event, tmp_path):
    rows = [
        [f"B{i:05}", "buyer", f"Buyer {i}", "US", "food", "", f"b{i}@x.com", f"T-{i}"]
        for i in range(1000)
    ] + [[f"S{i:05}", "seller", f"셀러 {i}", "KR", "food", "김치", "", ""] for i in range(3000)]
    path = workbook(tmp_path / "big.xlsx", rows)
    with session_scope(engine) as session:
        result = import_participants(session, path)
    assert result.created == 4000
    stored = people(engine)
    assert len({p.invite_token for p in stored.values()}) == 4000
    assert stored["S02999"].products == "김치"
