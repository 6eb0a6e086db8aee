from datetime import timedelta

import pytest
from sqlmodel import Session

import builders
from builders import DEADLINE, NOW
from store.db import session_scope
from store.errors import (
    AlreadyFirst,
    AlreadyLast,
    ApplicationsClosed,
    DuplicateRequest,
    InvalidValue,
    NotFound,
    NotYours,
    RejectedBefore,
    RequestChanged,
    SameSide,
    SelfRequest,
)
from store.models import Event, MeetingRequest, Phase, RequestStatus
from store.requests import (
    accept_request,
    cancel_request,
    move_request,
    pair_with,
    reject_request,
    request_lists,
    send_request,
)


@pytest.fixture
def people(engine):
    with session_scope(engine) as session:
        builders.event(session)
        made = {
            code: builders.participant(session, code).id for code in ("B1", "B2", "S1", "S2", "S3")
        }
    return made


def ranks(session: Session, sender: int) -> dict[int, int]:
    lists = request_lists(session, sender)
    pairs = lists.mine + lists.mutual
    return {p.counterpart.id: p.mine.rank for p in pairs if p.mine is not None}


def test_a_request_goes_to_the_other_side_ranked_last(engine, people):
    with session_scope(engine) as session:
        first = send_request(session, people["B1"], people["S1"], NOW, note=" hello 안녕 ")
        second = send_request(session, people["B1"], people["S2"], NOW)
    assert (first.rank, second.rank) == (1, 2)
    assert first.note == "hello 안녕"
    assert first.status == RequestStatus.pending


@pytest.mark.parametrize(
    ("sender", "target", "error"),
    [("B1", "B1", SelfRequest), ("B1", "B2", SameSide), ("S1", "S2", SameSide)],
)
def test_requests_to_yourself_or_your_own_side_are_refused(engine, people, sender, target, error):
    with session_scope(engine) as session, pytest.raises(error):
        send_request(session, people[sender], people[target], NOW)


def test_a_second_live_request_to_the_same_company_is_refused(engine, people):
    with session_scope(engine) as session:
        send_request(session, people["B1"], people["S1"], NOW)
    with session_scope(engine) as session, pytest.raises(DuplicateRequest):
        send_request(session, people["B1"], people["S1"], NOW)
    with session_scope(engine) as session:
        assert len(request_lists(session, people["B1"]).mine) == 1


def test_after_cancelling_you_may_ask_again_but_not_after_a_rejection(engine, people):
    with session_scope(engine) as session:
        cancelled = send_request(session, people["B1"], people["S1"], NOW)
        cancel_request(session, cancelled.id, people["B1"], NOW)
        send_request(session, people["B1"], people["S1"], NOW)
        rejected = send_request(session, people["B1"], people["S2"], NOW)
        reject_request(session, rejected.id, people["S2"], NOW)
    with session_scope(engine) as session, pytest.raises(RejectedBefore):
        send_request(session, people["B1"], people["S2"], NOW)


def test_an_overlong_note_is_refused(engine, people):
    with session_scope(engine) as session, pytest.raises(InvalidValue):
        send_request(session, people["B1"], people["S1"], NOW, note="가" * 301)


@pytest.mark.parametrize("when", [DEADLINE, DEADLINE + timedelta(hours=1)])
def test_nothing_changes_after_the_deadline(engine, people, when):
    with session_scope(engine) as session:
        request = send_request(session, people["B1"], people["S1"], NOW)
    actions = [
        lambda s: send_request(s, people["B1"], people["S2"], when),
        lambda s: accept_request(s, request.id, people["S1"], when),
        lambda s: reject_request(s, request.id, people["S1"], when),
        lambda s: cancel_request(s, request.id, people["B1"], when),
        lambda s: move_request(s, request.id, people["B1"], 1, when),
    ]
    for action in actions:
        with session_scope(engine) as session, pytest.raises(ApplicationsClosed):
            action(session)
    with session_scope(engine) as session:
        assert session.get(MeetingRequest, request.id).status == RequestStatus.pending


