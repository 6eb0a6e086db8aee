"""A hybrid fair's lists as organizers have them, imported through the command line in Korean:
the participants with 참가형태 (현장/온라인), 통역 언어 (일본어, 스페인어, 중국어) and 표준 시간대
(도쿄, America/Mexico_City, UTC+1, UTC+9), and the interpreters, each saved by Korean Excel as
CSV (CP949) and that CSV opened and saved by LibreOffice Calc 7.4 (`soffice --headless
--infilter=CSV:44,34,62,1 --convert-to xlsx`, 62 being CP949), which turns 01034567890 into
the number 1034567890 and the 신청일 column into dates. Each list has a title row and an empty
row above its headers. The files are data, not made by the test."""

from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from store.db import session_scope
from store.models import Attendance, AuditLog, Interpreter, Participant

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]


@pytest.fixture
def korean(database_url, monkeypatch, engine, tmp_path):
    """The example event with a video link: online participants need one."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    text = (ROOT / "examples" / "event.toml").read_text(encoding="utf-8")
    event = tmp_path / "event.toml"
    event.write_text(text + '\nvideo_link = "https://meet.jit.si/BoomUpKorea-{room}"\n', "utf-8")
    assert main(["setup-event", str(event)]) == 0


def stored(engine, model) -> dict:
    with session_scope(engine) as session:
        return {row.code: row for row in session.exec(select(model)).all()}


@pytest.mark.parametrize("name", ["hybrid-list.csv", "hybrid-list-libreoffice.xlsx"])
def test_the_hybrid_participant_list_previews_then_imports(korean, engine, capsys, name):
    capsys.readouterr()
    assert main(["import", str(DATA / name), "--dry-run"]) == 0
    preview = "미리 보기입니다(아무것도 저장하지 않았습니다): 새 참가업체 8곳."
    assert preview in capsys.readouterr().out
    assert stored(engine, Participant) == {}
    assert main(["import", str(DATA / name)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "가져왔습니다: 새 참가업체 8곳." in out
    assert "4행: 표준 시간대 “도쿄” 값을 Asia/Tokyo 표준 시간대로 읽었습니다." in out
    assert any("“신청일”" in line for line in out)  # a column it does not read, named
    people = stored(engine, Participant)
    hybrid = {
        code: (p.attendance, p.interpreter_language, p.timezone, p.booth)
        for code, p in people.items()
    }
    online, onsite = Attendance.online, Attendance.onsite
    assert hybrid == {
        "1": (online, "ja", "Asia/Tokyo", None),
        "2": (online, "es", "America/Mexico_City", None),
        "3": (onsite, "zh", None, "A-03"),
        "4": (online, "es", "Etc/GMT-1", None),  # UTC+1, as written
        "5": (onsite, "ja", "Etc/GMT-9", "A-05"),
        "6": (onsite, None, None, None),
        "7": (online, None, None, None),
        "8": (onsite, None, None, None),
    }
    assert people["1"].company_en == "Tokyo Beauty K.K." and people["1"].country == "JP"
    assert people["2"].country == "MX" and people["6"].company == "(주)한빛코스메틱"
    assert people["7"].phone == "010-3456-7890"  # LibreOffice's number 1034567890 too
    assert people["6"].phone == "010-2345-6789" and people["1"].phone == "+81 90 1234 5678"


def test_the_list_in_the_other_format_changes_nothing(korean, engine, capsys):
    assert main(["import", str(DATA / "hybrid-list.csv")]) == 0
    capsys.readouterr()
    assert main(["import", str(DATA / "hybrid-list-libreoffice.xlsx"), "--dry-run"]) == 0
    assert ": 그대로인 참가업체 8곳." in capsys.readouterr().out


@pytest.mark.parametrize("name", ["interpreters.csv", "interpreters-libreoffice.xlsx"])
def test_the_interpreter_list_previews_then_imports_under_its_title_row(
    korean, engine, capsys, name
):
    capsys.readouterr()
    assert main(["interpreters", str(DATA / name), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "통역원 명단 미리 보기입니다(아무것도 저장하지 않았습니다): 새 통역원 3명." in out
    assert stored(engine, Interpreter) == {}
    assert main(["interpreters", str(DATA / name)]) == 0
    out = capsys.readouterr().out
    assert "통역원 명단을 가져왔습니다: 새 통역원 3명." in out
    lost_zero = "5행: 휴대폰 번호 “1022223333”에서 맨 앞의 0이 빠진 것으로 보여"
    assert (lost_zero in out) == name.endswith(".xlsx")
    people = {
        code: (i.name, i.languages, i.attendance, i.phone)
        for code, i in stored(engine, Interpreter).items()
    }
    assert people == {
        "I01": ("김하나", "ja", Attendance.onsite, "010-1111-2222"),
        "I02": ("이두리", "es,en", Attendance.online, "010-2222-3333"),
        "I03": ("박세진", "zh,ja", Attendance.onsite, "010-3333-4444"),
    }
    assert main(["interpreters", str(DATA / name)]) == 0
    assert "통역원 명단을 가져왔습니다: 그대로인 통역원 3명." in capsys.readouterr().out
    with session_scope(engine) as session:
        audit = session.exec(
            select(AuditLog).where(AuditLog.action == "interpreters_import").order_by(AuditLog.id)
        )
        assert [a.detail for a in audit] == [
            '{"created": 3, "updated": 0}',
            '{"created": 0, "updated": 0}',
        ]


def test_a_list_converted_without_its_korean_character_set_is_refused_saying_so(
    korean, engine, capsys
):
    """`soffice --headless --convert-to xlsx` without the filter's character set reads a CP949
    CSV as Western text: every Korean word comes out as Latin letters (hybrid-list-garbled.xlsx
    is that conversion of hybrid-list.csv). One sentence says so instead of "no headers"."""
    assert main(["import", str(DATA / "hybrid-list-garbled.xlsx"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "hybrid-list-garbled.xlsx 파일의 한글이 깨져 있습니다(예: “¼ø¹ø” → “순번”)" in err
    assert "문자 집합을 한국어(CP949)로 골라 다시 변환해 주세요" in err
    assert stored(engine, Participant) == {}


def test_a_utf8_list_converted_as_western_text_is_refused_saying_so(korean, engine, capsys):
    """The same conversion of a CSV saved as UTF-8 ("CSV UTF-8", hybrid-list-utf8-garbled.xlsx
    is `soffice --headless --convert-to xlsx` of hybrid-list.csv re-saved as UTF-8): LibreOffice
    reads its bytes as Windows-1252, the ones that code leaves undefined as private characters.
    One sentence names UTF-8 and its filter instead of "no headers"."""
    assert main(["import", str(DATA / "hybrid-list-utf8-garbled.xlsx"), "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert "hybrid-list-utf8-garbled.xlsx 파일의 한글이 깨져 있습니다(예: “ìˆœë²ˆ” → “순번”)" in err
    assert "UTF-8로 저장된 CSV를" in err
    assert "문자 집합을 유니코드(UTF-8)로 골라 다시 변환해 주세요" in err
    assert stored(engine, Participant) == {}
