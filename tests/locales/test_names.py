"""Counted texts, countries, time zones and industries in the reader's language."""

import pytest

from locales import by_name, country_name, t, tn, zone_name


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "1 meeting"),
        ("en", 3, "3 meetings"),
        ("en", 0, "0 meetings"),
        ("ko", 1, "상담 1건"),
        ("ko", 3, "상담 3건"),
    ],
)
def test_counted_phrases_take_the_languages_plural_form(language, count, expected):
    assert tn(language, "count.meetings", count) == expected


def test_a_counted_sentence_fills_its_other_values_too():
    assert t("en", "cli.invites_written", links=tn("en", "count.invite_links", 1), path="x") == (
        "Wrote 1 invite link to x."
    )
    text = t("ko", "cli.import_refused", problems=tn("ko", "count.problems", 3))
    assert text == "파일에 문제 3건이 있어 아무것도 가져오지 않았습니다."


@pytest.mark.parametrize(
    ("language", "code", "name"),
    [
        ("ko", "US", "미국"),
        ("en", "US", "United States"),
        ("ko", "KR", "대한민국"),
        ("en", "vn", "Vietnam"),
        ("ko", "Atlantis", "Atlantis"),
    ],
)
def test_countries_are_named_by_cldr(language, code, name):
    assert country_name(language, code) == name


@pytest.mark.parametrize(
    ("language", "zone", "name"),
    [
        ("ko", "Asia/Seoul", "한국 시간"),
        ("en", "Asia/Seoul", "Korean time (KST)"),
        ("ko", "America/New_York", "미 동부 시간"),
        ("en", "UTC", "UTC"),
    ],
)
def test_time_zones_are_named_as_people_say_them(language, zone, name):
    assert zone_name(language, zone) == name


def test_groups_are_listed_by_the_names_the_reader_reads():
    """Korean 가나다 with names in other letters after them, English alphabetical; countries
    by name too (US: 미국 / United States); a group with no value last; `first` ahead."""
    groups = {"it": 0, "": 9, "machinery": 2, "cosmetics": 0, "food": 1}
    assert [k for k, _ in by_name("ko", "industry", groups)] == [
        "machinery",  # 기계
        "food",  # 식품
        "cosmetics",  # 화장품
        "it",  # IT·소프트웨어
        "",
    ]
    assert [k for k, _ in by_name("en", "industry", groups, first=lambda n: n == 0)] == [
        "cosmetics",
        "it",
        "food",
        "machinery",
        "",
    ]
    countries = {"US": 1, "JP": 1, "DE": 1}
    # 독일, 미국, 일본
    assert [k for k, _ in by_name("ko", "country", countries)] == ["DE", "US", "JP"]
    assert [k for k, _ in by_name("en", "country", countries)] == ["DE", "JP", "US"]
