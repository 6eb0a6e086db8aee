"""🔎 Find's company card as one store call per press: sending from the card, acting on it."""

import pytest

import builders
from builders import DEADLINE, NOW
from store.company_card import act_on_card, open_card, send_from_card
from store.db import session_scope
from store.errors import ApplicationsClosed, DuplicateRequest, NotYours
from store.models import Participant, RequestStatus
from store.search import Stance


@pytest.fixture
def people(engine):
    with session_scope(engine) as session:
        builders.event(session)
        return {code: builders.participant(session, code).id for code in ("B1", "S1", "S2")}


def test_a_request_sent_from_the_card_returns_both_sides_and_the_card_as_it_is_now(engine, people):
    b1, s1 = people["B1"], people["S1"]
    with session_scope(engine) as session:
        sent = send_from_card(session, b1, s1, NOW, "hello")
    assert (sent.involved.requester.code, sent.involved.target.code) == ("B1", "S1")
    assert sent.card.card.stance == Stance.requested and sent.card.open
    assert sent.card.card.mine.note == "hello"
    with session_scope(engine) as session, pytest.raises(DuplicateRequest):
        send_from_card(session, b1, s1, NOW, "")
    with session_scope(engine) as session:
        assert not open_card(session, b1, s1, DEADLINE).open


def test_an_answer_on_the_card_shows_the_card_of_the_other_side(engine, people):
    b1, s1 = people["B1"], people["S1"]
    with session_scope(engine) as session:
        request = send_from_card(session, b1, s1, NOW, "").involved.request
    with session_scope(engine) as session:
        with pytest.raises(NotYours):
            act_on_card(session, people["S2"], "acc", request.id, NOW)
        with pytest.raises(ApplicationsClosed):
            act_on_card(session, s1, "acc", request.id, DEADLINE)
        after = act_on_card(session, s1, "acc", request.id, NOW)
    assert after.involved.request.status == RequestStatus.accepted
    assert after.card.card.company.code == "B1" and after.card.card.stance == Stance.mutual


def test_an_action_stands_when_the_other_company_left_meanwhile(engine, people):
    b1, s1 = people["B1"], people["S1"]
    with session_scope(engine) as session:
        request = send_from_card(session, b1, s1, NOW, "").involved.request
        session.get(Participant, s1).active = False  # withdrawn, as far as the card goes
    with session_scope(engine) as session:
        after = act_on_card(session, b1, "can", request.id, NOW)
    assert after.card is None and after.refused is not None
    assert after.involved.request.status == RequestStatus.cancelled
