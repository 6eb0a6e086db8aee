"""The organizers' guide in both languages, linked from the README and from the admin /help
in the reader's language."""

import re
from pathlib import Path

from locales import catalog

ROOT = Path(__file__).parents[2]
GUIDES = {"ko": "docs/organizers.ko.md", "en": "docs/organizers.md"}


def test_the_guide_exists_in_both_languages_and_the_readme_links_both():
    readme = (ROOT / "README.md").read_text("utf-8")
    for path in GUIDES.values():
        assert (ROOT / path).is_file() and f"({path})" in readme


def test_the_admin_help_names_the_guide_in_the_readers_language():
    for language, path in GUIDES.items():
        mentions = {key for key, text in catalog(language).items() if "docs/organizers" in text}
        assert mentions, language
        assert all(path in catalog(language)[key] for key in mentions), language


def test_each_guides_command_table_names_every_admin_command():
    """The organizer looks a command up in the table of their guide: each has them all."""
    from bot.app import FEATURES
    from handlers.feature import admin_commands

    for path in GUIDES.values():
        table = re.findall(r"^\| `/([a-z_]+)", (ROOT / path).read_text("utf-8"), re.MULTILINE)
        assert set(admin_commands(FEATURES)) <= set(table), path
