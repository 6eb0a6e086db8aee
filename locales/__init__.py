"""Every sentence the bot and the organizer tools show, in Korean and English.

The catalogs are gettext `.po` files, one folder per language (`ko/`, `en/`) and one file per
part of the product (`organizer.po`, `menu.po`, ...), read with Babel and merged. Message ids
are stable keys (`error.applications_closed`); the translations use `{name}` placeholders
filled with `str.format`, where a Korean particle after a value is a format spec (`{label:을}`,
see `particles.py`). Counted texts come in CLDR plural forms (`key.one`, `key.other`; Korean
has only `other`), chosen by `tn`. Dates and times are formatted per locale by Babel in the
event's time zone, countries and time zones named by Babel's CLDR data, industries by the
catalogs (`industry.<slug>`).
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from babel.core import Locale
from babel.dates import format_skeleton, get_timezone, get_timezone_location, get_timezone_name
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from locales.particles import FORMATTER, PAIRS

V = TypeVar("V")
LANGUAGES = ("ko", "en")
DEFAULT = "ko"
HERE = Path(__file__).parent


def read_catalog(path: Path, language: str) -> dict[str, str]:
    with path.open("rb") as handle:
        po: Catalog = read_po(handle, locale=language)
    return {message.id: message.string for message in po if message.id}


# The catalogs as last read, one file per language: Babel reads the .po files of a language in
# 40-60 ms of CPU, in every process that speaks (each bot start, each organizer command, each
# test worker); this copy loads in about a millisecond. Like Python's bytecode cache it is
# checked against the files' names, sizes and modification times, written again when they
# differ, and never needed: where it cannot be written, the .po files are read every time.
CACHE = HERE / "__pycache__"


@cache
def catalog(language: str) -> dict[str, str]:
    paths = sorted((HERE / language).glob("*.po"))
    stamp = [(path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in paths]
    copy = CACHE / f"catalog-{language}.marshal"
    try:
        copied, merged = marshal.loads(copy.read_bytes())
        if copied == stamp:
            return merged
    except (OSError, EOFError, ValueError, TypeError):
        pass  # none yet, or not a copy this code wrote
    merged = {}
    for path in paths:
        merged.update(read_catalog(path, language))
    _keep(copy, marshal.dumps((stamp, merged)))
    return merged


def _keep(path: Path, data: bytes) -> None:
    """Writes `data` to `path` whole (another process may be reading it), or not at all."""
    try:
        path.parent.mkdir(exist_ok=True)
        written = path.with_name(f"{path.name}.{os.getpid()}")
        written.write_bytes(data)
        os.replace(written, path)
    except OSError:
        pass  # a read-only installation: the .po files are read next time too


@cache
def _locale(language: str) -> Locale:
    """Babel's data for a language, parsed once (`Locale.parse` builds a new one per call)."""
    return Locale.parse(language)


