"""Two people acting on the same request at the same moment, each in their own session."""

import threading

import pytest

import builders
from builders import NOW
from store.db import session_scope
from store.errors import DuplicateRequest, RequestChanged
from store.models import MeetingRequest, RequestStatus
from store.requests import accept_request, cancel_request, request_lists, send_request

ROUNDS = 15


def race(*actions):
    """Runs the actions in threads released together; returns each one's result or error."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            results[index] = action()
        except Exception as error:  # the loser's refusal is the result under test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def pair(engine):
    with session_scope(engine) as session:
        builders.event(session)
        return builders.participant(session, "B1").id, builders.participant(session, "S1").id


def in_own_session(engine, operation, *args):
    def action():
        with session_scope(engine) as session:
            return operation(session, *args).status

    return action


def test_accept_and_cancel_at_once_end_in_one_consistent_state(engine, pair):
    buyer, seller = pair
    for _ in range(ROUNDS):
        with session_scope(engine) as session:
            request = send_request(session, buyer, seller, NOW)
        accepted, cancelled = race(
            in_own_session(engine, accept_request, request.id, seller, NOW),
            in_own_session(engine, cancel_request, request.id, buyer, NOW),
        )
        with session_scope(engine) as session:
            final = session.get(MeetingRequest, request.id).status
        # Cancel also withdraws an accepted request, so it always wins in the end; the accept
        # either went first (and was then withdrawn) or found the request already cancelled.
        assert cancelled == RequestStatus.cancelled
        assert accepted == RequestStatus.accepted or isinstance(accepted, RequestChanged)
        assert final == RequestStatus.cancelled


def test_two_answers_at_once_only_one_counts(engine, pair):
    buyer, seller = pair
    for _ in range(ROUNDS):
        with session_scope(engine) as session:
            request = send_request(session, buyer, seller, NOW)
        results = race(
            in_own_session(engine, accept_request, request.id, seller, NOW),
            in_own_session(engine, accept_request, request.id, seller, NOW),
        )
        assert sorted(type(r).__name__ for r in results) == ["RequestChanged", "RequestStatus"]
        with session_scope(engine) as session:
            cancel_request(session, request.id, buyer, NOW)


def test_the_same_request_sent_twice_at_once_is_stored_once(engine, pair):
    buyer, seller = pair
    results = race(
        in_own_session(engine, send_request, buyer, seller, NOW),
        in_own_session(engine, send_request, buyer, seller, NOW),
    )
    assert sum(isinstance(r, DuplicateRequest) for r in results) == 1
    with session_scope(engine) as session:
        assert len(request_lists(session, buyer).mine) == 1
