"""The time zone a participant reads times in.

On site, everyone reads the fair's own time. An online participant reads their own: the zone
they chose in their profile, else their country's. A country with one zone has it (CLDR's
territory zones, through Babel); one that spans several gets its capital's, from the table
below, so a buyer from the United States reads Washington's time, not Adak's.
"""

from __future__ import annotations

from babel.core import get_global

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


def zone_of(participant: Participant, event_zone: str) -> str:
    """The zone `participant` reads times in."""
    if participant.attendance != Attendance.online:
        return event_zone
    return participant.timezone or country_zone(participant.country) or event_zone
