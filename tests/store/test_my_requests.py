"""📋 My requests as one store call per press: the summary, a page, an action on a page."""

from datetime import timedelta

import pytest

import builders
from builders import DEADLINE, NOW
from store.colleagues import invite, revoke
from store.db import session_scope
from store.errors import ApplicationsClosed, NotFound, NotYours, RequestChanged
from store.models import RequestStatus
from store.my_requests import act_on_page, act_on_request, request_involved, request_page, summary
from store.requests import accept_request, send_request


@pytest.fixture
def people(engine):
    with session_scope(engine) as session:
        builders.event(session)
        codes = ("B1", "B2", *(f"S{n}" for n in range(1, 8)))
        return {code: builders.participant(session, code).id for code in codes}


def test_the_summary_counts_each_list_and_says_when_applications_closed(engine, people):
    b1 = people["B1"]
    with session_scope(engine) as session:
        send_request(session, b1, people["S1"], NOW)  # mine
        send_request(session, people["S2"], b1, NOW)  # received
        accepted = send_request(session, people["S3"], b1, NOW)
        accept_request(session, accepted.id, b1, NOW)  # mutual
    with session_scope(engine) as session:
        opened = summary(session, b1, NOW)
        closed = summary(session, b1, DEADLINE)
    assert opened.counts == {"mutual": 1, "received": 1, "mine": 1}
    assert (opened.closed, closed.closed) == (False, True)


def test_a_page_holds_its_entries_with_their_companies_and_a_page_past_the_end_shows_the_last(
    engine, people
):
    b1 = people["B1"]
    with session_scope(engine) as session:
        for n in range(1, 8):
            send_request(session, b1, people[f"S{n}"], NOW + timedelta(minutes=n))
    with session_scope(engine) as session:
        first = request_page(session, b1, "mine", 1, 5, NOW)
        last = request_page(session, b1, "mine", 9, 5, NOW)
    assert [p.counterpart.code for p in first.entries] == ["S1", "S2", "S3", "S4", "S5"]
    assert (first.first, first.total, first.pages, first.timezone) == (1, 7, 2, "Asia/Seoul")
    assert [p.counterpart.code for p in last.entries] == ["S6", "S7"]
    assert (last.number, last.first) == (2, 6)
    assert last.entries[0].counterpart.company == "Company S6"


def test_an_action_on_a_page_returns_both_sides_and_the_page_as_it_is_now(engine, people):
    b1, s1 = people["B1"], people["S1"]
    with session_scope(engine) as session:
        request = send_request(session, s1, b1, NOW, note="hello")
    with session_scope(engine) as session:
        after = act_on_page(session, b1, "acc", request.id, "received", 1, 5, NOW)
    assert after.refused is None
    assert after.involved.request.status == RequestStatus.accepted
    assert (after.involved.requester.code, after.involved.target.code) == ("S1", "B1")
    assert after.page.entries == [] and after.page.total == 0
    with session_scope(engine) as session:
        assert request_involved(session, request.id).request.note == "hello"


@pytest.mark.parametrize(
    ("who", "action", "when", "refusal"),
    [
        ("S2", "acc", NOW, NotYours),  # someone else's request
        ("B1", "can", NOW, NotYours),  # only the requester withdraws
        ("B1", "acc", DEADLINE, ApplicationsClosed),
    ],
)
def test_a_refused_action_changes_nothing_and_still_shows_the_page(
    engine, people, who, action, when, refusal
):
    with session_scope(engine) as session:
        request = send_request(session, people["S1"], people["B1"], NOW)
    with session_scope(engine) as session:
        after = act_on_page(session, people[who], action, request.id, "received", 1, 5, when)
    assert isinstance(after.refused, refusal) and after.involved is None
    with session_scope(engine) as session:
        assert request_involved(session, request.id).request.status == RequestStatus.pending


def test_an_answer_to_a_request_answered_meanwhile_says_how_it_stands(engine, people):
    b1 = people["B1"]
    with session_scope(engine) as session:
        request = send_request(session, people["S1"], b1, NOW)
        accept_request(session, request.id, b1, NOW)
    with session_scope(engine) as session, pytest.raises(RequestChanged) as changed:
        act_on_request(session, b1, "rej", request.id, NOW)
    assert changed.value.values["status"] == RequestStatus.accepted
    with session_scope(engine) as session, pytest.raises(NotFound):
        act_on_request(session, b1, "acc", 9999, NOW)


def test_a_request_comes_with_each_sides_joined_colleagues_to_tell(engine, people):
    s1 = people["S1"]
    with session_scope(engine) as session:
        builders.colleague(session, s1, 1001, 5001, "Kim", "en")
        builders.colleague(session, s1, 1001, 5002, "Lee", "ko")
        gone = builders.colleague(session, s1, 1001, 5003, "Park", "ko")
        revoke(session, s1, gone.id, 1001, NOW)
        invite(session, s1, 1001, NOW)  # not opened: nobody to tell
        sent = send_request(session, s1, people["B1"], NOW)
    with session_scope(engine) as session:
        found = request_involved(session, sent.id)
    assert found.chats_of(found.requester) == ((5001, "en"), (5002, "ko"))
    assert found.chats_of(found.target) == ()
