"""What the command line tells a Korean organizer: a workbook's headers (every column by a
Korean name, and what to do about one the bot does not know) and a mistyped command line."""

import re
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlmodel import select

from bot.cli import TOOLS, main
from store.db import session_scope
from store.models import Participant


@pytest.fixture
def korean(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")


def test_a_missing_required_column_is_named_in_korean(korean, engine, tmp_path, capsys):
    book = Workbook()
    book.active.append(["순번", "참가번호", "구분", "회사 이름", "국가", "업종"])
    book.active.append([1, "S201", "국내기업", "가나화장품", "한국", "화장품"])
    path = tmp_path / "참가업체.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(
        "1행: 꼭 필요한 ‘회사명’ 열이 없습니다. 열 제목을 회사명, 회사명(국문),"
    )
    assert err[0].endswith("중 하나로 써 주세요(파일에서 가장 비슷한 제목: “회사 이름”).")
    assert len(err) == 2  # and the count of problems
    assert not any("순번" in line for line in err)  # an extra column is read past, not refused


@pytest.mark.parametrize(
    ("argv", "sentence"),
    [
        (["invites", "invites.csv"], "꼭 필요한 인수가 빠졌습니다: --bot-username."),
        (["match", "--mode", "fast"], "--mode에는 fast 값을 쓸 수 없습니다."),
        (["exprot", "out.xlsx"], "알 수 없는 명령입니다: exprot."),
        (["export", "a.xlsx", "b.xlsx"], "알 수 없는 인수입니다: b.xlsx."),
    ],
)
def test_a_mistyped_command_line_is_refused_in_korean(korean, capsys, argv, sentence):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert sentence in err and "error:" not in err


def test_a_title_row_and_empty_rows_above_the_headers_are_read_past(
    korean, engine, tmp_path, capsys
):
    book = Workbook()
    book.active.append(["2026 붐업코리아 참가업체 명단"])
    book.active.append([])
    book.active.append(["참가번호", "구분", "회사명", "국가", "업종"])
    book.active.append(["S301", "국내기업", "다라마", "한국", "식품"])
    book.active.append(["S302", "국내기업", "", "한국", "식품"])
    path = tmp_path / "명단.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 2
    assert "5행, 회사명: 값이 없습니다" in capsys.readouterr().err  # the file's own row numbers


def test_a_file_without_any_header_row_is_one_sentence(korean, engine, tmp_path, capsys):
    book = Workbook()
    book.active.append(["2026 붐업코리아 참가업체 명단"])
    book.active.append(["S301", "국내기업", "다라마", "한국", "식품"])
    path = tmp_path / "명단.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "첫 20행에서 열 제목" in err[0]


def test_a_malformed_cell_says_what_the_column_expects(korean, engine, tmp_path, capsys):
    book = Workbook()
    book.active.append(["참가번호", "구분", "회사명", "국가", "업종", "이메일", "전화번호"])
    book.active.append(["S401", "국내기업", "다라마", "한국", "식품", "not-an-email", "+84 1"])
    path = tmp_path / "명단.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "2행, 이메일: “not-an-email” 값은 이메일 주소가 아닙니다(예: name@company.com)" in err
    assert "2행, 전화번호: “+84 1” 값은 전화번호가 아닙니다(예: 010-1234-5678" in err


