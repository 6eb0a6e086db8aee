"""What people type for a country or an industry, read as the store keeps it: the names
come from CLDR and the catalogs (views/vocabulary.py), the rules from the store
(store/vocabulary.py)."""

import pytest

from locales import LANGUAGES, countries, country_name, industries, industry_name
from views.vocabulary import vocabulary


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("미국", "US"),
        ("United States", "US"),
        ("us", "US"),
        ("대한민국", "KR"),
        ("한국", "KR"),
        ("  south   korea ", "KR"),
        ("Chile", "CL"),
        ("Atlantis", "Atlantis"),
    ],
)
def test_typed_countries_become_their_codes(typed, code):
    assert vocabulary().country_code(typed) == code


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("화장품", "cosmetics"),
        ("Cosmetics", "cosmetics"),
        ("food", "food"),
        ("식품", "food"),
        ("의료기기", "medical-devices"),
        ("aerospace", "aerospace"),
    ],
)
def test_typed_industries_become_their_slugs(typed, slug):
    assert vocabulary().industry_slug(typed) == slug


def test_a_search_word_finds_industries_by_any_of_their_names():
    assert vocabulary().industries_named("화장") == ["cosmetics"]
    assert vocabulary().industries_named("SOFTWARE") == ["it"]
    assert vocabulary().industries_named("의료") == ["medical", "medical-devices"]
    assert vocabulary().industries_named("우주") == []


def test_every_name_of_the_catalogs_and_cldr_is_recognised():
    """One source: a country CLDR names and an industry the catalogs name, in any language
    of the bot, is what the store recognises (the field labels: tests/store/test_importer.py,
    `test_every_field_label_of_the_bot_is_a_header`)."""
    words = vocabulary()
    for language in LANGUAGES:
        for code in countries():
            assert words.country_code(country_name(language, code)) == code
        for slug in industries():
            assert words.industry_slug(industry_name(language, slug)) == slug
            assert words.industry_slug(slug) == slug
