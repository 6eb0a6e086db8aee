"""`python -m bot invites`: every participant's personal link, written to a CSV the organizer
sends out. The file is a list of logins (whoever opens a link becomes that participant)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from locales import t
from store.invitations import Invitations
from store.names import company_name
from store.sheets import csv_row

# Telegram usernames: 5-32 letters, digits and underscores, starting with a letter.
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{4,31}")
# What organizers paste: the name, @name, or the bot's link as BotFather and Telegram show it.
LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/([^/?#]+)/?", re.IGNORECASE)


def bot_username(typed: str) -> str | None:
    """The bot's username from `name`, `@name` or `https://t.me/name`; None if it is not one."""
    value = typed.strip()
    link = LINK.fullmatch(value)
    if link:
        value = link.group(1)
    value = value.removeprefix("@")
    return value if USERNAME.fullmatch(value) else None


def write_invites(found: Invitations, path: Path, username: str, language: str) -> int:
    """The file speaks the organizer's language, headers and roles alike (바이어, not buyer)."""
    # Here, not at the top: every other command of bot/cli.py goes without Telegram's package.
    from telegram.helpers import create_deep_linked_url

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(t(language, "cli.invites_header") + "\r\n")
        writer = csv.writer(handle)
        for p in found.participants:
            link = create_deep_linked_url(username, p.invite_token)
            row = [
                p.code,
                t(language, f"role.{p.role.value}"),
                company_name(p, language),  # a buyer may have only an English name
                p.contact_name,
                p.email,
                link,
            ]
            writer.writerow(csv_row(row))
        # Colleagues' links after their company's main contact (who would forward them).
        for p, colleague in found.colleagues:
            link = create_deep_linked_url(username, colleague.invite_token)
            row = [
                p.code,
                t(language, "role.colleague"),
                company_name(p, language),
                p.contact_name,
                p.email,
                link,
            ]
            writer.writerow(csv_row(row))
        # Interpreters' links in the same file: one list of logins for the organizer to send.
        for i in found.interpreters:
            link = create_deep_linked_url(username, i.invite_token)
            row = [i.code, t(language, "role.interpreter"), "", i.name, i.email, link]
            writer.writerow(csv_row(row))
    return len(found.participants) + len(found.colleagues) + len(found.interpreters)
