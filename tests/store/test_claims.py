"""Delivery claims, per-user holds and the shared sending pace, raced from threads as bot
processes would: every row goes to exactly one claimer, each claim within its limit."""

import itertools
from datetime import timedelta

from sqlmodel import select
from test_races import race

import builders
from builders import NOW
from store.announce import claim, claimable_round, start_round
from store.db import session_scope
from store.matching_run import close_at_deadline
from store.models import AnnouncementDelivery
from store.send_pace import reserve
from store.user_state import put_back, take

WORKERS = 8
LIMIT = 2


def announced(engine, people: int) -> int:
    with session_scope(engine) as session:
        builders.event(session)
        for n in range(people):
            builders.participant(session, f"P{n}", telegram_id=5000 + n)
    with session_scope(engine) as session:
        close_at_deadline(session, builders.DEADLINE)
    with session_scope(engine) as session:
        return start_round(session, 9000, 9000, 1).number


def test_concurrent_claimers_get_disjoint_rows_until_none_is_left(engine):
    round_number = announced(engine, 40)

    def worker(name):
        batches = []
        while True:
            with session_scope(engine) as session:
                got = claim(session, round_number, name, NOW, limit=LIMIT)
            if not got:
                return batches
            batches.append(got)

    results = race(*(lambda n=n: worker(f"w{n}") for n in range(WORKERS)))
    assert not [r for r in results if isinstance(r, Exception)]
    batches = [batch for result in results for batch in result]
    assert all(len(batch) <= LIMIT for batch in batches)
    claimed = [row for batch in batches for row in batch]
    assert len(claimed) == len(set(claimed)) == 40
    assert sum(1 for result in results if result) > 1  # the work is spread, not one worker's


def test_a_dead_holders_claims_are_taken_again_after_the_lease(engine):
    round_number = announced(engine, 3)
    lease = timedelta(seconds=5)
    with session_scope(engine) as session:
        assert len(claim(session, round_number, "dead", NOW, lease, limit=10)) == 3
    with session_scope(engine) as session:
        assert claimable_round(session, NOW + timedelta(seconds=4), lease) is None
        assert claim(session, round_number, "alive", NOW + timedelta(seconds=4), lease) == []
    later = NOW + timedelta(seconds=6)
    with session_scope(engine) as session:
        assert claimable_round(session, later, lease) == round_number
        assert len(claim(session, round_number, "alive", later, lease, limit=10)) == 3
    with session_scope(engine) as session:
        holders = {d.claimed_by for d in session.exec(select(AnnouncementDelivery)).all()}
    assert holders == {"alive"}


def test_one_user_is_held_by_one_process_at_a_time(engine):
    hold = timedelta(seconds=30)
    results = race(*(lambda n=n: _take(engine, f"p{n}", hold) for n in range(4)))
    assert sorted(result is not None for result in results) == [False, False, False, True]
    winner = f"p{[r is not None for r in results].index(True)}"
    with engine.begin() as connection:
        assert not put_back(connection, 42, "someone else", '{"data": {"x": 1}}')
        assert put_back(connection, 42, winner, '{"data": {"x": 2}}')
    assert _take(engine, "p9", hold) == '{"data": {"x": 2}}'
    # A holder that died: the user is free again once the hold ran out.
    with engine.begin() as connection:
        assert take(connection, 42, "p10", NOW + timedelta(seconds=10), hold) is None
        assert take(connection, 42, "p10", NOW + timedelta(seconds=31), hold) is not None


def _take(engine, name, hold):
    with engine.begin() as connection:
        return take(connection, 42, name, NOW, hold)


def test_processes_reserving_sending_slots_never_share_one(engine):
    interval = 1 / 28

    def reserve_some(n):
        firsts = []
        for _ in range(10):
            with session_scope(engine) as session:
                firsts.append(reserve(session, 2, interval, 1000.0))
        return firsts

    results = race(*(lambda n=n: reserve_some(n) for n in range(4)))
    slots = sorted(first + i * interval for firsts in results for first in firsts for i in range(2))
    assert len(slots) == 80
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert min(gaps) > interval * 0.99
