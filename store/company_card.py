"""🔎 Find's company card as its presses need it: each is one call, one transaction, returning
the card as the screen shows it afterwards (handlers/company_card.py). A refusal is the store's
typed error, raised before anything changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from store.errors import StoreError
from store.event import event_and_closed
from store.my_requests import Involved, act_on_request, request_involved
from store.requests import send_request
from store.search import Card, card


@dataclass(frozen=True)
class OpenCard:
    """A company's card, and whether applications are still open (buttons or none)."""

    card: Card
    open: bool


@dataclass(frozen=True)
class CardAfter:
    """A request sent or acted on from a card: both sides, for the other side's notice, and
    the card as it is now (None, with the refusal, when the card itself can't be shown)."""

    involved: Involved
    card: OpenCard | None
    refused: StoreError | None = None


def open_card(session: Session, me: int, other: int, now: datetime) -> OpenCard:
    found = card(session, me, other)
    _, closed = event_and_closed(session, now)
    return OpenCard(found, closed is None)


def send_from_card(session: Session, me: int, other: int, now: datetime, note: str) -> CardAfter:
    """Asks `other` for a meeting (`send_request`'s rules and refusals)."""
    sent = send_request(session, me, other, now, note)
    return CardAfter(request_involved(session, sent.id), open_card(session, me, other, now))


def act_on_card(
    session: Session, me: int, action: str, request_id: int, now: datetime
) -> CardAfter:
    """`act_on_request`, then the card of the other side; the action stands even when that
    card can no longer be shown (the company withdrew meanwhile)."""
    done = act_on_request(session, me, action, request_id, now)
    request = done.request
    other = request.to_id if request.from_id == me else request.from_id
    try:
        return CardAfter(done, open_card(session, me, other, now))
    except StoreError as error:
        return CardAfter(done, None, error)
