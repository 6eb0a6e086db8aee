"""Finding companies to meet (the manual's 상담 신청: 미팅업체 목록 and 상세정보).

Buyers see sellers and sellers see buyers: never their own side, never inactive participants,
never themselves. A list can be narrowed by industry, by country and by a keyword, and comes
in the "recommended" order: companies of your own industry first, then those who already
asked you for a meeting, then everyone else, each group by company name.

The keyword matches company names, products and industries (by their Korean or English name)
without regard to case. The same SQL runs on
SQLite and PostgreSQL: `lower(column) LIKE lower(pattern)`. SQLite's lower() folds ASCII only
(Hangul has no case, so Korean and English both work); PostgreSQL folds every letter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from store.errors import (
    DuplicateRequest,
    InvalidValue,
    NotFound,
    RejectedBefore,
    SameSide,
    SelfRequest,
)
from store.event import applications_closed, current_event, ensure_open
from store.models import LIVE_STATUSES, MeetingRequest, Participant, RequestStatus
from store.requests import Sent, pair_with
from store.text import clean_text
from store.vocabulary import Vocabulary

KEYWORD_MAX = 100
PAGE_MAX = 50
LIKE_ESCAPE = "\\"


@dataclass(frozen=True)
class Filters:
    industry: str | None = None
    country: str | None = None
    keyword: str = ""


@dataclass(frozen=True)
class Found:
    """One company of a list, with what makes it stand out for the person searching."""

    company: Participant
    same_industry: bool
    requested_me: bool
    requested_by_me: bool


@dataclass(frozen=True)
class Page:
    rows: list[Found]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class Facets:
    """The industries and countries present on the other side: the filter buttons."""

    industries: list[str]
    countries: list[str]


class Stance(StrEnum):
    """Where `me` stands with a company: what its card offers."""

    none = "none"
    requested = "requested"
    requested_you = "requested_you"
    mutual = "mutual"
    declined = "declined"


@dataclass(frozen=True)
class Card:
    company: Participant
    stance: Stance
    mine: Sent | None
    theirs: Sent | None


def clean_keyword(text: str) -> str:
    """The keyword as searched (trimmed, inner spaces collapsed), or InvalidValue saying why not."""
    keyword = " ".join(clean_text(text).split())
    if not keyword:
        raise InvalidValue(field="keyword", reason="required")
    if len(keyword) > KEYWORD_MAX:
        raise InvalidValue(field="keyword", reason="too_long", limit=KEYWORD_MAX)
    return keyword


def _searcher(session: Session, me: int) -> Participant:
    participant = session.get(Participant, me)
    if participant is None or not participant.active:
        raise NotFound(what="participant")
    return participant


def _other_side(searcher: Participant) -> list[sa.ColumnElement[bool]]:
    return [
        col(Participant.role) == searcher.role.other,
        col(Participant.active).is_(True),
        col(Participant.id) != searcher.id,
    ]


def _contains(column: sa.ColumnElement[str], word: str) -> sa.ColumnElement[bool]:
    escaped = "".join(LIKE_ESCAPE + c if c in "%_" + LIKE_ESCAPE else c for c in word)
    return func.lower(column).like(func.lower(f"%{escaped}%"), escape=LIKE_ESCAPE)


def _matches(keyword: str, vocabulary: Vocabulary) -> list[sa.ColumnElement[bool]]:
    """Every word of the keyword must appear in the company's name (Korean or English), its
    products or its industry: the industry as stored, or its name in any language ("화장품"
    finds the `cosmetics` slug; the names come from the catalogs through the vocabulary, so
    the database compares slugs)."""
    return [
        sa.or_(
            _contains(col(Participant.company), word),
            _contains(col(Participant.company_en), word),
            _contains(col(Participant.products), word),
            _contains(col(Participant.industry), word),
            col(Participant.industry).in_(vocabulary.industries_named(word)),
        )
        for word in keyword.split()
    ]


def _live_requesters(to_id: int) -> sa.Select:
    return select(MeetingRequest.from_id).where(
        col(MeetingRequest.to_id) == to_id, col(MeetingRequest.status).in_(LIVE_STATUSES)
    )


def _live_targets(from_id: int) -> sa.Select:
    return select(MeetingRequest.to_id).where(
        col(MeetingRequest.from_id) == from_id, col(MeetingRequest.status).in_(LIVE_STATUSES)
    )


def search(
    session: Session,
    me: int,
    filters: Filters,
    vocabulary: Vocabulary,
    offset: int = 0,
    limit: int = 10,
) -> Page:
    """One page of the companies `me` may meet; an offset past the end shows the last page."""
    searcher = _searcher(session, me)
    limit = max(1, min(limit, PAGE_MAX))
    conditions = _other_side(searcher)
    if filters.industry is not None:
        conditions.append(col(Participant.industry) == filters.industry)
    if filters.country is not None:
        conditions.append(col(Participant.country) == filters.country)
    conditions += _matches(filters.keyword, vocabulary)

    total = session.exec(select(func.count()).select_from(Participant).where(*conditions)).one()
    last_page = (total - 1) // limit * limit if total else 0
    offset = max(0, min(offset, last_page))

    same_industry = col(Participant.industry) == searcher.industry
    requested_me = col(Participant.id).in_(_live_requesters(searcher.id))
    requested_by_me = col(Participant.id).in_(_live_targets(searcher.id))
    group = sa.case((same_industry, 0), (requested_me, 1), else_=2)
    # Alphabetical by the name the searcher reads (store/names.py): English unless Korean.
    first, second = (Participant.company, Participant.company_en)
    if searcher.language != "ko":
        first, second = second, first
    shown_name = func.coalesce(func.nullif(first, ""), second)
    rows = session.exec(
        select(Participant, same_industry, requested_me, requested_by_me)
        .where(*conditions)
        .order_by(group, func.lower(shown_name), col(Participant.id))
        .offset(offset)
        .limit(limit)
    ).all()
    found = [Found(row[0], bool(row[1]), bool(row[2]), bool(row[3])) for row in rows]
    return Page(found, total, offset, limit)


def search_page(
    session: Session,
    me: int,
    filters: Filters,
    vocabulary: Vocabulary,
    offset: int,
    limit: int,
    now: datetime,
) -> tuple[Page, bool]:
    """A page of the search, and whether requests are still open."""
    page = search(session, me, filters, vocabulary, offset, limit)
    return page, not applications_closed(current_event(session), now)


def facets(session: Session, me: int) -> Facets:
    searcher = _searcher(session, me)

    def distinct(column: sa.ColumnElement[str]) -> list[str]:
        query = select(column).where(*_other_side(searcher)).distinct().order_by(column)
        return list(session.exec(query).all())

    return Facets(distinct(col(Participant.industry)), distinct(col(Participant.country)))


def card(session: Session, me: int, other: int) -> Card:
    """A company's details and where `me` stands with it. Naming a company that is not taking
    part, yourself or your own side is refused as sending a request there would be."""
    searcher = _searcher(session, me)
    company = session.get(Participant, other)
    if company is None or not company.active:
        raise NotFound(what="participant")
    if company.id == searcher.id:
        raise SelfRequest()
    if company.role == searcher.role:
        raise SameSide()
    pair = pair_with(session, me, other)
    if pair is not None:
        if pair.mutual:
            stance = Stance.mutual
        elif pair.mine is not None:
            stance = Stance.requested
        else:
            stance = Stance.requested_you
        return Card(company, stance, pair.mine, pair.theirs)
    declined = session.exec(
        select(func.count()).where(
            col(MeetingRequest.from_id) == me,
            col(MeetingRequest.to_id) == other,
            col(MeetingRequest.status) == RequestStatus.rejected,
        )
    ).one()
    return Card(company, Stance.declined if declined else Stance.none, None, None)


def request_target(session: Session, me: int, other: int, now: datetime) -> Card:
    """The card of a company `me` is about to ask, refused early (applications closed, not a
    company you may ask, asked already, declined before) so nobody types a note for nothing.
    `send_request` checks everything again when the request is sent."""
    ensure_open(session, now)
    found = card(session, me, other)
    if found.mine is not None:
        raise DuplicateRequest()
    if found.stance == Stance.declined:
        raise RejectedBefore()
    return found
