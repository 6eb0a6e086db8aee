"""Every sentence the bot and the organizer tools show, in Korean and English.

The catalogs are gettext `.po` files, one folder per language (`ko/`, `en/`) and one file per
part of the product (`organizer.po`, `menu.po`, ...), read with Babel and merged. Message ids
are stable keys (`error.applications_closed`); the translations use `{name}` placeholders
filled with `str.format`. Dates and times are formatted per locale by Babel in
the event's time zone.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton, get_timezone
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES = ("ko", "en")
DEFAULT = "ko"
HERE = Path(__file__).parent


def read_catalog(path: Path, language: str) -> dict[str, str]:
    with path.open("rb") as handle:
        po: Catalog = read_po(handle, locale=language)
    return {message.id: message.string for message in po if message.id}


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((HERE / language).glob("*.po")):
        merged.update(read_catalog(path, language))
    return merged


def pick(language: str | None, fallback: str = DEFAULT) -> str:
    """The supported language closest to a Telegram `language_code` such as `en-US`."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else fallback


def t(language: str, key: str, **values: object) -> str:
    text = catalog(pick(language))[key]
    return text.format(**values) if values else text


def tn(language: str, key: str, count: int, **values: object) -> str:
    """A sentence about `count` things: `key.one`, `key.other` (and any other CLDR plural
    category the language has) chosen by Babel's plural rules; `{count}` is filled in."""
    code = pick(language)
    texts = catalog(code)
    form = Locale.parse(code).plural_form(count)
    chosen = f"{key}.{form}" if f"{key}.{form}" in texts else f"{key}.other"
    return texts[chosen].format(count=count, **values)


def day_label(day: date, language: str) -> str:
    """`6월 20일 (목)` / `Thu, Jun 20`."""
    return format_skeleton("MMMEd", datetime.combine(day, time()), locale=pick(language))


def clock(value: time) -> str:
    """Slot times are 24-hour in both languages, as on fair timetables."""
    return f"{value:%H:%M}"


def moment(value: datetime, language: str, timezone: str) -> str:
    """An instant in the event's time zone: `6월 20일 (목) 18:00` / `Thu, Jun 20 18:00`."""
    zone = get_timezone(timezone)
    local = value.astimezone(zone)
    return f"{format_skeleton('yMMMEd', local, locale=pick(language))} {local:%H:%M}"