def test_migrate_says_which_database_is_up_to_date(korean, capsys):
    assert main(["migrate"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("데이터베이스 구조가 최신 버전입니다: ")


def test_extra_columns_are_named_after_the_import(korean, engine, tmp_path, capsys):
    book = Workbook()
    book.active.append(["순번", "참가번호", "구분", "회사명", "국가", "업종", "비고"])
    book.active.append([1, "S201", "국내기업", "가나화장품", "한국", "화장품", "VIP"])
    path = tmp_path / "참가업체.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "읽지 않은 열: “순번”, “비고”." in out


def test_unknown_countries_industries_and_a_shared_booth_are_noticed(
    korean, engine, tmp_path, capsys
):
    book = Workbook()
    book.active.append(["참가번호", "구분", "회사명", "국가", "업종", "부스번호"])
    book.active.append(["B1", "바이어", "Acme", "아틀란티스", "화장품", "A-2"])
    book.active.append(["B2", "바이어", "Beta", "미국", "Beauty", "A-2"])
    book.active.append(["S1", "국내기업", "가나", "한국", "식품", ""])
    path = tmp_path / "참가업체.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 0  # stored as written: notices, not refusals
    out = capsys.readouterr().out
    assert "2행: 국가 “아틀란티스” 값은 어느 국가인지 알 수 없어" in out
    assert "3행: 업종 “Beauty” 값은 업종 목록에 없어" in out
    # the list to choose from, in the reader's order (가나다), as the Find filter's buttons
    assert "목록의 이름(기계, 생활용품, 식품, 음료, " in out and "화장품, IT·소프트웨어)" in out
    assert "부스 A-2: 바이어 여러 곳(B1, B2)에 같은 부스가 배정되었습니다." in out
    assert out.count("어느 국가인지") == 1 and out.count("업종 목록에 없어") == 1


def test_a_re_import_names_changed_countries_and_industries_in_korean(
    korean, engine, tmp_path, capsys
):
    """The preview of a re-import shows a changed industry or country as the organizer wrote
    it (식품 → 음료), not as the bot stores it (food → beverages)."""
    path = tmp_path / "참가업체.xlsx"
    for country, industry in (("일본", "식품"), ("베트남", "음료")):
        book = Workbook()
        book.active.append(["참가번호", "구분", "회사명", "국가", "업종"])
        book.active.append(["B1", "바이어", "Acme", country, industry])
        book.save(path)
        assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "  B1 업종: “식품” → “음료”" in out
    assert "  B1 국가: “일본” → “베트남”" in out
    assert "food" not in out and "JP" not in out


def test_a_preview_does_not_say_it_stored_anything(korean, engine, tmp_path, capsys):
    """--dry-run stores nothing, so its warnings say what the file is read as, not "stored"."""
    book = Workbook()
    book.active.append(["참가번호", "구분", "회사명", "국가", "업종", "휴대폰"])
    book.active.append(["S1", "국내기업", "가나", "한국", "Beauty", 1012345678])
    book.active.append(["B1", "바이어", "Acme", "아틀란티스", "식품", None])
    path = tmp_path / "참가업체.xlsx"
    book.save(path)
    assert main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    lost_zero = "2행: 휴대폰 번호 “1012345678”에서 맨 앞의 0이 빠진 것으로 보여"
    assert f"{lost_zero} 010-1234-5678로 읽었습니다." in out
    assert "3행: 국가 “아틀란티스” 값은 어느 국가인지 알 수 없어 적힌 그대로 읽었습니다." in out
    assert "2행: 업종 “Beauty” 값은 업종 목록에 없어 적힌 그대로 읽었습니다." in out
    assert "저장했습니다" not in out


def test_a_deadline_given_as_a_date_alone_is_the_end_of_that_day(korean, tmp_path, capsys):
    path = tmp_path / "행사.toml"
    path.write_text(
        'name = "붐업코리아"\ntimezone = "Asia/Seoul"\ndeadline = "today+7"\n'
        'days = ["today+10"]\nstart = "09:00"\nend = "12:00"\nslot_minutes = 30\n',
        "utf-8",
    )
    assert main(["setup-event", str(path)]) == 0
    said = capsys.readouterr().out
    assert " 23:59. 마감 시각 없이 날짜만 적혀 있어 그날 23:59로 정했습니다." in said


def test_help_and_hints_are_in_korean_and_name_scripts_run(korean, capsys):
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    said = capsys.readouterr().out
    assert said.startswith("사용법: scripts/run import [-h] [--dry-run] [--prefer-file] 파일")
    assert "저장하지 않고 가져오기 결과만 미리 봅니다" in said
    assert "usage" not in said and "show this help" not in said and "options" not in said
    with pytest.raises(SystemExit):
        main(["invites", "invites.csv"])
    err = capsys.readouterr().err
    assert "도움말: scripts/run invites --help" in err and "python -m bot" not in err


def test_a_cell_excel_made_a_date_is_read_as_its_day_and_named(korean, engine, tmp_path, capsys):
    """Excel opening a CSV turns 12/20 into a date: no column of the list holds one, so the
    organizer hears which cell, and the day is stored without a time of day."""
    book = Workbook()
    book.active.append(["참가번호", "구분", "회사명", "국가", "업종", "품목", "비고"])
    row = ["S401", "국내기업", "가나식품", "한국", "식품", datetime(2026, 12, 20), date(2026, 1, 2)]
    book.active.append(row)
    path = tmp_path / "명단.xlsx"
    book.save(path)
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        "2행: 품목 칸이 날짜(“2026-12-20”)로 되어 있어 그대로 읽었습니다. 엑셀이 입력한 값을 "
        "날짜로 바꾼 것이면 셀 서식을 ‘텍스트’로 바꾸어 고친 뒤 다시 가져오세요."
    ) in out
    assert not any("비고 칸" in line for line in out)  # a column left unread is not named
    with session_scope(engine) as session:
        stored = session.exec(select(Participant).where(Participant.code == "S401")).one()
    assert stored.products == "2026-12-20"


def test_the_korean_help_names_each_value_in_korean(korean, capsys):
    """`--bot-username 봇사용자명`, as the guide writes it, not argparse's BOT_USERNAME; file
    kinds and a URL keep their names."""
    for command in ("run", *(tool.name for tool in TOOLS)):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        usage = capsys.readouterr().out
        assert set(re.findall(r"\b[A-Z][A-Z_]+\b", usage)) <= {"CSV", "JSON", "TOML", "URL"}, usage
