"""The zone a participant reads times in: the fair's on site, their own online."""

from zoneinfo import ZoneInfo

import pytest
from babel.core import get_global

from locales import zone_name
from store.models import Attendance, Participant, Role
from store.zones import CAPITALS, country_zone, country_zones, parse_zone, zone_of

EVENT = "Asia/Seoul"


def person(country: str, attendance: Attendance, timezone: str | None = None) -> Participant:
    return Participant(
        code="B1",
        role=Role.buyer,
        company="c",
        country=country,
        industry="food",
        invite_token="x" * 16,
        attendance=attendance,
        timezone=timezone,
    )


def test_on_site_everyone_reads_the_fairs_time():
    assert zone_of(person("US", Attendance.onsite, "America/Chicago"), EVENT) == EVENT


def test_online_a_country_with_many_zones_reads_its_capitals_and_a_choice_wins():
    assert zone_of(person("US", Attendance.online), EVENT) == "America/New_York"
    assert zone_of(person("RU", Attendance.online), EVENT) == "Europe/Moscow"
    assert zone_of(person("JP", Attendance.online), EVENT) == "Asia/Tokyo"
    chosen = person("US", Attendance.online, "America/Los_Angeles")
    assert zone_of(chosen, EVENT) == "America/Los_Angeles"
    assert zone_of(person("XX", Attendance.online), EVENT) == EVENT  # no such country


def test_every_country_with_several_zones_names_its_capital_and_every_zone_exists():
    several = {
        code
        for code, zones in get_global("territory_zones").items()
        if len(zones) > 1 and code.isalpha() and code not in ("AQ", "ZZ")
    }
    assert several <= set(CAPITALS)
    for code, zone in CAPITALS.items():
        assert country_zones(code)[0] == zone == country_zone(code)
        ZoneInfo(zone)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("Asia/Tokyo", ("Asia/Tokyo", False)),
        ("asia/tokyo", ("Asia/Tokyo", False)),
        ("UTC+9", ("Etc/GMT-9", False)),  # POSIX's sign: the other way round
        ("GMT-5", ("Etc/GMT+5", False)),
        ("+09:00", ("Etc/GMT-9", False)),
        ("UTC", ("UTC", False)),
        ("Tokyo", ("Asia/Tokyo", True)),
        ("도쿄", ("Asia/Tokyo", True)),
        ("new york", ("America/New_York", True)),
        ("Ho Chi Minh City", ("Asia/Ho_Chi_Minh", True)),
        ("UTC+5:30", None),  # no zone has it all year
        ("UTC-13", None),
        ("Mars", None),
        ("", None),
    ],
)
def test_a_zone_is_read_from_its_name_a_city_or_a_whole_hour_offset(written, read):
    assert parse_zone(written) == read


def test_an_offsets_zone_reads_as_the_offset():
    assert (zone_name("ko", "Etc/GMT-9"), zone_name("en", "Etc/GMT+5")) == ("UTC+9", "UTC-5")
