"""📋 My requests as its screens need it. Each press is one call here, one transaction, and
returns only what the screen shows (handlers/requests.py, handlers/request_actions.py): the
summary's counts, one page of a list with its companies, or an action's outcome together with
the page as it is afterwards.

A refused action (applications closed, not yours, changed meanwhile, ...) is the store's typed
error: `act_on_request` raises it; `act_on_page` returns it beside the page, which the screen shows
either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from store.errors import StoreError
from store.event import current_event, event_and_closed
from store.readers import MAIN_CONTACT, joined_chats
from store.requests import (
    Pair,
    Party,
    RequestLists,
    Sent,
    accept_request,
    cancel_request,
    get_sent,
    move_request,
    named,
    parties,
    reject_request,
    sorted_lists,
)

CATEGORIES = ("mutual", "received", "mine")
# What each action does to a request; `up` / `dn` move one of my pending requests.
# Each takes the session, the request, the participant, the time and who of the company
# pressed (store/readers.py; only answers record it).
ACTIONS: dict[str, Callable[[Session, int, int, datetime, int], Sent]] = {
    "acc": accept_request,
    "rej": reject_request,
    "can": lambda session, request, me, now, by: cancel_request(session, request, me, now),
    "up": lambda session, request, me, now, by: move_request(session, request, me, -1, now),
    "dn": lambda session, request, me, now, by: move_request(session, request, me, 1, now),
}


@dataclass(frozen=True)
class Summary:
    """How many entries each list holds, and whether applications are closed."""

    counts: dict[str, int]
    closed: bool


@dataclass(frozen=True)
class Page:
    """One page of one list: its entries with their companies, numbered from `first`."""

    category: str
    entries: list[Pair[Party]]
    first: int
    total: int
    number: int
    pages: int
    timezone: str
    closed: bool


@dataclass(frozen=True)
class Involved:
    """A request with both sides and the event's time zone, enough to describe it to either."""

    request: Sent
    requester: Party
    target: Party
    timezone: str
    # Each side's colleagues who joined, (Telegram id, language): told beside its main contact.
    colleagues: Mapping[int, tuple[tuple[int, str | None], ...]] = field(default_factory=dict)

    def chats_of(self, party: Party) -> tuple[tuple[int, str | None], ...]:
        return self.colleagues.get(party.id, ())


@dataclass(frozen=True)
class PageAfterAction:
    """An action pressed on a list page: what it did (or why not), and the page now."""

    involved: Involved | None
    refused: StoreError | None
    page: Page


def _entries(lists: RequestLists[int], category: str) -> list[Pair[int]]:
    return getattr(lists, category)


def summary(session: Session, me: int, now: datetime) -> Summary:
    _, closed = event_and_closed(session, now)
    lists = sorted_lists(session, me)
    return Summary({c: len(_entries(lists, c)) for c in CATEGORIES}, closed is not None)


def request_page(
    session: Session, me: int, category: str, number: int, per_page: int, now: datetime
) -> Page:
    """Page `number` of the list (the nearest page that exists: a list may have shrunk)."""
    event, closed = event_and_closed(session, now)
    entries = _entries(sorted_lists(session, me), category)
    pages = max(1, -(-len(entries) // per_page))
    number = min(max(number, 1), pages)
    first = (number - 1) * per_page
    shown = named(session, entries[first : first + per_page])
    return Page(
        category, shown, first + 1, len(entries), number, pages, event.timezone, closed is not None
    )


def involved(session: Session, request: Sent) -> Involved:
    ids = (request.from_id, request.to_id)
    sides, timezone = parties(session, ids), current_event(session).timezone
    colleagues = joined_chats(session, ids)
    return Involved(request, sides[request.from_id], sides[request.to_id], timezone, colleagues)


def request_involved(session: Session, request_id: int) -> Involved:
    return involved(session, get_sent(session, request_id))


def act_on_request(
    session: Session, me: int, action: str, request_id: int, now: datetime, by: int = MAIN_CONTACT
) -> Involved:
    """Runs `action` (a key of ACTIONS) on the request for `me`, pressed by `by` of the
    company; raises the refusal."""
    return involved(session, ACTIONS[action](session, request_id, me, now, by))


def act_on_page(
    session: Session,
    me: int,
    action: str,
    request_id: int,
    category: str,
    number: int,
    per_page: int,
    now: datetime,
    by: int = MAIN_CONTACT,
) -> PageAfterAction:
    """`act_on_request`, then the page it was pressed on as it is now (also after a refusal, which
    changed nothing)."""
    try:
        done, refused = act_on_request(session, me, action, request_id, now, by), None
    except StoreError as error:
        done, refused = None, error
    return PageAfterAction(
        done, refused, request_page(session, me, category, number, per_page, now)
    )
