"""`scripts/run` from another folder: the caller's relative paths, `.env` and default
database are that folder's, never the repository's."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).parents[2]


pytestmark = pytest.mark.processes


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEFAULT_LANGUAGE"}}
    return subprocess.run(
        [str(ROOT / "scripts" / "run"), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_relative_paths_env_and_database_are_the_callers(tmp_path, monkeypatch, capsys):
    """One process reads the caller's `.env`, finds the event in the caller's `matchbot.db`
    and writes to a path relative to the caller's folder. The event is set up through the same
    entry in this process (a process costs 1.5 s of CPU), in the caller's folder too."""
    (tmp_path / ".env").write_text("DEFAULT_LANGUAGE=en\n")
    (tmp_path / "fair.toml").write_text((ROOT / "examples" / "event.toml").read_text("utf-8"))
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "DEFAULT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    assert main(["setup-event", "fair.toml"]) == 0
    assert "is set up" in capsys.readouterr().out  # English, from the caller's .env
    assert (tmp_path / "matchbot.db").exists()
    written = run(tmp_path, "export-instance", "out.json")
    assert written.returncode == 0, written.stderr
    assert "Wrote the event" in written.stdout  # English, from the caller's .env
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))["format"] == "matchbot-instance/1"
    assert not (ROOT / "out.json").exists()


def test_output_piped_into_a_reader_that_quits_early_ends_without_a_traceback(
    tmp_path, monkeypatch
):
    """`scripts/run import list.csv --dry-run | head -1`: the reader is gone before the report
    is written (closed here before the bot even starts); the tool ends without a traceback.
    The event is set up through the same entry in this process (a process costs 1.5 s of CPU):
    only the import is the process under test."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEFAULT_LANGUAGE"}}
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert main(["setup-event", str(ROOT / "examples" / "event.toml")]) == 0
    assert (tmp_path / "matchbot.db").exists()  # where the process below looks by default
    reader, writer = os.pipe()
    os.close(reader)
    try:
        piped = subprocess.run(
            [str(ROOT / "scripts" / "run"), "import", str(ROOT / "examples" / "participants.csv")],
            cwd=tmp_path,
            env=env,
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in piped.stderr and "BrokenPipeError" not in piped.stderr
    assert piped.returncode == 1
