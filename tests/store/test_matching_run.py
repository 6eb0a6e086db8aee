"""The deadline and /match without Telegram: export -> solve -> store, once."""

import threading

import pytest
from db_hooks import before_each_lock, book_left_out_pair
from sqlmodel import select

import builders
from builders import DEADLINE, NOW
from store.db import session_scope
from store.manual_matching import assign
from store.matching_run import (
    ApplicationsOpen,
    EventKeptChanging,
    close_at_deadline,
    run_matching,
)
from store.models import (
    Event,
    Meeting,
    Participant,
    Phase,
    Slot,
    Tier,
    Unavailability,
    UnscheduledPair,
)

ADMIN = 9000


def meetings(engine):
    with session_scope(engine) as session:
        rows = session.exec(select(Meeting)).all()
        return sorted((m.buyer_id, m.seller_id, m.slot_id, m.tier.value) for m in rows)


def test_the_deadline_closes_and_matches_once(engine, small_fair):
    with session_scope(engine) as session:
        assert close_at_deadline(session, DEADLINE - builders.timedelta(seconds=1)) is None
    with session_scope(engine) as session:
        summary = close_at_deadline(session, DEADLINE)
    assert summary is not None and summary.stored
    # Nine candidate pairs, a cap of one meeting a day over two days: greedy places five.
    assert summary.meetings == {"fixed": 0, "mutual": 1, "buyer": 0, "seller": 4}
    assert summary.unscheduled == {"buyer_full": 2, "seller_full": 2}
    assert summary.low == {"cosmetics": [0, 2, 4]}
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().phase == Phase.matched
        assert close_at_deadline(session, DEADLINE) is None
    assert len(meetings(engine)) == 5


def test_two_processes_at_the_deadline_run_one_matching(engine, small_fair):
    barrier = threading.Barrier(2)
    results = []

    def process():
        barrier.wait()
        with session_scope(engine) as session:
            results.append(close_at_deadline(session, DEADLINE))

    threads = [threading.Thread(target=process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r is None for r in results) == [False, True]
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().matching_runs == 1


def test_match_is_refused_while_open_but_a_dry_run_stores_nothing(engine, small_fair):
    with session_scope(engine) as session, pytest.raises(ApplicationsOpen):
        run_matching(session, NOW, ADMIN)
    with session_scope(engine) as session:
        preview = run_matching(session, NOW, ADMIN, dry=True)
    assert preview.total == 5 and preview.added == 5 and not preview.stored
    assert meetings(engine) == []


def test_match_twice_gives_the_same_schedule_and_keeps_fixed_meetings(engine, small_fair):
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)
    with session_scope(engine) as session:
        left_out = session.exec(select(UnscheduledPair)).first()
        buyer, seller = (
            session.get(Participant, i).code for i in (left_out.buyer_id, left_out.seller_id)
        )
        fixed = assign(session, ADMIN, buyer, seller, over_cap=True)
    with session_scope(engine) as session:
        first = run_matching(session, DEADLINE, ADMIN)
    once = meetings(engine)
    with session_scope(engine) as session:
        again = run_matching(session, DEADLINE, ADMIN)
    assert meetings(engine) == once and again.added == again.removed == 0
    assert first.meetings["fixed"] == 1
    with session_scope(engine) as session:
        kept = session.get(Meeting, fixed.id)
        assert kept is not None and kept.tier == Tier.fixed
        reasons = {u.reason for u in session.exec(select(UnscheduledPair)).all()}
    assert reasons <= {"buyer_full", "seller_full", "both_full", "no_common_free_slot"}


def test_an_assign_during_the_solve_makes_match_solve_again_outside_the_lock(engine, small_fair):
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)
    with (
        before_each_lock(engine, lambda: book_left_out_pair(engine), times=1) as landed,
        session_scope(engine) as session,
    ):
        summary = run_matching(session, DEADLINE, ADMIN)
    # Two locks taken: the first found the event changed, let go, and the run solved again.
    assert len(landed) == 1
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().matching_runs == 1 + 1  # deadline + this one
    assert summary.meetings["fixed"] == 1  # the second solve saw the assigned meeting
    stored = meetings(engine)
    assert sum(tier == "fixed" for *_, tier in stored) == 1
    slots_of = [(b, s) for b, _, s, _ in stored] + [(se, s) for _, se, s, _ in stored]
    assert len(slots_of) == len(set(slots_of))  # nobody is in two meetings at once


def test_an_event_that_changes_during_every_solve_stores_nothing(engine, small_fair):
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)
    before = meetings(engine)
    with (
        before_each_lock(engine, lambda: book_left_out_pair(engine), times=3) as landed,
        session_scope(engine) as session,
        pytest.raises(EventKeptChanging),
    ):
        run_matching(session, DEADLINE, ADMIN, attempts=3)
    assert len(landed) == 3
    after = meetings(engine)
    # Only the three bookings by hand changed anything; the matching stored nothing.
    assert len(after) == len(before) + 3
    assert sorted(set(after) - set(before), key=str) == sorted(
        [m for m in after if m[3] == "fixed"], key=str
    )
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().matching_runs == 1


def test_the_deadline_solves_again_when_the_event_changed_meanwhile(engine, small_fair):
    # A buyer switches a slot off while the deadline's matching is solving (an admin's tool).
    def switch_off():
        with session_scope(engine) as session:
            buyer = session.exec(select(Participant).where(Participant.code == "B1")).one()
            first = session.exec(select(Slot).order_by(Slot.id)).first()
            session.add(Unavailability(participant_id=buyer.id, slot_id=first.id))

    with (
        before_each_lock(engine, switch_off, times=1) as landed,
        session_scope(engine) as session,
    ):
        summary = close_at_deadline(session, DEADLINE)
    assert len(landed) == 1 and summary is not None and summary.stored
    with session_scope(engine) as session:
        event = session.exec(select(Event)).one()
        assert (event.phase, event.matching_runs) == (Phase.matched, 1)
        b1 = session.exec(select(Participant).where(Participant.code == "B1")).one()
        first = session.exec(select(Slot).order_by(Slot.id)).first()
        assert not [
            m for m in session.exec(select(Meeting)) if (m.buyer_id, m.slot_id) == (b1.id, first.id)
        ]
