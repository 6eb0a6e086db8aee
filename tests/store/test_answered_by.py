"""A company answers once, whoever of it presses (its main contact or a colleague): a later
press by another person is refused naming who answered and how, in the reader's language; the
one who answered may still change their own outcome answer. Confirmations, cancellations,
requests' and refill offers' answers, and outcomes."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import builders
from builders import NOW
from handlers.wording import error_text
from store.db import session_scope
from store.errors import AnsweredBy, RequestChanged
from store.fairday import AlreadyConfirmed, cancel, confirm
from store.models import AuditLog, CancelReason, MeetingOutcome, OutcomeResult
from store.outcomes import my_answer, record_outcome, set_details
from store.refill import Outcome, answer_offer, offer_next
from store.requests import accept_request, reject_request, send_request

MAIN, KIM = 2001, 5001
MAIN_BY = 0
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
BEFORE, AFTER = START - timedelta(minutes=30), START + timedelta(hours=1)


@pytest.fixture
def fair(engine) -> dict[str, int]:
    """S1 (main contact 홍길동, MAIN) with colleague Kim (KIM) meets B1 in D1-0900; B2 and B3
    asked S1 for a meeting."""
    with session_scope(engine) as session:
        builders.event(session)
        s1 = builders.participant(session, "S1", telegram_id=MAIN, contact_name="홍길동")
        b1, b2, b3 = (
            builders.participant(session, f"B{n}", telegram_id=1000 + n) for n in (1, 2, 3)
        )
        meeting = builders.meeting(session, b1, s1, "D1-0900")
        made = builders.colleague(session, s1.id, MAIN, KIM, "Kim", "en")
        asked = [send_request(session, b.id, s1.id, NOW - timedelta(days=30)).id for b in (b2, b3)]
        return {"S1": s1.id, "B1": b1.id, "meeting": meeting.id, "Kim": made.id, "asked": asked}


def refusal(engine, call, *args) -> AnsweredBy:
    with pytest.raises(AnsweredBy) as refused, session_scope(engine) as session:
        call(session, *args)
    return refused.value


def test_a_confirmation_by_a_colleague_is_named_to_the_main_contact(fair, engine):
    with session_scope(engine) as session:
        confirm(session, fair["meeting"], fair["S1"], BEFORE, fair["Kim"])
    with pytest.raises(AlreadyConfirmed), session_scope(engine) as session:
        confirm(session, fair["meeting"], fair["S1"], BEFORE, fair["Kim"])  # their own again
    error = refusal(engine, confirm, fair["meeting"], fair["S1"], BEFORE, MAIN_BY)
    assert error_text("ko", error) == "Kim 님이 이미 참석을 확인했습니다."
    assert error_text("en", error) == "Already confirmed by Kim."
    with session_scope(engine) as session:
        [line] = [
            a
            for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()
            if a.action == "meeting_confirmed"
        ]
    assert line.admin_id == KIM  # the person who pressed, not the main contact


def test_a_meeting_given_up_by_the_main_contact_is_named_to_a_colleague(fair, engine):
    with session_scope(engine) as session:
        cancel(session, fair["meeting"], fair["S1"], CancelReason.cant_attend, BEFORE, MAIN_BY)
    error = refusal(engine, confirm, fair["meeting"], fair["S1"], BEFORE, fair["Kim"])
    assert error_text("ko", error) == "홍길동 님이 이미 이 상담을 취소했습니다."
    assert error_text("en", error) == "Already cancelled by 홍길동."


def test_a_requests_answer_names_who_gave_it(fair, engine):
    accepted, rejected = fair["asked"]
    with session_scope(engine) as session:
        accept_request(session, accepted, fair["S1"], NOW, fair["Kim"])
        reject_request(session, rejected, fair["S1"], NOW, MAIN_BY)
    error = refusal(engine, reject_request, accepted, fair["S1"], NOW, MAIN_BY)
    assert error_text("en", error) == "Already accepted by Kim."
    error = refusal(engine, accept_request, rejected, fair["S1"], NOW, fair["Kim"])
    assert error_text("ko", error) == "홍길동 님이 이미 이 신청을 반려했습니다."
    with pytest.raises(RequestChanged), session_scope(engine) as session:
        accept_request(session, accepted, fair["S1"], NOW, fair["Kim"])  # their own: as before


def test_the_first_outcome_answer_is_the_companys_and_only_its_writer_changes_it(fair, engine):
    meeting, s1, kim = fair["meeting"], fair["S1"], fair["Kim"]
    with session_scope(engine) as session:
        record_outcome(session, meeting, s1, OutcomeResult.follow_up, AFTER, kim)
    error = refusal(engine, record_outcome, meeting, s1, OutcomeResult.not_a_fit, AFTER, MAIN_BY)
    assert error_text("en", error) == (
        "Already answered by Kim, and only they can change it: “Interested (will follow up)”."
    )
    assert error_text("ko", error).startswith("Kim 님이 이미 상담 결과를 답했고")
    refusal(engine, my_answer, meeting, s1, AFTER, MAIN_BY)  # ✏️ change, 💵 value, 📝 note
    with pytest.raises(AnsweredBy), session_scope(engine) as session:
        set_details(session, meeting, s1, AFTER, note="from the main contact", by=MAIN_BY)
    with session_scope(engine) as session:  # the writer corrects their own answer and adds to it
        record_outcome(session, meeting, s1, OutcomeResult.quote_requested, AFTER, kim)
        set_details(session, meeting, s1, AFTER, value_text="$15k", by=kim)
    with session_scope(engine) as session:
        [row] = session.exec(select(MeetingOutcome)).all()
        lines = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        actors = {a.admin_id for a in lines if a.action.startswith("outcome")}
    assert (row.result, row.value_usd, row.note, row.colleague_id) == (
        OutcomeResult.quote_requested,
        15_000,
        "",
        kim,
    )
    assert actors == {KIM}


def test_a_refill_offers_answer_names_who_gave_it(fair, engine):
    with session_scope(engine) as session:  # B1 gives the meeting up: S1 and B2 are offered it
        place = cancel(session, fair["meeting"], fair["B1"], CancelReason.cant_attend, BEFORE)
        offer = offer_next(session, place.place_id, BEFORE)
        assert answer_offer(session, offer.id, fair["S1"], True, BEFORE, fair["Kim"]).outcome == (
            Outcome.waiting
        )
    error = refusal(engine, answer_offer, offer.id, fair["S1"], False, BEFORE, MAIN_BY)
    assert error_text("ko", error) == "Kim 님이 이미 이 상담 제안을 수락했습니다."
    assert error_text("en", error) == "Already accepted by Kim."
