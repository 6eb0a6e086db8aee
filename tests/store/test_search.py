from datetime import timedelta

import pytest

import builders
from builders import DEADLINE, NOW
from store.db import session_scope
from store.errors import (
    ApplicationsClosed,
    DuplicateRequest,
    InvalidValue,
    NotFound,
    RejectedBefore,
    SameSide,
    SelfRequest,
)
from store.models import Role
from store.requests import accept_request, reject_request, send_request
from store.search import (
    KEYWORD_MAX,
    Filters,
    Stance,
    card,
    clean_keyword,
    facets,
    request_target,
    search,
)
from views.vocabulary import vocabulary


@pytest.fixture
def fair(engine):
    """A buyer in cosmetics looking at five Korean companies, one of them inactive."""
    with session_scope(engine) as session:
        builders.event(session)
        made = [
            builders.participant(session, "B1", company="Acme Trading", industry="cosmetics"),
            builders.participant(session, "B2", company="Zeta Imports", industry="food"),
            builders.participant(
                session, "S1", company="한빛화장품", products="마스크팩, Sheet Masks"
            ),
            builders.participant(
                session, "S2", company="Busan Foods", industry="food", products="김치, kimchi"
            ),
            builders.participant(
                session, "S3", company="alpha Tech", industry="it", country="JP", products="칩"
            ),
            builders.participant(session, "S4", company="Cosmo 100%_Pure", industry="food"),
            builders.participant(session, "S5", company="Gone Ltd", active=False),
        ]
        return {p.code: p.id for p in made}


def names(engine, me, filters=None):
    with session_scope(engine) as session:
        page = search(session, me, filters or Filters(), vocabulary())
    return [row.company.company for row in page.rows]


def test_each_side_sees_only_the_active_companies_of_the_other(engine, fair):
    seen_by_buyer = names(engine, fair["B1"])
    assert sorted(seen_by_buyer) == ["Busan Foods", "Cosmo 100%_Pure", "alpha Tech", "한빛화장품"]
    assert sorted(names(engine, fair["S1"])) == ["Acme Trading", "Zeta Imports"]


def test_recommended_order_same_industry_then_who_asked_you_then_by_name(engine, fair):
    with session_scope(engine) as session:
        send_request(session, fair["S3"], fair["B1"], NOW)
    assert names(engine, fair["B1"]) == [
        "한빛화장품",
        "alpha Tech",
        "Busan Foods",
        "Cosmo 100%_Pure",
    ]
    with session_scope(engine) as session:
        first = search(session, fair["B1"], Filters(), vocabulary()).rows[:2]
    assert [(r.same_industry, r.requested_me) for r in first] == [(True, False), (False, True)]


def test_rows_say_whom_you_asked_already(engine, fair):
    with session_scope(engine) as session:
        send_request(session, fair["B1"], fair["S2"], NOW)
        rows = search(session, fair["B1"], Filters(), vocabulary()).rows
    assert {r.company.company: r.requested_by_me for r in rows}["Busan Foods"] is True
    assert sum(r.requested_by_me for r in rows) == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(industry="food"), ["Busan Foods", "Cosmo 100%_Pure"]),
        (Filters(country="JP"), ["alpha Tech"]),
        (Filters(industry="food", country="JP"), []),
        (Filters(keyword="마스크"), ["한빛화장품"]),
        (Filters(keyword="sheet MASKS"), ["한빛화장품"]),
        (Filters(keyword="ALPHA"), ["alpha Tech"]),
        (Filters(keyword="busan KIMCHI"), ["Busan Foods"]),
        (Filters(keyword="busan 마스크"), []),
        (Filters(keyword="100%"), ["Cosmo 100%_Pure"]),
        (Filters(keyword="%"), ["Cosmo 100%_Pure"]),
        (Filters(keyword="_"), ["Cosmo 100%_Pure"]),
        (Filters(keyword="gone"), []),
        (Filters(industry="food", keyword="kimchi"), ["Busan Foods"]),
        # an industry's name in either language finds its companies
        (Filters(keyword="식품"), ["Busan Foods", "Cosmo 100%_Pure"]),
        (Filters(keyword="Software"), ["alpha Tech"]),
        (Filters(keyword="식품 busan"), ["Busan Foods"]),
    ],
)
def test_filters_and_keywords(engine, fair, filters, expected):
    assert names(engine, fair["B1"], filters) == expected


def test_pages_count_everything_and_an_offset_past_the_end_shows_the_last_page(engine, fair):
    with session_scope(engine) as session:
        first = search(session, fair["B1"], Filters(), vocabulary(), 0, 3)
        last = search(session, fair["B1"], Filters(), vocabulary(), 3, 3)
        beyond = search(session, fair["B1"], Filters(), vocabulary(), 999, 3)
        negative = search(session, fair["B1"], Filters(), vocabulary(), -5, 3)
        empty = search(session, fair["B1"], Filters(keyword="nothing"), vocabulary(), 40, 3)
    assert (first.total, len(first.rows), len(last.rows)) == (4, 3, 1)
    assert (beyond.offset, [r.company.id for r in beyond.rows]) == (3, [last.rows[0].company.id])
    assert negative.offset == 0
    assert (empty.total, empty.offset, empty.rows) == (0, 0, [])


