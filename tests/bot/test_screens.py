"""docs/screens.ko.md and docs/screens.en.md show what the bot shows now: each is written again
from the real bot and compared, so a change of wording shows up as a diff of these files."""

import difflib
from pathlib import Path

import pytest
from conftest import POSTGRES_URL

from bot.screens import COMMAND, path, write_book


@pytest.mark.slow
@pytest.mark.usefixtures("fake_pace")  # the book's bot runs against the fake server
@pytest.mark.parametrize("language", ["ko", "en"])
async def test_the_screen_files_are_current(language, database_template):
    # The book's SQLite database starts as a copy of the run's migrated template (0.3 s of CPU
    # less); on a PostgreSQL run the template is a PostgreSQL one, and the book's is migrated.
    written = await write_book(language, None if POSTGRES_URL else Path(database_template))
    committed = path(language).read_text(encoding="utf-8")
    if written != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), written.splitlines(), "committed", "now", lineterm=""
        )
        shown = "\n".join(list(diff)[:60])
        name = path(language).name
        pytest.fail(f"{name} is out of date: run `{COMMAND}` and commit it.\n{shown}")
