"""`scripts/run interpreters FILE` and the interpreters' links in `invites`."""

import csv

import pytest

import builders
from bot.cli import main
from store.db import session_scope


@pytest.fixture
def database(engine, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    return engine


def test_interpreters_are_imported_and_get_links_beside_the_participants(
    database, tmp_path, capsys
):
    sheet = tmp_path / "통역원.csv"
    sheet.write_bytes('번호,성명,통역 언어\r\nI1,김통역,"일본어, 중국어"\r\n'.encode("cp949"))
    assert main(["interpreters", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert (
        "CP949" in out and "통역원 명단을 가져왔습니다: 새 통역원 1명. 초대 링크는" in out
    )  # no "바뀐 통역원 0명"
    links = tmp_path / "invites.csv"
    assert main(["invites", str(links), "--bot-username", "fair_bot"]) == 0
    with links.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert [row[:2] for row in rows[1:]] == [["B1", "바이어"], ["S1", "국내기업"], ["I1", "통역원"]]
    assert rows[3][3] == "김통역" and rows[3][5].startswith("https://t.me/fair_bot?start=")


def test_a_bad_interpreter_sheet_is_refused_naming_row_and_column(database, tmp_path, capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("번호,성명,통역 언어\nI1,김통역,화성어\n", "utf-8")
    assert main(["interpreters", str(sheet)]) == 2
    err = capsys.readouterr().err
    assert "2행, 통역 언어: “화성어” 값에서 알아볼 수 없는 언어가 있습니다" in err


def test_a_participant_list_given_as_interpreters_names_each_missing_column(
    database, tmp_path, capsys
):
    """The participants' file by mistake: each missing column in one sentence with the headers
    that would do, as a participant list's missing column is named."""
    sheet = tmp_path / "명단.csv"
    sheet.write_text("참가번호,구분,회사명,국가,업종\nB1,바이어,Acme,미국,화장품\n", "utf-8")
    assert main(["interpreters", str(sheet)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == [
        "1행: 꼭 필요한 ‘번호’ 열이 없습니다. 열 제목을 번호, 코드, 통역원번호, 통역원코드, "
        "code, id 중 하나로 써 주세요.",
        "1행: 꼭 필요한 ‘성명’ 열이 없습니다. 열 제목을 성명, 이름, 통역원, 통역원명, 통역원이름, "
        "name 중 하나로 써 주세요.",
        "1행: 꼭 필요한 ‘통역 언어’ 열이 없습니다. 열 제목을 통역 언어, 언어, 가능언어, "
        "통역가능언어, languages, language 중 하나로 써 주세요.",
    ]
