"""What the import reads another way than written, and tells the organizer."""

import pytest

from store.import_slips import is_unknown, korean_phone, written_otherwise
from views.vocabulary import vocabulary


@pytest.mark.parametrize(
    ("written", "country", "stored"),
    [
        ("1012345678", "KR", "010-1234-5678"),  # Excel dropped the leading 0
        ("01012345678", "KR", "010-1234-5678"),
        ("212345678", "KR", "02-1234-5678"),
        ("010-1234-5678", "KR", None),  # already as written in Korea
        ("1012345678", "US", None),  # a buyer's number is not guessed at
        ("12345", "KR", None),  # not a Korean number
    ],
)
def test_korean_phone(written, country, stored):
    assert korean_phone(written, country) == stored


@pytest.mark.parametrize(
    ("field", "written", "stored", "otherwise"),
    [
        ("industry", "자동차부품", "auto-parts", True),
        ("industry", "자동차 부품", "auto-parts", False),
        ("industry", "전기전자", "electronics", True),
        ("country", "Korea", "KR", True),
        ("country", "대한민국", "KR", False),
        ("country", "kr", "KR", False),
        ("country", "Viet Nam", "VN", True),
    ],
)
def test_written_another_way(field, written, stored, otherwise):
    assert vocabulary().canonical(field, written) == stored
    assert written_otherwise(vocabulary(), field, written, stored) == otherwise
    assert not is_unknown(vocabulary(), field, stored)


def test_truly_unknown_values_stay_as_written():
    words = vocabulary()
    assert words.industry_slug("뷰티디바이스") == "뷰티디바이스"
    assert is_unknown(words, "industry", "뷰티디바이스")
    assert words.country_code("Atlantis") == "Atlantis"
    assert is_unknown(words, "country", "Atlantis")
