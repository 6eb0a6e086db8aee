"""docs/icons.md's table of icons is the one heading both core catalogs, row for row."""

from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


def rows(text: str, prefix: str = "") -> list[str]:
    return [
        line.removeprefix(prefix).strip()
        for line in text.splitlines()
        if line.startswith(prefix + "|") and not line.startswith(prefix + "|---")
    ]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_catalogs_icon_table_is_docs_icons_md(language):
    table = rows((ROOT / "docs" / "icons.md").read_text(encoding="utf-8"))
    heading = (ROOT / "locales" / language / "core.po").read_text(encoding="utf-8")
    assert len(table) > 20
    assert rows(heading, "#   ") == table