def pick(language: str | None, fallback: str = DEFAULT) -> str:
    """The supported language closest to a Telegram `language_code` such as `en-US`."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGES else fallback


@cache
def _has_particles(text: str) -> bool:
    return any(spec in PAIRS for _, _, spec, _ in FORMATTER.parse(text) if spec)


def t(language: str, key: str, **values: object) -> str:
    text = catalog(pick(language))[key]
    if not values:
        return text
    # str.format is several times faster than a string.Formatter: a timetable picture and
    # caption fill a few hundred texts, thousands of times in an announcement.
    return FORMATTER.format(text, **values) if _has_particles(text) else text.format(**values)


def tn(language: str, key: str, count: int, **values: object) -> str:
    """A counted text in the plural form the language uses for `count` (CLDR rules via Babel):
    `key.one` / `key.other` in English ("1 meeting", "3 meetings"), `key.other` in Korean.
    `count` is also a placeholder."""
    language = pick(language)
    form = _locale(language).plural_form(count)
    texts = catalog(language)
    chosen = f"{key}.{form}" if f"{key}.{form}" in texts else f"{key}.other"
    return t(language, chosen, count=count, **values)


def ordinal(language: str, number: int) -> str:
    """A rank as the language writes it (CLDR ordinal rules via Babel): 1순위; 1st, 2nd, 3rd,
    4th. Catalog keys `ordinal.one|two|few|other`, `ordinal.other` in Korean."""
    language = pick(language)
    form = _locale(language).ordinal_form(number)
    texts = catalog(language)
    chosen = f"ordinal.{form}" if f"ordinal.{form}" in texts else "ordinal.other"
    return t(language, chosen, number=number)


INDUSTRY = "industry."


def industry_name(language: str, slug: str) -> str:
    """An industry in the user's language (`cosmetics` -> 화장품 / Cosmetics); a slug the
    catalogs do not know is shown as the organizer wrote it."""
    return catalog(pick(language)).get(INDUSTRY + slug, slug)


@cache
def industries() -> tuple[str, ...]:
    """The slug of every industry the catalogs name, in order."""
    return tuple(sorted(k[len(INDUSTRY) :] for k in catalog(DEFAULT) if k.startswith(INDUSTRY)))


def industry_list(language: str) -> str:
    """Every industry the catalogs name, in `language` and its order (`name_key`: 가나다),
    as the Find filter lists them."""
    names = (industry_name(language, slug) for slug in industries())
    return ", ".join(sorted(names, key=lambda name: name_key(language, name)))


def country_name(language: str, code: str) -> str:
    """A country from its ISO code, by CLDR (US -> 미국 / United States); anything else as
    written."""
    return _locale(pick(language)).territories.get(code.upper(), code)


@cache
def countries() -> tuple[str, ...]:
    """The ISO code of every country CLDR names (US, KR); regions (three digits) left out."""
    return tuple(code for code in _locale(DEFAULT).territories if code.isalpha())


def zone_name(language: str, timezone: str) -> str:
    """A time zone as people say it (Asia/Seoul -> 한국 시간 / Korean time (KST)); UTC stays UTC,
    which CLDR would call an "unknown region". English adds the zone's letters where it has
    some (KST, CET; its standard time's), as English readers know zones by them."""
    if timezone.startswith("Etc/GMT") and timezone[7:8] in "+-" and timezone[8:]:
        return f"UTC{'+' if timezone[7] == '-' else '-'}{timezone[8:]}"  # POSIX's sign
    if timezone in {"UTC", "GMT"} or timezone.startswith("Etc/"):
        return "UTC"
    zone = get_timezone(timezone)
    name = get_timezone_name(zone, "long", locale=pick(language), zone_variant="generic")
    if pick(language) != "en":
        return name
    name = name.removesuffix(" Time") + " time" if name.endswith(" Time") else name
    letters = datetime(2001, 1, 15, tzinfo=zone).tzname() or ""
    return f"{name} ({letters})" if letters.isalpha() else name


def time_left(language: str, left: timedelta) -> str:
    """`in 1 minute`, `in 45 minutes`, `in 1 hour`, `in 24 hours` / `1분 후`, `24시간 후`:
    minutes under an hour, else whole hours, each rounded to the nearest."""
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes < 60:
        return tn(language, "time.in_minutes", minutes)
    return tn(language, "time.in_hours", round(minutes / 60))


def day_label(day: date, language: str) -> str:
    """`6월 20일 (목)` / `Thu, Jun 20`."""
    return _day_text("MMMEd", day, pick(language))


@lru_cache(maxsize=4096)
def _day_text(skeleton: str, day: date, language: str) -> str:
    """A day written by a CLDR skeleton of date fields only. Babel takes about 15 µs a call
    and the same few days recur on every screen (a list's send dates, the fair's days), so
    each is formatted once."""
    return format_skeleton(skeleton, datetime.combine(day, time()), locale=language)


def clock(value: time) -> str:
    """Slot times are 24-hour in both languages, as on fair timetables."""
    return f"{value:%H:%M}"


def time_span(language: str, start: time, end: time) -> str:
    """`09:00~09:30` / `09:00–09:30`."""
    return t(language, "time.span", start=clock(start), end=clock(end))


def language_name(language: str, code: str) -> str:
    """A language by its code, in the reader's language (ja -> 일본어 / Japanese)."""
    return _locale(pick(language)).languages.get(code, code)


def zone_city(language: str, timezone: str) -> str:
    """The city a zone is named for (Asia/Seoul -> 서울 / Seoul)."""
    return get_timezone_location(get_timezone(timezone), locale=pick(language), return_city=True)


def zone_label(language: str, timezone: str, day: date) -> str:
    """A zone to choose among others: its city and its offset on `day` (`뉴욕 (UTC-4)`,
    `Kolkata (UTC+5:30)`); a bare offset's zone as the offset (`UTC+9`)."""
    if timezone in {"UTC", "GMT"} or timezone.startswith("Etc/"):
        return zone_name(language, timezone)
    offset = datetime.combine(day, time(12), get_timezone(timezone)).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    shown = "UTC" if not minutes else f"UTC{'+' if minutes > 0 else '-'}{hours}"
    shown += f":{rest:02}" if rest else ""
    return f"{zone_city(language, timezone)} ({shown})"


def reader_span(
    language: str,
    start: datetime,
    end: datetime,
    reader_zone: str,
    event_zone: str,
    day: bool = True,
) -> str:
    """A slot as its reader lives it: in the fair's time (`09:00~09:30`), or for a reader in
    another zone in theirs, with the day where it is not the fair's and the fair's time beside
    it (`6월 19일 (수) 20:00~20:30 (서울 09:00)` / `Wed, Jun 19 20:00–20:30 (Seoul 09:00)`);
    `day=False` leaves the day out, for a text that shows it already."""
    zone = get_timezone(reader_zone or event_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if local_start.replace(tzinfo=None) == start.replace(tzinfo=None):
        return time_span(language, start.time(), end.time())
    local = time_span(language, local_start.time(), local_end.time())
    if day and local_start.date() != start.date():
        local = f"{day_label(local_start.date(), language)} {local}"
    return _with_event(language, local, event_zone, start)


def _with_event(language: str, local: str, event_zone: str, at: datetime) -> str:
    """The reader's time with the fair's beside it: `20:00–20:30 (Seoul 09:00)`."""
    fair = at.astimezone(get_timezone(event_zone))
    city = zone_city(language, event_zone)
    return t(language, "time.with_event", local=local, city=city, time=clock(fair.time()))


def moment(
    value: datetime,
    language: str,
    timezone: str,
    year: bool | None = None,
    reader_zone: str = "",
) -> str:
    """An instant in the event's time zone: `6월 20일 (목) 18:00` / `Thu, Jun 20 18:00`, with
    the year (`2024년 6월 20일 (목) 18:00`) only when it is not this year, or when `year` says
    so; buttons pass `year=False`. A reader in another zone (an online participant) reads it
    in theirs with the fair's time beside it, as `reader_span` writes a slot:
    `Wed, Jun 19 20:00 (Seoul 09:00)`."""
    zone = get_timezone(reader_zone or timezone)
    local = value.astimezone(zone)
    if year is None:
        year = local.year != datetime.now(zone).year
    skeleton = "yMMMEd" if year else "MMMEd"
    shown = f"{_day_text(skeleton, local.date(), pick(language))} {local:%H:%M}"
    if local.replace(tzinfo=None) == value.astimezone(get_timezone(timezone)).replace(tzinfo=None):
        return shown
    return _with_event(language, shown, timezone, value)


def day_time(value: datetime, language: str, timezone: str) -> str:
    """An instant for a button or a list, short and without the weekday, in the event's time
    zone: `6월 1일 09:00` / `Jun 1, 09:00`."""
    local = value.astimezone(get_timezone(timezone))
    day = _day_text("MMMd", local.date(), pick(language))
    return t(language, "time.day_time", day=day, time=f"{local:%H:%M}")


def shown(language: str, field: str, value: str) -> str:
    """A participant's field as people read it: countries and industries by name in the
    user's language, anything else as stored."""
    if field == "country":
        return country_name(language, value)
    if field == "industry":
        return industry_name(language, value)
    return value


def name_key(language: str, name: str) -> tuple[bool, str]:
    """Where a name goes in a list in `language`: Korean in 가나다 order (Hangul syllables'
    code points are in that order), names in Hangul before those in other letters (IT·소프트웨어
    after 화장품), as Korean lists put them; English alphabetical; case aside."""
    folded = name.casefold()
    return pick(language) == "ko" and not "가" <= folded[:1] <= "힣", folded


def by_name(
    language: str,
    field: str,
    groups: Mapping[str, V],
    first: Callable[[V], bool] = lambda _: False,
) -> list[tuple[str, V]]:
    """`groups` (industries or countries, each with its figure) in the order of the names
    `language` shows for them (`shown`, `name_key`), those `first` picks before the others;
    a group with no value ("") last."""
    return sorted(
        groups.items(),
        key=lambda group: (
            not first(group[1]),
            not group[0],
            name_key(language, shown(language, field, group[0])),
        ),
    )
