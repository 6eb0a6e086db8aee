"""A participant's notices reach its main contact and every colleague who joined, each in their
own language, each copy tracked on its own: a sender that dies resends only the copies not
sent, nobody gets one twice; a colleague who blocked the bot or was revoked is left out."""

from datetime import timedelta

from sqlmodel import select

import builders
from builders import NOW
from builders import TEAM_KIM as KIM
from builders import TEAM_LEE as LEE
from builders import TEAM_MAIN as MAIN
from store import notices
from store.colleagues import revoke
from store.db import session_scope
from store.models import Colleague, DeliveryStatus, Notice, NoticeKind, Participant
from store.withdrawal import withdraw

LEASE = timedelta(seconds=30)


def team(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return builders.team(session)


def draft(participant_id: int, key: str = "slot-1") -> notices.Draft:
    return notices.Draft(
        NoticeKind.meeting,
        participant_id,
        key,
        "회의 알림",
        '{"ko": 1}',
        translations={"en": ("Meeting reminder", '{"en": 1}')},
    )


def copies(engine) -> list[tuple[int, int, str, str]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Notice).order_by(Notice.id)).all()
        return [(n.participant_id, n.colleague_id, n.text, n.markup) for n in rows]


def queued(engine, *drafts: notices.Draft) -> list[int]:
    with session_scope(engine) as session:
        return notices.queue(session, list(drafts))


def test_each_joined_colleague_gets_a_copy_in_their_language(engine):
    ids = team(engine)
    assert len(queued(engine, draft(ids["S1"]), draft(ids["S2"]))) == 4
    assert copies(engine) == [
        (ids["S1"], 0, "회의 알림", '{"ko": 1}'),
        (ids["S1"], ids["Kim"], "Meeting reminder", '{"en": 1}'),
        (ids["S1"], ids["Lee"], "회의 알림", '{"ko": 1}'),
        (ids["S2"], 0, "회의 알림", '{"ko": 1}'),  # nobody else: no copies
    ]
    assert queued(engine, draft(ids["S1"])) == []  # queued once, whoever queues it again
    with session_scope(engine) as session:
        revoke(session, ids["S1"], ids["Lee"], MAIN, NOW)
    queued(engine, draft(ids["S1"], "slot-2"))
    later = [c for c in copies(engine) if c[0] == ids["S1"]][3:]
    assert [c[1] for c in later] == [0, ids["Kim"]]  # a revoked colleague gets no new ones


def test_each_copy_goes_to_its_own_account(engine):
    ids = team(engine)
    queued(engine, draft(ids["S1"]))
    sent_to = {}
    with session_scope(engine) as session:
        for notice_id in notices.claim(session, "a", NOW, LEASE, limit=10):
            outgoing = notices.prepare(session, notice_id, NOW)
            sent_to[outgoing.telegram_id] = outgoing.text
    assert sent_to == {MAIN: "회의 알림", KIM: "Meeting reminder", LEE: "회의 알림"}


def test_a_dead_sender_leaves_only_the_unsent_copies(engine):
    ids = team(engine)
    queued(engine, draft(ids["S1"]))
    with session_scope(engine) as session:
        taken = notices.claim(session, "dies", NOW, LEASE, limit=10)
        notices.finish(session, taken[0], "dies", DeliveryStatus.sent, NOW)  # then it dies
    later = NOW + LEASE + timedelta(seconds=1)
    with session_scope(engine) as session:
        assert notices.claim(session, "other", NOW, LEASE, limit=10) == []  # the lease holds
        retaken = notices.claim(session, "other", later, LEASE, limit=10)
    assert retaken == taken[1:]  # the main contact's copy is not sent again
    with session_scope(engine) as session:
        for notice_id in retaken:
            notices.finish(session, notice_id, "other", DeliveryStatus.sent, later)
        assert notices.claim(session, "third", later + LEASE * 3, LEASE, limit=10) == []
        counts = notices.tally(session, NoticeKind.meeting, 0)
    assert (counts.sent, counts.left) == (1, 0)  # counted per company


def test_a_colleague_who_blocked_the_bot_is_marked_not_the_company(engine):
    ids = team(engine)
    queued(engine, draft(ids["S1"]), draft(ids["S1"], "slot-2"))
    with session_scope(engine) as session:
        kims = session.exec(
            select(Notice.id).where(Notice.colleague_id == ids["Kim"]).order_by(Notice.id)
        ).all()
        notices.claim(session, "a", NOW, LEASE, ids=[kims[0]])
        notices.finish(session, kims[0], "a", DeliveryStatus.blocked, NOW)
    with session_scope(engine) as session:
        assert session.get(Colleague, ids["Kim"]).blocked_bot_at is not None
        assert session.get(Participant, ids["S1"]).blocked_bot_at is None
        notices.claim(session, "a", NOW, LEASE, ids=[kims[1]])
        assert notices.prepare(session, kims[1], NOW) == DeliveryStatus.blocked


def test_a_withdrawn_companys_colleagues_hear_the_withdrawal_only(engine):
    ids = team(engine)
    queued(engine, draft(ids["S1"]))
    with session_scope(engine) as session:
        withdraw(session, builders.ADMIN, "S1", "left", NOW)
    queued(engine, notices.Draft(NoticeKind.withdrawal, ids["S1"], "told", "취소", ""))
    with session_scope(engine) as session:
        outcome = {}
        for n in session.exec(select(Notice).where(Notice.colleague_id == ids["Kim"])).all():
            notices.claim(session, "a", NOW, LEASE, ids=[n.id])
            prepared = notices.prepare(session, n.id, NOW)
            outcome[n.kind] = getattr(prepared, "telegram_id", prepared)
    assert outcome == {NoticeKind.meeting: DeliveryStatus.given_up, NoticeKind.withdrawal: KIM}
