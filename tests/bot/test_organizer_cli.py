"""`python -m bot match [--dry] [--mode greedy|optimal]` and `python -m bot export OUT.xlsx`."""

import pytest
from openpyxl import load_workbook
from sqlmodel import select

import builders
from bot.cli import main
from store.db import session_scope
from store.models import AuditLog, Meeting


@pytest.fixture
def database(engine, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    with session_scope(engine) as session:
        builders.fair(session, buyers=3, sellers=3, daily_cap=1)  # its deadline has passed
    return engine


def meetings(engine):
    with session_scope(engine) as session:
        return len(session.exec(select(Meeting)).all())


def test_match_dry_stores_nothing_then_match_stores(database, capsys):
    assert main(["match", "--dry"]) == 0
    out = capsys.readouterr().out
    assert "Matching preview in the greedy mode, nothing stored: 5 meetings, 4 pairs" in out
    assert meetings(database) == 0
    assert main(["match"]) == 0
    out = capsys.readouterr().out.splitlines()
    # the first matching has no timetable to compare with: no "+5 new, −0 dropped"
    assert out[0] == (
        "Matching stored in the greedy mode: 5 meetings, 4 pairs left unscheduled. "
        "Meetings set by hand were kept."
    )
    assert out[1].startswith("Greedy vs optimal")
    assert main(["match"]) == 0
    assert "The automatic meetings are the same as in the stored timetable." in (
        capsys.readouterr().out
    )
    assert meetings(database) == 5
    with session_scope(database) as session:
        assert [a.action for a in session.exec(select(AuditLog))] == ["match", "match"]


def test_match_mode_optimal_prints_both_modes_side_by_side(database, capsys):
    assert main(["match", "--dry", "--mode", "optimal"]) == 0
    out = capsys.readouterr().out
    assert "preview in the optimal mode, nothing stored: 6 meetings, " in out
    assert "Greedy vs optimal (◀ = the mode of this run):" in out
    assert (
        "  • Korean company's request: greedy 4 · optimal 5 ◀ · at most 5 (optimal reaches 100%)"
        in out
    )
    assert meetings(database) == 0
    assert main(["match", "--mode", "optimal"]) == 0
    out = capsys.readouterr().out
    assert "Matching stored in the optimal mode: 6 meetings, " in out
    assert "  • all meetings: greedy 5 · optimal 6 ◀" in out
    assert meetings(database) == 6
    with pytest.raises(SystemExit) as refused:
        main(["match", "--mode", "fastest"])
    assert refused.value.code == 2 and "--mode can't be fastest" in capsys.readouterr().err
    assert meetings(database) == 6


def test_export_writes_the_workbook(database, tmp_path, capsys):
    main(["match"])
    out = tmp_path / "fair.xlsx"
    assert main(["export", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    book = load_workbook(out)
    assert book.sheetnames == ["Schedule", "Participants", "Requests", "Unscheduled"]
    assert book["Schedule"].max_row == 6 and book["Unscheduled"].max_row == 5
    # Whether each participant opened the bot reads as a word, not Excel's TRUE/FALSE.
    opened = {row[11] for row in book["Participants"].iter_rows(min_row=2, values_only=True)}
    assert opened <= {"yes", "no"} and opened


def test_export_results_writes_the_results_workbook(database, tmp_path, capsys):
    main(["match"])
    out = tmp_path / "results.xlsx"
    assert main(["export-results", str(out)]) == 0
    assert f"Wrote the fair's results to {out}." in capsys.readouterr().out
    book = load_workbook(out)
    assert book.sheetnames == ["Overall", "Companies", "Industries", "Countries", "Slots"]
    # The test fair (2024) is over: every meeting held, no outcome given, both sides asked.
    held = meetings(database)
    row = [c.value for c in book["Overall"][2]]
    assert row[:5] == [held, held, 0, 0, 0] and row[-3:] == [0, 2 * held, 0]
    assert main(["export-results", str(tmp_path / "missing" / "r.xlsx")]) == 2


@pytest.mark.parametrize("command", ["export", "export-results"])
def test_a_workbook_named_otherwise_than_xlsx_is_refused(database, tmp_path, capsys, command):
    out = tmp_path / "fair.csv"
    assert main([command, str(out)]) == 2
    assert "must end in .xlsx" in capsys.readouterr().err and not out.exists()
