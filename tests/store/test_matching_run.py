"""The deadline and /match without Telegram: export -> solve -> store, once."""

import threading

import pytest
from sqlmodel import select

import builders
from builders import DEADLINE, NOW
from store.db import session_scope
from store.manual_matching import assign
from store.matching_run import ApplicationsOpen, close_at_deadline, run_matching
from store.models import Event, Meeting, Participant, Phase, Tier, UnscheduledPair

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
