"""`scripts/run withdraw CODE [--reason TEXT]` and `restore CODE` as a Korean organizer runs
them; and a re-imported file that leaves a row out withdraws nobody."""

import pytest
from sqlmodel import select

import builders
from bot.cli import main
from store.db import session_scope
from store.models import AuditLog, Participant


@pytest.fixture
def korean(database_url, engine, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", company="가나화장품", company_en="Gana Cosmetics")
        builders.participant(session, "S2", company="다라식품")


def active(engine) -> dict[str, bool]:
    with session_scope(engine) as session:
        return {p.code: p.active for p in session.exec(select(Participant)).all()}


def test_withdraw_and_restore_from_the_command_line(korean, engine, capsys):
    assert main(["withdraw", "S1", "--reason", "참가 포기"]) == 0
    out = capsys.readouterr().out
    assert "S1 가나화장품 업체의 참가를 취소했습니다." in out and "실행 중인 봇이" in out
    assert "0건" not in out  # nothing to close or cancel: not reported as zero
    assert active(engine) == {"S1": False, "S2": True}
    assert main(["withdraw", "S1"]) == 2
    assert capsys.readouterr().err.strip() == "S1 업체는 이미 참가가 취소되었습니다."
    assert main(["restore", "s1"]) == 0
    assert "S1 가나화장품 업체의 참가를 복원했습니다." in capsys.readouterr().out
    assert active(engine) == {"S1": True, "S2": True}
    with session_scope(engine) as session:
        audit = [
            (a.action, a.detail) for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        ]
    assert [action for action, _ in audit] == ["withdraw", "restore"]
    assert "참가 포기" in audit[0][1]


def test_a_bad_code_gets_one_sentence_and_changes_nothing(korean, engine, capsys):
    assert main(["withdraw", "S9"]) == 2
    assert capsys.readouterr().err.strip() == "코드 S9에 해당하는 참가업체가 없습니다."
    assert active(engine) == {"S1": True, "S2": True}


def test_a_row_missing_from_a_reimport_withdraws_nobody(korean, engine, tmp_path, capsys):
    path = tmp_path / "참가업체.csv"
    path.write_text("참가번호,구분,회사명,국가,업종\nS2,국내기업,다라식품,한국,식품\n", "utf-8")
    assert main(["import", str(path)]) == 0
    assert active(engine) == {"S1": True, "S2": True}


def test_the_invites_file_leaves_a_withdrawn_participant_out(korean, tmp_path, capsys):
    """A withdrawn participant's link is refused: `invites` does not write it for the organizer
    to send, as it leaves out the colleagues' links of such a company; restored, it is back."""
    assert main(["withdraw", "S1"]) == 0
    invites = tmp_path / "invites.csv"
    assert main(["invites", str(invites), "--bot-username", "BoomBot"]) == 0
    codes = [line.split(",")[0] for line in invites.read_text("utf-8-sig").splitlines()[1:]]
    assert codes == ["S2"]
    assert main(["restore", "S1"]) == 0
    assert main(["invites", str(invites), "--bot-username", "BoomBot"]) == 0
    codes = [line.split(",")[0] for line in invites.read_text("utf-8-sig").splitlines()[1:]]
    assert codes == ["S1", "S2"]
