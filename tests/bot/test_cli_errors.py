"""Every bad file or setting an organizer gives the command line is one sentence in the CLI's
language (DEFAULT_LANGUAGE), exit status 2, no traceback (issue 12, cases 5 and 6)."""

import csv
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

import builders
from bot.cli import main, reach_telegram
from bot.settings import Settings
from fake_telegram import DEFAULT_TOKEN
from store.db import session_scope
from store.models import Event, Participant

ROOT = Path(__file__).parents[2]
KOREAN_CSV = (
    "참가번호,구분,회사명,국가,업종,담당자,직함,이메일,전화번호\r\n"
    "S001,국내기업,한빛화장품,KR,화장품,김민지,과장,kim@hanbit.kr,02-123-4567\r\n"
)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """`python -m bot ...` as an organizer runs it, from `cwd` (not the repository)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_BASE_URL", "ADMIN_IDS")
    }
    environment |= {"DEFAULT_LANGUAGE": "en", "PYTHONPATH": str(ROOT)} | env
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_sentence(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "Unclosed" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def organizers_folder(monkeypatch, tmp_path) -> Path:
    """The command line as an organizer runs it from their own folder, none of its settings
    given: in this process, which is as good as another for errors read before any work
    (starting `python -m bot` costs two seconds of CPU; the tests below still do it where the
    process matters)."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_BASE_URL", "ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    return tmp_path


def said_by(capsys, *args: str) -> str:
    """What `main(args)` says: exit status 2 and one line."""
    try:
        status = main(list(args))
    except SystemExit as exit:
        status = exit.code
    err = capsys.readouterr().err
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_an_unparsable_database_url_names_the_variable(organizers_folder, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "foo")
    said = said_by(capsys, "migrate")
    assert "DATABASE_URL" in said and "sqlite:///" in said


@pytest.mark.parametrize("value", ["ten", "0", "-1", "nan"])
def test_a_telegram_timeout_that_is_no_number_above_zero_names_the_variable(
    value, organizers_folder, monkeypatch, capsys
):
    monkeypatch.setenv("TELEGRAM_TIMEOUT_SECONDS", value)
    said = said_by(capsys, "migrate")
    assert "TELEGRAM_TIMEOUT_SECONDS" in said and "seconds above 0 (e.g. 10)" in said


@pytest.mark.parametrize(
    ("name", "value", "en", "ko"),
    [
        ("DELIVERY_LEASE_SECONDS", "-5", "must be 1 or more", "1 이상이어야 합니다"),
        ("DELIVERY_LEASE_SECONDS", "abc", "must be a whole number", "정수여야 합니다"),
        ("DELIVERY_LEASE_SECONDS", "1.5", "must be a whole number", "정수여야 합니다"),
        ("PAID_BROADCAST_OFFER_SECONDS", "-1", "must be 0 or more", "0 이상이어야 합니다"),
    ],
)
def test_a_number_setting_out_of_its_range_is_told_in_the_command_lines_language(
    name, value, en, ko, organizers_folder, monkeypatch, capsys
):
    """pydantic's own checks (a whole number, a lower bound) in our words: its messages are
    English, on the Korean command line too."""
    monkeypatch.setenv(name, value)
    said = said_by(capsys, "migrate")
    assert name in said and en in said
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    said = said_by(capsys, "migrate")
    assert said.startswith(f"설정 {name} 값이 올바르지 않습니다: {ko}")
    assert "Input should" not in said


def test_a_dot_env_that_is_not_utf8(organizers_folder, capsys):
    (organizers_folder / ".env").write_bytes("TELEGRAM_BOT_TOKEN=토큰\n".encode("cp949"))
    said = said_by(capsys, "migrate")
    assert said == "The .env file is not UTF-8 text: save it again as UTF-8."


def test_a_database_that_cannot_be_opened(organizers_folder, monkeypatch, capsys):
    url = f"sqlite:///{organizers_folder}/no/such/folder/matchbot.db"
    monkeypatch.setenv("DATABASE_URL", url)
    said = said_by(capsys, "migrate")
    assert said.startswith(f"The database {url} can't be opened")
    hidden = f"postgresql://matchbot:secret@127.0.0.1:{closed_port()}/matchbot"
    monkeypatch.setenv("DATABASE_URL", hidden)
    said = said_by(capsys, "migrate")
    assert "can't be opened" in said and "secret" not in said


