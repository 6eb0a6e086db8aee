"""The organizer's first commands as the README has them: setup-event with the example, a
deadline already past, invites with the bot's username in any usual form."""

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

import builders
from bot.cli import main
from bot.invites import bot_username
from store.colleagues import invite, join_colleague, revoke
from store.db import session_scope
from store.models import Event, Phase, utcnow

ROOT = Path(__file__).parents[2]


@pytest.fixture
def settings(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")


def event_file(tmp_path: Path, deadline: str) -> Path:
    text = (ROOT / "examples" / "event.toml").read_text(encoding="utf-8")
    path = tmp_path / "event.toml"
    path.write_text(text.replace('deadline = "today+7 18:00"', f'deadline = "{deadline}"'))
    return path


def test_the_example_event_opens_applications_whatever_today_is(settings, engine, capsys):
    assert main(["setup-event", str(ROOT / "examples" / "event.toml")]) == 0
    assert "requests close" in capsys.readouterr().out
    with session_scope(engine) as session:
        event = session.exec(select(Event)).one()
    assert event.phase == Phase.open
    assert timedelta(days=6) < event.deadline - utcnow() < timedelta(days=8)


def test_a_deadline_already_past_is_refused(settings, engine, tmp_path, capsys):
    assert main(["setup-event", str(event_file(tmp_path, "2024-06-10 18:00"))]) == 2
    err = capsys.readouterr().err
    assert "The deadline 2024-06-10 18:00+09:00 has already passed" in err
    with session_scope(engine) as session:
        assert session.exec(select(Event)).first() is None


def test_once_closed_the_event_file_does_not_move_the_deadline(settings, engine, tmp_path, capsys):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)  # its deadline (2024) has passed
    later = (utcnow() + timedelta(days=10)).strftime("%Y-%m-%d %H:%M")  # before the fair's days
    assert main(["setup-event", str(event_file(tmp_path, later))]) == 2
    assert "/deadline YYYY-MM-DD HH:MM in the bot" in capsys.readouterr().err
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().deadline == builders.DEADLINE


@pytest.mark.parametrize(
    "typed",
    [
        "test_bot",
        "@test_bot",
        "https://t.me/test_bot",
        "t.me/test_bot/",
        "http://telegram.me/test_bot",
    ],
)
def test_the_bot_username_is_taken_in_every_usual_form(typed):
    assert bot_username(typed) == "test_bot"


@pytest.mark.parametrize("typed", ["", "@", "https://t.me/", "my bot", "https://example.com/x_bot"])
def test_what_is_no_username_is_refused(typed):
    assert bot_username(typed) is None


def test_invites_write_working_links_and_warn_that_the_file_is_secret(
    settings, engine, tmp_path, capsys
):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    out = tmp_path / "invites.csv"
    assert main(["invites", str(out), "--bot-username", "https://t.me/test_bot"]) == 0
    printed = capsys.readouterr().out
    assert str(out.resolve()) in printed and "Keep this file secret" in printed
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [row[-1].split("?start=")[0] for row in rows[1:]] == ["https://t.me/test_bot"] * 2
    assert main(["invites", str(out), "--bot-username", "https://example.com/"]) == 2
    assert "is not a bot username" in capsys.readouterr().err


def test_invites_name_the_roles_in_the_organizers_language(
    settings, engine, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    out = tmp_path / "invites.csv"
    assert main(["invites", str(out), "--bot-username", "test_bot"]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0][:2] == ["코드", "구분"]
    assert sorted(row[1] for row in rows[1:]) == ["국내기업", "바이어"]


def test_invite_files_are_ignored_by_git():
    assert "invites*.csv" in (ROOT / ".gitignore").read_text().splitlines()


def test_match_speaks_of_the_command_line_not_of_bot_commands(settings, engine, capsys):
    with session_scope(engine) as session:
        builders.fair(session, buyers=2, sellers=2)
        session.exec(select(Event)).one().deadline = utcnow() + timedelta(days=1)  # still open
    assert main(["match"]) == 2
    err = capsys.readouterr().err
    assert "“match --dry”" in err and "/match dry" not in err
    assert main(["match", "--dry"]) == 0
    out = capsys.readouterr().out
    assert "Greedy vs optimal (◀ = the mode of this run):" in out
    assert "schedule above" not in out


def test_invites_carry_the_colleague_links_nobody_opened_yet(
    settings, engine, tmp_path, monkeypatch
):
    """The organizer can send a colleague's link again (to the main contact, who forwards it);
    a link already opened or revoked is no login to send."""
    monkeypatch.setenv("DEFAULT_LANGUAGE", "ko")
    now = utcnow()
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
        seller = builders.participant(session, "S9", company="한빛화장품", contact_name="김민지")
        waiting = invite(session, seller.id, 1, now)
        joined = invite(session, seller.id, 1, now)
        join_colleague(session, joined.invite_token, 5001, "Park", "ko", now)
        revoke(session, seller.id, invite(session, seller.id, 1, now).id, 1, now)
    out = tmp_path / "invites.csv"
    assert main(["invites", str(out), "--bot-username", "test_bot"]) == 0
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    colleagues = [row for row in rows if row[1] == "동료"]
    link = f"https://t.me/test_bot?start={waiting.invite_token}"
    assert colleagues == [["S9", "동료", "한빛화장품", "김민지", "", link]]
