"""The notice outbox: queued once, claimed by one sender at a time (raced from threads as bot
processes would), taken over after a dead sender's lease, given up when of no use, and
counted over the whole round."""

from datetime import timedelta

from sqlmodel import select
from test_races import race

import builders
from builders import NOW
from store import notices
from store.db import session_scope
from store.models import DeliveryStatus, Interpreter, Notice, NoticeKind, Participant

LEASE = timedelta(seconds=30)


def people(engine, count: int) -> list[int]:
    with session_scope(engine) as session:
        builders.event(session)
        return [
            builders.participant(session, f"P{n}", telegram_id=5000 + n).id for n in range(count)
        ]


def drafts(ids, kind=NoticeKind.survey, not_after=None):
    return [notices.Draft(kind, pid, "meeting-1", f"to {pid}", "", not_after) for pid in ids]


def test_a_notice_is_queued_once_whoever_queues_it(engine):
    ids = people(engine, 5)
    results = race(*(lambda: _queue(engine, drafts(ids)) for _ in range(4)))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(len(r) for r in results) == [0, 0, 0, 5]
    with session_scope(engine) as session:
        assert len(session.exec(select(Notice)).all()) == 5


def _queue(engine, batch):
    with session_scope(engine) as session:
        return notices.queue(session, batch)


def test_concurrent_senders_claim_each_notice_once(engine):
    ids = people(engine, 40)
    _queue(engine, drafts(ids))

    def sender(name):
        taken = []
        while True:
            with session_scope(engine) as session:
                got = notices.claim(session, name, NOW, LEASE)
            if not got:
                return taken
            with session_scope(engine) as session:
                notices.finish(session, got[0], name, DeliveryStatus.sent, NOW)
            taken += got

    results = race(*(lambda n=n: sender(f"s{n}") for n in range(6)))
    assert not [r for r in results if isinstance(r, Exception)]
    claimed = [row for result in results for row in result]
    assert len(claimed) == len(set(claimed)) == 40
    with session_scope(engine) as session:
        assert notices.tally(session, NoticeKind.survey, 0).sent == 40


def test_a_dead_senders_notice_is_taken_over_after_the_lease(engine):
    ids = people(engine, 1)
    [notice] = _queue(engine, drafts(ids))
    with session_scope(engine) as session:
        assert notices.claim(session, "dead", NOW, LEASE) == [notice]
    with session_scope(engine) as session:
        assert not notices.claimable(session, NOW + LEASE / 2, LEASE)
        assert notices.claim(session, "next", NOW + LEASE / 2, LEASE) == []
        assert notices.claimable(session, NOW + LEASE * 2, LEASE)
        assert notices.claim(session, "next", NOW + LEASE * 2, LEASE) == [notice]
    with session_scope(engine) as session:  # the dead sender's late word changes nothing
        notices.finish(session, notice, "dead", DeliveryStatus.sent, NOW)
        assert not notices.failed_once(session, notice, "dead", NOW, "502")
        assert session.get(Notice, notice).status == DeliveryStatus.pending


def test_a_notice_of_no_use_or_to_a_blocked_participant_is_not_sent(engine):
    ids = people(engine, 3)
    start = NOW + timedelta(minutes=10)
    late, blocked, fine = _queue(engine, drafts(ids, NoticeKind.meeting, start))
    with session_scope(engine) as session:
        session.get(Participant, ids[1]).blocked_bot_at = NOW
    with session_scope(engine) as session:
        assert notices.prepare(session, late, start) == DeliveryStatus.given_up
        assert notices.prepare(session, blocked, NOW) == DeliveryStatus.blocked
        outgoing = notices.prepare(session, fine, NOW)
        assert (outgoing.telegram_id, outgoing.text) == (5002, f"to {ids[2]}")
    with session_scope(engine) as session:
        assert session.get(Notice, late).error == notices.TOO_LATE
        counts = notices.tally(session, NoticeKind.meeting, 0)
        assert (counts.given_up, counts.blocked, counts.left, counts.total) == (1, 1, 1, 3)


def test_the_survey_report_goes_once_when_every_question_is_done(engine):
    ids = people(engine, 2)
    with session_scope(engine) as session:
        assert not notices.survey_report_may_be_due(session)  # no question asked yet
    first, second = _queue(engine, drafts(ids))
    with session_scope(engine) as session:
        notices.claim(session, "me", NOW, LEASE, limit=2)
        notices.finish(session, first, "me", DeliveryStatus.sent, NOW)
        assert notices.survey_report_may_be_due(session)
        assert notices.claim_survey_report(session, NOW, LEASE) is None  # one is still going out
        notices.finish(session, second, "me", DeliveryStatus.blocked, NOW)
        assert session.get(Participant, ids[1]).blocked_bot_at == NOW
    reports = race(*(lambda: _report(engine, NOW) for _ in range(3)))
    [report] = [r for r in reports if r is not None]
    assert (report.sent, report.blocked, report.total) == (1, 1, 2)
    assert _report(engine, NOW) is None  # its sender holds it
    later = NOW + LEASE + timedelta(seconds=1)
    assert _report(engine, later) == report  # that sender died before recording it sent
    with session_scope(engine) as session:
        notices.survey_report_sent(session, NOW)  # the dead sender's claim is gone
        assert notices.survey_report_may_be_due(session)
        notices.survey_report_sent(session, later)
        assert not notices.survey_report_may_be_due(session)  # it went out


def _report(engine, now):
    with session_scope(engine) as session:
        return notices.claim_survey_report(session, now, LEASE)


def test_a_participants_notices_go_out_in_the_order_queued(engine):
    [person] = people(engine, 1)
    first, second = _queue(
        engine,
        [notices.Draft(NoticeKind.survey, person, key, key) for key in ("meeting-1", "meeting-2")],
    )
    with session_scope(engine) as session:
        assert notices.claim(session, "a", NOW, LEASE, limit=2) == [first]
        assert notices.claim(session, "b", NOW, LEASE, ids=[second]) == []
        notices.finish(session, first, "a", DeliveryStatus.sent, NOW)
        assert notices.claim(session, "b", NOW, LEASE) == [second]


def test_an_interpreters_notice_goes_to_the_interpreter_and_blocks_nobody_else(engine):
    [buyer] = people(engine, 1)
    with session_scope(engine) as session:
        aoki = Interpreter(code="I1", name="Aoki", languages="ja", invite_token="t" * 16)
        gone = Interpreter(code="I2", name="Ito", languages="ja", invite_token="u" * 16)
        aoki.telegram_id, gone.telegram_id, gone.active = 7001, 7002, False
        session.add_all([aoki, gone])
        session.flush()
        ids = aoki.id, gone.id
    batch = [
        notices.Draft(NoticeKind.interpreter, buyer, f"slot-1-{i}", "🔔", interpreter_id=i)
        for i in ids
    ]
    first, second = _queue(engine, batch)
    with session_scope(engine) as session:
        sent = notices.prepare(session, first, NOW)
        assert isinstance(sent, notices.Outgoing) and sent.telegram_id == 7001
        assert notices.prepare(session, second, NOW) == DeliveryStatus.given_up
        [mine] = notices.claim(session, "s", NOW, LEASE, ids=[first])
        notices.finish(session, mine, "s", DeliveryStatus.blocked, NOW)
    with session_scope(engine) as session:
        assert session.get(Participant, buyer).blocked_bot_at is None