def test_a_closed_phase_refuses_even_before_the_deadline(engine, people):
    with session_scope(engine) as session:
        event = session.get(Event, 1)
        event.phase = Phase.closed
    with session_scope(engine) as session, pytest.raises(ApplicationsClosed):
        send_request(session, people["B1"], people["S1"], NOW)


def test_only_the_target_answers_and_only_the_sender_cancels(engine, people):
    with session_scope(engine) as session:
        request = send_request(session, people["B1"], people["S1"], NOW)
    for action in (
        lambda s: accept_request(s, request.id, people["B1"], NOW),
        lambda s: reject_request(s, request.id, people["S2"], NOW),
        lambda s: cancel_request(s, request.id, people["S1"], NOW),
    ):
        with session_scope(engine) as session, pytest.raises(NotYours):
            action(session)
    with session_scope(engine) as session, pytest.raises(NotFound):
        accept_request(session, 9999, people["S1"], NOW)


def test_a_request_answered_once_cannot_be_answered_again(engine, people):
    with session_scope(engine) as session:
        request = send_request(session, people["B1"], people["S1"], NOW)
        accept_request(session, request.id, people["S1"], NOW)
    with session_scope(engine) as session, pytest.raises(RequestChanged) as changed:
        reject_request(session, request.id, people["S1"], NOW)
    assert changed.value.values["status"] == RequestStatus.accepted
    with session_scope(engine) as session, pytest.raises(RequestChanged):
        accept_request(session, request.id, people["S1"], NOW)


def test_the_three_lists_follow_the_manual(engine, people):
    b1, s1, s2, s3 = people["B1"], people["S1"], people["S2"], people["S3"]
    with session_scope(engine) as session:
        send_request(session, b1, s1, NOW)  # B1 asks S1, S1 asks back: mutual
        send_request(session, s1, b1, NOW + timedelta(minutes=1))
        accepted = send_request(session, s2, b1, NOW)  # S2 asks, B1 accepts: mutual
        accept_request(session, accepted.id, b1, NOW)
        send_request(session, s3, b1, NOW)  # received
    with session_scope(engine) as session:
        lists = request_lists(session, b1)
        assert {p.counterpart.code for p in lists.mutual} == {"S1", "S2"}
        assert [p.counterpart.code for p in lists.received] == ["S3"]
        assert lists.mine == []
        seller_view = request_lists(session, s3)
        assert [p.counterpart.code for p in seller_view.mine] == ["B1"]
        assert pair_with(session, b1, s3).theirs is not None
        assert pair_with(session, people["B2"], s3) is None


def test_reordering_swaps_neighbours_and_keeps_ranks_without_gaps(engine, people):
    b1 = people["B1"]
    with session_scope(engine) as session:
        requests = [send_request(session, b1, people[s], NOW) for s in ("S1", "S2", "S3")]
        move_request(session, requests[2].id, b1, -1, NOW)
    with session_scope(engine) as session:
        order = [p.counterpart.code for p in request_lists(session, b1).mine]
        assert order == ["S1", "S3", "S2"]
        with pytest.raises(AlreadyFirst):
            move_request(session, requests[0].id, b1, -1, NOW)
        with pytest.raises(AlreadyLast):
            move_request(session, requests[1].id, b1, 1, NOW)
        with pytest.raises(NotYours):
            move_request(session, requests[0].id, people["S1"], 1, NOW)
    with session_scope(engine) as session:
        cancel_request(session, requests[0].id, b1, NOW)
    with session_scope(engine) as session:
        assert sorted(ranks(session, b1).values()) == [1, 2]
        assert [p.counterpart.code for p in request_lists(session, b1).mine] == ["S3", "S2"]


def test_a_rejection_closes_the_gap_in_the_senders_ranks(engine, people):
    b1 = people["B1"]
    with session_scope(engine) as session:
        first = send_request(session, b1, people["S1"], NOW)
        send_request(session, b1, people["S2"], NOW)
        reject_request(session, first.id, people["S1"], NOW)
    with session_scope(engine) as session:
        assert ranks(session, b1) == {people["S2"]: 1}
