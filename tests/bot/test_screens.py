"""docs/screens.ko.md and docs/screens.en.md show what the bot shows now: each is written again
from the real bot and compared, so a change of wording shows up as a diff of these files."""

import difflib

import pytest

from bot.screens import COMMAND, path, write_book


@pytest.mark.slow
@pytest.mark.usefixtures("fake_pace")  # the book's bot runs against the fake server
@pytest.mark.parametrize("language", ["ko", "en"])
async def test_the_screen_files_are_current(language):
    written = await write_book(language)
    committed = path(language).read_text(encoding="utf-8")
    if written != committed:
        diff = difflib.unified_diff(
            committed.splitlines(), written.splitlines(), "committed", "now", lineterm=""
        )
        shown = "\n".join(list(diff)[:60])
        name = path(language).name
        pytest.fail(f"{name} is out of date: run `{COMMAND}` and commit it.\n{shown}")