@pytest.mark.processes
def test_telegram_unreachable_is_one_sentence(tmp_path):
    result = run_cli(
        cwd=tmp_path,
        DATABASE_URL=f"sqlite:///{tmp_path}/matchbot.db",
        TELEGRAM_BOT_TOKEN="123456789:AAvalid-looking-token",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{closed_port()}",
    )
    assert "Telegram can't be reached" in one_sentence(result)


async def test_a_reachable_telegram_passes_the_check(fake):
    settings = Settings(
        _env_file=None,
        telegram_bot_token=DEFAULT_TOKEN,
        telegram_api_base_url=f"http://127.0.0.1:{fake.port}",
    )
    assert await reach_telegram(settings) is None


@pytest.mark.processes
def test_a_korean_excel_csv_imports_from_another_folder(organizers_folder, monkeypatch):
    """CP949 with Korean headers, as Korean Excel saves "CSV (쉼표로 분리)". The event is set
    up through the same entry in this process: only the import is the process under test."""
    folder = organizers_folder / "fair"
    folder.mkdir()
    (folder / "people.csv").write_bytes(KOREAN_CSV.encode("cp949"))
    url = f"sqlite:///{organizers_folder}/matchbot.db"
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["setup-event", str(ROOT / "examples/event.toml")]) == 0
    result = run_cli("import", "people.csv", cwd=folder, DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert "Read people.csv as CP949 (EUC-KR) text." in result.stdout
    assert "Imported: 1 new participant." in result.stdout


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("nowhere.csv", None, "nowhere.csv does not exist."),
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.xlsx is not a readable"),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.csv is not a CSV file"),
        ("people.pdf", b"%PDF-1.4", "people.pdf is neither an Excel workbook"),
    ],
)
def test_bad_import_files_are_one_sentence_naming_the_file(
    database, tmp_path, capsys, name, content, said
):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(str(tmp_path / said))


@pytest.fixture
def database(engine, database_url, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env of the repository
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    with session_scope(engine) as session:
        builders.event(session)
    return engine


def test_an_event_file_typo_is_refused_with_the_close_key(database, tmp_path, capsys):
    event = (ROOT / "examples/event.toml").read_text(encoding="utf-8")
    path = tmp_path / "event.toml"
    path.write_text(event.replace("daily_cap = 8", "dialy_cap = 3"), encoding="utf-8")
    assert main(["setup-event", str(path)]) == 2
    said = capsys.readouterr().err.strip()
    assert said == "There is no setting “dialy_cap”: did you mean “daily_cap”? Nothing was changed."
    with session_scope(database) as session:
        assert session.exec(select(Event)).one().name == "Boom Up Korea 2024"


def test_event_file_errors_are_korean_sentences_in_korean(database, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    path = tmp_path / "event.toml"
    event = (ROOT / "examples/event.toml").read_text(encoding="utf-8")
    fixed_days = event.replace(
        'days = ["today+14", "today+15"]', 'days = ["2030-06-20", "2030-06-21"]'
    )
    deadline = 'deadline = "today+7 18:00"'
    path.write_text(fixed_days.replace(deadline, 'deadline = "soon"'), "utf-8")
    assert main(["setup-event", str(path)]) == 2
    said = capsys.readouterr().err.strip()
    assert said.startswith("“deadline” 설정의 “soon” 값은") and "isoformat" not in said
    path.write_text(fixed_days.replace(deadline, 'deadline = "2030-06-21 09:00"'), "utf-8")
    assert main(["setup-event", str(path)]) == 2
    assert "첫 상담 시각인 2030-06-20 09:00보다 앞서야 합니다" in capsys.readouterr().err


def test_an_export_to_a_missing_folder_is_one_sentence(database, tmp_path, capsys):
    target = tmp_path / "no" / "fair.xlsx"
    assert main(["export", str(target)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"{target} can't be written: check that its folder exists and that you may write there."
    )


def test_invites_quote_formula_like_cells(database, tmp_path, capsys):
    with session_scope(database) as session:
        builders.participant(session, "B1", company='=HYPERLINK("http://evil.example","x")')
        builders.participant(session, "S1", company="-Seoul", contact_name="@lee")
    target = tmp_path / "invites.csv"
    assert main(["invites", str(target), "--bot-username", "fair_bot"]) == 0
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines()))
    companies = {row[0]: (row[2], row[3]) for row in rows[1:]}
    assert companies["B1"] == ('\'=HYPERLINK("http://evil.example","x")', "")
    assert companies["S1"] == ("'-Seoul", "'@lee")
    with session_scope(database) as session:
        assert len(session.exec(select(Participant)).all()) == 2