def test_facets_list_the_other_sides_industries_and_countries(engine, fair):
    with session_scope(engine) as session:
        for_buyer = facets(session, fair["B1"])
        for_seller = facets(session, fair["S1"])
    assert for_buyer.industries == ["cosmetics", "food", "it"]
    assert for_buyer.countries == ["JP", "KR"]
    assert (for_seller.industries, for_seller.countries) == (["cosmetics", "food"], ["US"])


def test_inactive_or_unknown_searchers_are_refused(engine, fair):
    with session_scope(engine) as session, pytest.raises(NotFound):
        search(session, fair["S5"], Filters(), vocabulary())
    with session_scope(engine) as session, pytest.raises(NotFound):
        facets(session, 99999)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("  sheet   masks ", "sheet masks"), ("마스크", "마스크"), ("x" * KEYWORD_MAX, "x" * 100)],
)
def test_keywords_are_trimmed(typed, kept):
    assert clean_keyword(typed) == kept


@pytest.mark.parametrize(("typed", "reason"), [(" \n ", "required"), ("가" * 5000, "too_long")])
def test_empty_or_overlong_keywords_are_refused(typed, reason):
    with pytest.raises(InvalidValue) as refused:
        clean_keyword(typed)
    assert refused.value.values["field"] == "keyword"
    assert refused.value.values["reason"] == reason


def stance(engine, me, other):
    with session_scope(engine) as session:
        return card(session, me, other).stance


def test_the_card_tells_where_you_stand(engine, fair):
    b1, s1, s2, s3, s4 = (fair[c] for c in ("B1", "S1", "S2", "S3", "S4"))
    with session_scope(engine) as session:
        send_request(session, b1, s1, NOW)
        send_request(session, s2, b1, NOW)
        accept_request(session, send_request(session, b1, s3, NOW).id, s3, NOW)
        reject_request(session, send_request(session, b1, s4, NOW).id, s4, NOW)
    assert stance(engine, b1, s1) == Stance.requested
    assert stance(engine, b1, s2) == Stance.requested_you
    assert stance(engine, s2, b1) == Stance.requested
    assert stance(engine, b1, s3) == stance(engine, s3, b1) == Stance.mutual
    assert stance(engine, b1, s4) == Stance.declined
    assert stance(engine, s4, b1) == Stance.none
    with session_scope(engine) as session:
        send_request(session, s1, b1, NOW)
        assert card(session, b1, s1).stance == Stance.mutual
        assert card(session, b1, s2).theirs is not None


@pytest.mark.parametrize(
    ("me", "other", "error"),
    [("B1", "B1", SelfRequest), ("B1", "B2", SameSide), ("S1", "S2", SameSide)],
)
def test_cards_of_yourself_or_your_own_side_are_refused(engine, fair, me, other, error):
    with session_scope(engine) as session, pytest.raises(error):
        card(session, fair[me], fair[other])


@pytest.mark.parametrize("other", ["S5", "nobody"])
def test_cards_of_inactive_or_unknown_companies_are_refused(engine, fair, other):
    with session_scope(engine) as session, pytest.raises(NotFound):
        card(session, fair["B1"], fair.get(other, 99999))


def test_a_request_target_is_checked_before_the_note_is_asked(engine, fair):
    b1, s1, s2 = fair["B1"], fair["S1"], fair["S2"]
    with session_scope(engine) as session:
        assert request_target(session, b1, s1, NOW).company.id == s1
        send_request(session, b1, s1, NOW)
        reject_request(session, send_request(session, b1, s2, NOW).id, s2, NOW)
    with session_scope(engine) as session, pytest.raises(DuplicateRequest):
        request_target(session, b1, s1, NOW)
    with session_scope(engine) as session, pytest.raises(RejectedBefore):
        request_target(session, b1, s2, NOW)
    with session_scope(engine) as session, pytest.raises(ApplicationsClosed):
        request_target(session, b1, fair["S3"], DEADLINE + timedelta(seconds=1))
    with session_scope(engine) as session, pytest.raises(SameSide):
        request_target(session, b1, fair["B2"], NOW)


def test_a_buyer_may_answer_a_request_by_asking_back(engine, fair):
    with session_scope(engine) as session:
        send_request(session, fair["S1"], fair["B1"], NOW)
        found = request_target(session, fair["B1"], fair["S1"], NOW)
    assert found.stance == Stance.requested_you
    assert found.company.role == Role.seller
