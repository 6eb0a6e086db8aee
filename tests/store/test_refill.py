"""Standby refill in the store: who is offered a freed place, in which order, and a booking
that happens once whatever races it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select
from test_races import race

import builders
from builders import NOW
from store.db import make_engine, session_scope
from store.fairday import cancel
from store.manual_matching import assign
from store.models import (
    CancelReason,
    Meeting,
    Notice,
    NoticeKind,
    OfferState,
    Phase,
    RefillOffer,
    Slot,
    Unavailability,
)
from store.notices import Draft, prepare
from store.refill import (
    Ended,
    OfferClosed,
    OfferView,
    Outcome,
    Telling,
    answer_offer,
    cancel_and_offer,
    candidates,
    expire_offer,
    offer_next,
    unoffered_places,
)
from store.requests import accept_request, send_request

START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
BEFORE = START - timedelta(minutes=30)


@pytest.fixture
def fair(engine):
    """B1 meets S1 in D1-0900. Standby for that slot: S2, S3, S4 and S5 asked B1; B1 accepted
    S5's request, but S5 switched D1-0900 off; S3 already has a meeting (D1-0930 with B2);
    S4 asked before S2; B3 asked S2. Returns ids by code."""
    with session_scope(engine) as session:
        builders.event(session)
        p = {
            code: builders.participant(session, code, telegram_id=n)
            for n, code in enumerate(("B1", "B2", "B3", "S1", "S2", "S3", "S4", "S5"), start=1)
        }
        ids = {code: person.id for code, person in p.items()}
        for minutes, code in enumerate(("S4", "S2", "S3", "S5")):
            sent = send_request(session, ids[code], ids["B1"], NOW + timedelta(minutes=minutes))
            if code == "S5":
                accept_request(session, sent.id, ids["B1"], NOW)
        send_request(session, ids["B3"], ids["S2"], NOW + timedelta(hours=1))
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.meeting(session, p["B2"], p["S3"], "D1-0930")
        slot = session.exec(select(Slot).where(Slot.code == "D1-0900")).one()
        session.add(Unavailability(participant_id=ids["S5"], slot_id=slot.id))
        builders.set_phase(session, Phase.announced)
        ids["slot"] = slot.id
        ids["meeting"] = session.exec(select(Meeting).where(Meeting.slot_id == slot.id)).one().id
    return ids


def pairs(found, ids):
    names = {v: k for k, v in ids.items() if k[0] in "BS"}
    return [(names[c.buyer_id], names[c.seller_id]) for c in found]


def test_candidates_fewer_meetings_first_then_the_manuals_order(engine, fair):
    with session_scope(engine) as session:
        # Before the cancellation B1 is busy in the slot: only B3 and S2 could meet in it.
        assert pairs(candidates(session, fair["slot"]), fair) == [("B3", "S2")]
        cancel(session, fair["meeting"], fair["S1"], CancelReason.cant_attend, BEFORE)
        found = candidates(session, fair["slot"])
    # Nobody in B3-S2, B1-S4, B1-S2 has a meeting: the buyer's request (B3-S2) comes before
    # sellers' requests, and of those the earlier (S4). B1-S3 is last: S3 has a meeting.
    # S5 switched the slot off; S1 gave it up.
    assert pairs(found, fair) == [("B3", "S2"), ("B1", "S4"), ("B1", "S2"), ("B1", "S3")]


def test_offer_decline_next_pair_then_both_accept_books_it(engine, fair):
    with session_scope(engine) as session:
        place = cancel(session, fair["meeting"], fair["S1"], CancelReason.other, BEFORE).place_id
        first = offer_next(session, place, BEFORE)
        assert offer_next(session, place, BEFORE) is None  # one open offer per place
    assert (first.buyer.code, first.seller.code) == ("B3", "S2")
    assert first.expires_at == BEFORE + timedelta(minutes=10)
    with session_scope(engine) as session:
        declined = answer_offer(session, first.id, fair["S2"], False, BEFORE)
        assert declined.outcome == Outcome.declined and declined.told.ids == []
        with pytest.raises(OfferClosed):
            answer_offer(session, first.id, fair["B3"], True, BEFORE)
        second = offer_next(session, place, BEFORE)
    assert (second.buyer.code, second.seller.code) == ("B1", "S4")
    with session_scope(engine) as session:
        assert answer_offer(session, second.id, fair["B1"], True, BEFORE).outcome == Outcome.waiting
        with pytest.raises(OfferClosed):  # a second tap
            answer_offer(session, second.id, fair["B1"], True, BEFORE)
        done = answer_offer(session, second.id, fair["S4"], True, BEFORE)
    assert done.outcome == Outcome.booked and done.offer.meeting_id is not None
    assert done.offer.timezone == "Asia/Seoul"
    with session_scope(engine) as session:
        # Both sides' updated timetables queued with the booking, drawn when they are sent.
        found = select(Notice).where(Notice.kind == NoticeKind.timetable)
        queued = {n.participant_id: n.id for n in session.exec(found)}
        assert sorted(queued) == sorted([fair["B1"], fair["S4"]])
        assert sorted(done.told.ids) == sorted(queued.values())
        tables = [prepare(session, notice, BEFORE).timetable for notice in queued.values()]
        assert all(t.meeting(done.offer.meeting_id) is not None for t in tables)
        meeting = session.get(Meeting, done.offer.meeting_id)
        assert (meeting.buyer_id, meeting.seller_id, meeting.slot_id) == (
            fair["B1"],
            fair["S4"],
            fair["slot"],
        )
        assert offer_next(session, place, BEFORE) is None  # filled
        assert unoffered_places(session, BEFORE) == []


def test_an_offer_expires_and_never_runs_past_the_slots_start(engine, fair):
    late = START - timedelta(minutes=4)
    with session_scope(engine) as session:
        place = cancel(session, fair["meeting"], fair["S1"], CancelReason.other, late).place_id
        offer = offer_next(session, place, late)
    assert offer.expires_at == START
    with session_scope(engine) as session:
        assert expire_offer(session, offer.id, late) is None  # not yet
        assert expire_offer(session, offer.id, START).id == offer.id
        assert expire_offer(session, offer.id, START) is None  # once
        with pytest.raises(OfferClosed):
            answer_offer(session, offer.id, fair["B3"], True, START)
        assert offer_next(session, place, START - timedelta(seconds=10)) is None  # too late


@pytest.fixture
def other_process(database_url):
    """A second engine on the same database: its own connections, as another bot process."""
    second = make_engine(database_url)
    yield second
    second.dispose()


def test_both_sides_accepting_at_once_book_one_meeting(engine, other_process, fair):
    with session_scope(engine) as session:
        place = cancel(session, fair["meeting"], fair["S1"], CancelReason.other, BEFORE).place_id
        offer = offer_next(session, place, BEFORE)

    def accept(participant, process):
        def action():
            with session_scope(process) as session:
                return answer_offer(session, offer.id, participant, True, BEFORE).outcome

        return action

    outcomes = race(accept(fair["B3"], engine), accept(fair["S2"], other_process))
    assert sorted(outcomes) == [Outcome.booked, Outcome.waiting]
    with session_scope(engine) as session:
        assert len(session.exec(select(Meeting).where(Meeting.slot_id == fair["slot"])).all()) == 1
        assert session.get(RefillOffer, offer.id).state == OfferState.booked


def test_two_processes_booking_the_same_freed_slot_book_it_once(engine, other_process, fair):
    """The last accept in one process and an admin's /assign of B3 in the same slot in
    another race: one wins."""
    with session_scope(engine) as session:
        place = cancel(session, fair["meeting"], fair["S1"], CancelReason.other, BEFORE).place_id
        offer = offer_next(session, place, BEFORE)
        answer_offer(session, offer.id, fair["S2"], True, BEFORE)

    def accept():
        with session_scope(engine) as session:
            return answer_offer(session, offer.id, fair["B3"], True, BEFORE).outcome

    def admin():
        with session_scope(other_process) as session:
            return assign(session, 1, fair["B3"], fair["S3"], fair["slot"], over_cap=True).id

    first, second = race(accept, admin)
    with session_scope(engine) as session:
        b3 = session.exec(
            select(Meeting).where(Meeting.slot_id == fair["slot"], Meeting.buyer_id == fair["B3"])
        ).all()
        state = session.get(RefillOffer, offer.id).state
    assert len(b3) == 1
    if first == Outcome.booked:
        assert isinstance(second, Exception) and state == OfferState.booked
    else:
        assert first == Outcome.void and isinstance(second, int) and state == OfferState.void


def _telling(fails: bool = False) -> Telling:
    def offer(view: OfferView) -> list[Draft]:
        if fails:
            raise RuntimeError("killed between the cancellation and its offer")
        return [
            Draft(NoticeKind.refill, side.participant_id, f"offer-{view.id}", "offer")
            for side in (view.buyer, view.seller)
        ]

    def ended(view: OfferView, how: Ended, sides) -> list[Draft]:
        return [Draft(NoticeKind.refill, s.participant_id, f"{view.id}-{how}", how) for s in sides]

    return Telling(offer, ended)


def _queued(engine, fair) -> list[tuple[str, str]]:
    names = {v: k for k, v in fair.items() if k[0] in "BS"}
    with session_scope(engine) as session:
        rows = session.exec(
            select(Notice).where(Notice.kind == NoticeKind.refill).order_by(Notice.id)
        )
        return [(names[n.participant_id], n.text) for n in rows]


def test_a_freed_place_is_offered_with_the_change_that_frees_it_or_not_at_all(engine, fair):
    """The cancellation, its offer and the offer's notices commit together; so do a decline,
    the other side's notice and the next offer."""
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        cancel_and_offer(
            session,
            fair["meeting"],
            fair["S1"],
            CancelReason.cant_attend,
            BEFORE,
            0,
            None,
            _telling(fails=True),
        )
    with session_scope(engine) as session:
        assert session.get(Meeting, fair["meeting"]) is not None
        assert session.exec(select(RefillOffer)).all() == []
    assert _queued(engine, fair) == []
    with session_scope(engine) as session:
        args = (fair["meeting"], fair["S1"], CancelReason.cant_attend, BEFORE, 0, None)
        _, offered = cancel_and_offer(session, *args, _telling())
    assert _queued(engine, fair) == [("B3", "offer"), ("S2", "offer")]
    with session_scope(engine) as session:
        done = answer_offer(session, offered.view.id, fair["S2"], False, BEFORE, 0, _telling())
    assert done.next.view.buyer.code == "B1" and done.next.view.seller.code == "S4"
    assert _queued(engine, fair)[2:] == [("B3", "declined"), ("B1", "offer"), ("S4", "offer")]
