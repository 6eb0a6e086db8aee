"""The headers real lists use: every name the guide and the messages suggest works, a note in
brackets or a title row above is read past, 순번 stands in for a missing number column."""

import pytest

from store.errors import Problem
from store.import_columns import HEADERS, REQUIRED, accepted, find_columns
from views.vocabulary import vocabulary

BASE = {
    "id": "참가번호",
    "role": "구분",
    "company": "회사명",
    "country": "국가",
    "industry": "업종",
}


def header(**replaced: str) -> list[str]:
    return [replaced.get(key, title) for key, title in BASE.items()]


@pytest.mark.parametrize(("key", "name"), [(k, n) for k in HEADERS for n in accepted(k)])
def test_every_suggested_header_names_its_column(key, name):
    titles = header(**{key: name}) if key in BASE else [*header(), name]
    columns, problems = find_columns([titles], vocabulary())
    assert problems == [] and columns is not None
    assert columns.index[key] == titles.index(name)


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("구분(바이어/국내기업)", "role"),
        ("회사명(국문)", "company"),
        ("관심품목/산업", "industry"),
        ("E-mail", "email"),
        ("휴대폰 번호", "phone"),
        ("국적", "country"),
        ("직급", "contact_title"),
        ("참가번호", "id"),  # the name the messages give the column
        ("Booth No.", "booth"),
    ],
)
def test_headers_as_kotra_lists_write_them(title, key):
    row = [t for t in header() if t != BASE.get(key)] + [title]
    columns, _ = find_columns([row], vocabulary())
    assert columns is not None
    found = {k for k, i in columns.index.items() if row[i] == title}
    assert found == ({key} if key else set())


def test_an_english_name_column_is_not_the_korean_name():
    columns, _ = find_columns([[*header(), "회사명(영문)"]], vocabulary())
    assert columns is not None and columns.index["company_en"] == 5
    columns, _ = find_columns(
        [[*header(), "상호 (ENG)"]], vocabulary()
    )  # never read as the Korean name
    assert columns is not None and columns.ignored == ("상호 (ENG)",)


def test_either_company_name_column_will_do():
    row = [title for title in header() if title != "회사명"] + ["영문회사명"]
    assert find_columns([row], vocabulary())[1] == []


def test_the_row_number_is_the_participants_number_only_without_another():
    columns, _ = find_columns([["순번", *header()]], vocabulary())
    assert columns is not None and columns.index["id"] == 1 and columns.ignored == ("순번",)
    without = ["순번", *header()[1:]]
    columns, problems = find_columns([without], vocabulary())
    assert problems == [] and columns is not None and columns.index["id"] == 0


def test_title_and_empty_rows_above_the_header_row_are_read_past():
    rows = [["2026 붐업코리아 참가기업 명단"], [], [None, None], header(), ["S1", "국내기업"]]
    columns, problems = find_columns(rows, vocabulary())
    assert problems == [] and columns is not None and columns.row == 4


def test_a_missing_required_column_names_the_closest_header():
    rows = [["참가번호", "구분", "회사명", "국가", "업종류"]]
    _, problems = find_columns(rows, vocabulary())
    assert problems == [Problem(1, "industry", "missing_column", "업종류")]
    assert REQUIRED[-1] == "industry"


def test_no_header_row_at_all():
    assert find_columns([["S1", "국내기업", "가나", "KR", "식품"]], vocabulary()) == (None, [])
