"""The time zone a participant reads times in.

On site, everyone reads the fair's own time. An online participant reads their own: the zone
they chose in their profile, else their country's. A country with one zone has it (CLDR's
territory zones, through Babel); one that spans several gets its capital's, from the table
below, so a buyer from the United States reads Washington's time, not Adak's.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from babel.core import get_global
from babel.dates import get_timezone_location

from store.models import Attendance, Participant

CAPITALS = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "CY": "Asia/Nicosia",
    "DE": "Europe/Berlin",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "FM": "Pacific/Pohnpei",
    "GL": "America/Nuuk",
    "ID": "Asia/Jakarta",
    "KI": "Pacific/Tarawa",
    "KZ": "Asia/Almaty",
    "MH": "Pacific/Majuro",
    "MN": "Asia/Ulaanbaatar",
    "MX": "America/Mexico_City",
    "MY": "Asia/Kuala_Lumpur",
    "NZ": "Pacific/Auckland",
    "PF": "Pacific/Tahiti",
    "PG": "Pacific/Port_Moresby",
    "PS": "Asia/Hebron",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "UM": "Pacific/Wake",
    "US": "America/New_York",
    "UZ": "Asia/Tashkent",
}


def country_zones(country: str) -> list[str]:
    """Every zone of a country (ISO code), its capital's first; [] for a code CLDR lacks."""
    zones = list(get_global("territory_zones").get(country.upper(), ()))
    capital = CAPITALS.get(country.upper())
    if capital in zones:
        zones.remove(capital)
        zones.insert(0, capital)
    return zones


def country_zone(country: str) -> str | None:
    zones = country_zones(country)
    return zones[0] if zones else None


def own_zone(participant: Participant) -> str:
    """The zone an online participant reads times in; "" on site (the fair's own)."""
    if participant.attendance != Attendance.online:
        return ""
    return participant.timezone or country_zone(participant.country) or ""


def zone_of(participant: Participant, event_zone: str) -> str:
    """The zone `participant` reads times in."""
    return own_zone(participant) or event_zone


# A UTC offset as organizers write it: `UTC+9`, `GMT-5`, `+09:00`, `UTC+5:30`.
OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


@cache
def _zones_by_city() -> dict[str, str]:
    """Each city a zone is named for, in English and Korean (`New York`, `뉴욕`, `New_York`),
    to its zone; a name two zones share is left out rather than guessed."""
    aliases = get_global("zone_aliases")
    found: dict[str, set[str]] = {}
    for zone in available_timezones():
        if "/" not in zone or zone.startswith(("Etc/", "SystemV/", "US/")):
            continue
        canonical = aliases.get(zone, zone)
        names = {zone.rsplit("/", 1)[-1].replace("_", " ")}
        for language in ("en", "ko"):
            names.add(get_timezone_location(canonical, locale=language, return_city=True))
        for name in names:
            found.setdefault(_key(name), set()).add(canonical)
    return {name: zones.pop() for name, zones in found.items() if len(zones) == 1}


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


@cache
def _zone_names() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


def parse_zone(text: str) -> tuple[str, bool] | None:
    """The zone an organizer's cell names, and whether it was read from a city's name: an IANA
    name (`Asia/Tokyo`, any case), a whole-hour UTC offset (`UTC+9` → `Etc/GMT-9`, whose sign
    is POSIX's, the other way round) or a city (`Tokyo`, `도쿄`); None when it names none of
    these, or a city two zones share, or an offset no zone has for all year (`UTC+5:30`:
    write `Asia/Kolkata`)."""
    written = text.strip()
    if not written:
        return None
    zone = _zone_names().get(written.casefold())
    if zone is not None:
        return zone, False
    offset = OFFSET.match(written)
    if offset is not None:
        sign, hours, minutes = offset.groups()
        if int(hours) == 0 and not int(minutes or 0):
            return "UTC", False
        zone = f"Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}"
        return (zone, False) if not int(minutes or 0) and zone in _zone_names().values() else None
    zone = _zones_by_city().get(_key(written))
    return (zone, True) if zone else None
