"""The catalogs read as an editor would ship them: the style guide's rules that a pattern can
check (one term per concept, particles that fit, 합니다체, counters, English plural forms)."""

import re

import pytest

from locales import catalog, industry_name, t
from locales.particles import attach, final_sound

KOREAN = catalog("ko")
ENGLISH = catalog("en")
# keys about joining the fair (참가 신청), where 거절 / reject is the right word
APPLICATION = re.compile(r"^apply\.")
# keys only organizers read, where 미주선 is their word for a pair left unscheduled
ORGANIZER = re.compile(r"^(admin|announce|broadcast|cli|command|export|stats|error\.)")
# values organizers type in files, which stay English (commands' `buyers|sellers` too)
TYPED_VALUES = {"import.not_a_role"}


PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def offending(
    texts: dict[str, str], pattern: str, skip: re.Pattern[str] | None = None, words_only=False
) -> dict[str, str]:
    """The texts where `pattern` occurs, but for keys `skip` matches; `words_only` looks at the
    words around the placeholders, not at the placeholders' names ({seller})."""
    found = re.compile(pattern)
    return {
        key: text
        for key, text in texts.items()
        if found.search(PLACEHOLDER.sub("{}", text) if words_only else text)
        and not (skip is not None and skip.search(key))
    }


def test_no_particle_written_both_ways():
    """Users never see 을(를), 이(가), 은(는), (으)로: `{label:을}` picks one."""
    assert offending(KOREAN, r"[을이은과]\([를가는와]\)|\(으\)로|[를가는와]\([을이은과]\)") == {}


def test_no_particle_spaced_from_a_value_or_command():
    """“{path} 에”, “/cancel 을”: the particle belongs to the word, and a command followed by
    a particle is no longer a link (write it in parentheses or after a colon)."""
    particle = r"(을|를|이|가|은|는|과|와|으로|로|에|에서|의|도|만|이어야|으로는)"
    assert offending(KOREAN, r"(\}|/[a-z_]+)\s" + particle + r"(?=[\s.,!?)]|$)") == {}


def test_no_command_glued_to_a_particle():
    assert offending(KOREAN, r"/[a-z_]+[가-힣]") == {}


def test_statements_use_hapnida_style():
    """합니다체 and -(으)세요, no 해요체 (-해요, -할까요?, -인가요?)."""
    assert offending(KOREAN, r"(?<![세주필중소])요(?=[.?!)\s]|$)|[가나죠]\?") == {}


@pytest.mark.parametrize(
    ("variant", "term", "skip"),
    [
        (r"미팅", "상담", None),
        (r"매칭", "주선", None),
        (r"상담신청", "상담 신청", None),
        (r"신청취소", "신청 취소", None),
        (r"그 사이", "그사이", None),
        (r"거절", "반려 (a request's answer)", APPLICATION),
        (r"받은 신청", "상대방 신청", None),
        (r"해외 바이어", "바이어", None),
        (r"업체 찾기", "상담 신청", None),
        (r"미주선", "주선되지 않은 (participants' screens)", ORGANIZER),
        (r"관리자가", "주최 측", ORGANIZER),
        (r"고르세요", "선택하세요", None),
        (r"님[,!]", "no 님 after a company", None),
        (r"업데이트 처리", "요청 처리", None),
        (r"개 업체", "업체 …곳", None),
        (r"'", "‘…’ quotes", None),
        (r"상담 횟수", "1일 상담횟수 (the manual's word, as written)", None),
        (r"영문 회사명", "회사명(영문) (the profile's and every other sheet's word)", None),
    ],
)
def test_one_korean_term_per_concept(variant, term, skip):
    assert offending(KOREAN, variant, skip, words_only=True) == {}, f"use {term}"


def test_korean_dates_read_as_cldr_writes_them():
    """6월 20일, not 6/20 (a month and day put together in the text)."""
    assert offending(KOREAN, r"\{month\}\s*/\s*\{day\}|\d+/\d+ ?\(") == {}


@pytest.mark.parametrize(
    ("variant", "term", "skip"),
    [
        (r"\(s\)", "plural forms (locales.tn)", None),
        (r"[Aa]pplications (are |would )?(still |already )?(clos|open)", "Requests close", None),
        (r"\b[Rr]eject", "Decline (a request's answer)", APPLICATION),
        (r"daily cap", "daily meeting limit", None),
        (r"\bRank\b", "Priority", None),
        (r"not available", "unavailable", None),
        (
            r"(?<!\|)\bsellers?\b(?!\|)",
            "Korean company",
            re.compile("|".join(map(re.escape, TYPED_VALUES))),
        ),
    ],
)
def test_one_english_term_per_concept(variant, term, skip):
    assert offending(ENGLISH, variant, skip, words_only=True) == {}, f"use {term}"


@pytest.mark.parametrize(
    ("value", "particle", "expected"),
    [
        ("전화번호", "을", "전화번호를"),
        ("이메일", "를", "이메일을"),
        ("회사명", "가", "회사명이"),
        ("메모", "은", "메모는"),
        ("서울", "으로", "서울로"),
        ("순차(greedy)", "으로", "순차(greedy)로"),
        ("최적(optimal)", "로", "최적(optimal)으로"),
        ("<b>품목</b>", "과", "<b>품목</b>과"),
        ("B001", "은", "B001은"),  # 일: ㄹ
        ("12", "이", "12가"),  # 이
        ("30", "으로", "30으로"),  # 십
        ("17", "으로", "17로"),  # 칠: ㄹ takes 로
        ("URL", "을", "URL을"),  # 엘
        ("PDF", "를", "PDF를"),  # 에프
    ],
)
def test_particles_follow_the_last_sound(value, particle, expected):
    assert attach(value, particle) == expected


def test_a_catalog_particle_spec_renders_one_particle():
    assert t("ko", "profile.saved", label=t("ko", "field.phone")) == "✅ 전화번호를 저장했습니다."
    assert t("ko", "profile.saved", label=t("ko", "field.email")) == "✅ 이메일을 저장했습니다."
    assert final_sound("") == ""


def test_industries_have_a_name_in_each_language():
    assert (industry_name("ko", "cosmetics"), industry_name("en", "cosmetics")) == (
        "화장품",
        "Cosmetics",
    )
    assert industry_name("ko", "aerospace") == "aerospace"  # unknown slugs stay as written
