"""A KOTRA-style participant list as organizers have it, imported through the command line in
Korean: the workbook, the same list saved by Korean Excel as CSV (CP949), and that CSV opened
and saved by LibreOffice (`soffice --headless --convert-to xlsx`), which turns 01023456789
into the number 1023456789. Each has a title row and an empty row above the headers 순번,
구분(바이어/국내기업), 회사명, 회사명(영문), 담당자, 직위, 이메일, 휴대폰 번호, 국가, 관심품목/산업,
부스번호, 비고, notes in 비고 and an empty row between buyers and Korean companies. The files
were written by openpyxl and LibreOffice Calc 7.4; they are data, not made by the test."""

from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from store.db import session_scope
from store.models import Participant, Role

DATA = Path(__file__).parent / "data"
LISTS = ("kotra-list.xlsx", "kotra-list.csv", "kotra-list-libreoffice.xlsx")


@pytest.fixture
def korean(database_url, monkeypatch, engine):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    assert main(["setup-event", str(Path(__file__).parents[2] / "examples" / "event.toml")]) == 0


def people(engine) -> dict[str, Participant]:
    with session_scope(engine) as session:
        return {p.code: p for p in session.exec(select(Participant)).all()}


@pytest.mark.parametrize("name", LISTS)
def test_the_list_imports_whole_and_names_its_slips(korean, engine, capsys, name):
    capsys.readouterr()
    assert main(["import", str(DATA / name)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "가져왔습니다: 새 참가업체 11곳." in out
    stored = people(engine)
    assert stored["1"].role == Role.buyer and stored["1"].country == "US"
    assert (stored["5"].company, stored["5"].country) == ("(주)한빛코스메틱", "KR")  # no 국가
    assert (stored["3"].industry, stored["7"].industry) == ("auto-parts", "auto-parts")
    assert stored["6"].phone == "010-2345-6789"
    assert stored["5"].contact_title == "과장"
    assert stored["5"].company_en == "Hanbit Cosmetic Co., Ltd."
    assert "6행: 업종 “자동차부품” 값을 ‘자동차 부품’ 업종으로 읽었습니다." in out
    assert "15행: 업종 “전기전자” 값을 ‘전기·전자’ 업종으로 읽었습니다." in out
    assert "12행: 국가 “Korea” 값을 대한민국(KR) 국가로 읽었습니다." in out
    assert "7행: 바이어 4에게 부스번호가 없어 상담 장소가 정해지지 않습니다." in " ".join(out)
    assert any(
        line.startswith("이메일 주소 minji@hanbit.co.kr이 참가업체 여러 곳(5, 8)") for line in out
    )
    lost_zero = "10행: 휴대폰 번호 “1023456789”에서 맨 앞의 0이 빠진 것으로 보여"
    assert any(line.startswith(lost_zero) for line in out) == (name != "kotra-list.csv")


def test_the_same_list_in_another_format_changes_nothing(korean, engine, capsys):
    assert main(["import", str(DATA / LISTS[0])]) == 0
    for name in LISTS[1:]:
        capsys.readouterr()
        assert main(["import", str(DATA / name), "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert ": 그대로인 참가업체 11곳." in out
