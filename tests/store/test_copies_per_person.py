"""Announcements and broadcasts per person: a copy for a company's main contact and one for each
colleague who joined, each in their own language and claimed on its own, so a sender that dies
midway leaves only the unsent copies (nobody twice, nobody missed); a revoked colleague gets
nothing more, one who joins after the announcement gets the current timetable."""

from datetime import timedelta

from sqlmodel import select

import builders
from builders import NOW
from builders import TEAM_KIM as KIM
from builders import TEAM_MAIN as MAIN
from store import announce, broadcast
from store.colleagues import join_colleague, revoke
from store.db import session_scope
from store.models import AnnouncementDelivery, Colleague, DeliveryStatus, Phase
from store.readers import account_blocked

LEASE = timedelta(seconds=30)
PARK = 5003


def team(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return builders.team(session, Phase.matched)


def send_round(engine, holder: str, now, stop_after: int | None = None) -> dict[int, str]:
    """A sender claiming and sending the round's copies (what jobs/announce.py records); it
    dies after `stop_after` of them. The chats reached, with the language of each."""
    reached = {}
    with session_scope(engine) as session:
        round_number = session.exec(select(AnnouncementDelivery.round)).first()
    while stop_after is None or len(reached) < stop_after:
        with session_scope(engine) as session:
            claimed = announce.claim(session, round_number, holder, now, LEASE)
            if not claimed:
                break
            for job in announce.prepare(session, claimed):
                reached[job.telegram_id] = job.language
                announce.part_sent(session, job.delivery_id, 1, True, now, holder)
    return reached


def test_a_round_has_a_copy_per_person_and_resumes_only_the_unsent_ones(engine):
    ids = team(engine)
    with session_scope(engine) as session:
        started = announce.start_round(session, builders.ADMIN, builders.ADMIN, 1)
        rows = session.exec(select(AnnouncementDelivery).order_by(AnnouncementDelivery.id)).all()
    assert (started.queued, started.never_joined, started.blocked) == (4, 1, 0)
    assert [(r.participant_id, r.colleague_id) for r in rows] == [
        (ids["S1"], 0),
        (ids["S1"], ids["Kim"]),
        (ids["S1"], ids["Lee"]),
        (ids["S2"], 0),
    ]
    first = send_round(engine, "dies", NOW, stop_after=2)
    assert first == {MAIN: "ko", KIM: "en"}
    with session_scope(engine) as session:  # it takes Lee's copy, then dies; Lee is revoked
        [held] = announce.claim(session, started.number, "dies", NOW, LEASE)
        revoke(session, ids["S1"], ids["Lee"], MAIN, NOW)
    assert held == rows[2].id
    assert send_round(engine, "other", NOW) == {1002: "en"}  # Lee's copy is still held
    later = NOW + LEASE + timedelta(seconds=1)
    assert send_round(engine, "other", later) == {}  # taken again: revoked, nothing sent
    with session_scope(engine) as session:
        progress = announce.progress(session, started.number)
        assert announce.report_due(session) == started.number
    assert (progress.total, progress.counts["sent"], progress.counts["failed"]) == (4, 3, 1)


def test_a_round_nobody_can_be_reached_by_queues_nothing_and_is_done_at_once(engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1")  # never opened the bot
        builders.set_phase(session, Phase.matched)
        started = announce.start_round(session, builders.ADMIN, builders.ADMIN, 1)
        assert (started.queued, started.never_joined) == (0, 1)
        assert session.exec(select(AnnouncementDelivery)).all() == []
        assert announce.report_due(session) == started.number


def test_each_person_is_compared_with_what_they_were_sent(engine):
    ids = team(engine)
    with session_scope(engine) as session:
        announce.start_round(session, builders.ADMIN, builders.ADMIN, 1)
    send_round(engine, "a", NOW)
    with session_scope(engine) as session:  # Kim blocks the bot; Park joins after the round
        account_blocked(session, KIM, NOW)
        park = session.get(Colleague, ids["link"])
        joined = join_colleague(session, park.invite_token, PARK, "Park", "en", NOW)
    assert joined.announced == 1
    assert send_round(engine, "a", NOW) == {PARK: "en"}  # the current timetable, once
    with session_scope(engine) as session:
        again = join_colleague(session, park.invite_token, PARK, "Park", "en", NOW)
        assert again.again and again.announced is None
        second = announce.start_round(session, builders.ADMIN, builders.ADMIN, 2)
        rows = session.exec(select(AnnouncementDelivery).where(AnnouncementDelivery.round == 2))
        copies = {r.colleague_id: r.id for r in rows if r.participant_id == ids["S1"]}
    assert (second.queued, second.blocked) == (4, 1)  # Kim is left out
    assert set(copies) == {0, ids["Lee"], ids["link"]}
    with session_scope(engine) as session:
        assert announce.prepare(session, list(copies.values())) == []  # nothing new for anyone
        statuses = {session.get(AnnouncementDelivery, c).status for c in copies.values()}
    assert statuses == {DeliveryStatus.unchanged}


def test_a_broadcast_reaches_each_person_once_in_their_language(engine):
    ids = team(engine)
    with session_scope(engine) as session:
        assert broadcast.audience(session, None) == 4
        sent = broadcast.start(session, None, "", 1, 1, "en", bodies={"ko": "안내", "en": "Notice"})
    with session_scope(engine) as session:
        first = broadcast.claim(session, sent, "dies", NOW, LEASE, limit=2)
        broadcast.finish(session, first[0].id, DeliveryStatus.sent, NOW)  # then it dies
        revoke(session, ids["S1"], ids["Lee"], MAIN, NOW)
    later = NOW + LEASE + timedelta(seconds=1)
    reached = [(first[0].reader.telegram_id, first[0].text_for(first[0].reader.language))]
    with session_scope(engine) as session:
        while claimed := broadcast.claim(session, sent, "other", later, LEASE, limit=2):
            for delivery in claimed:
                language = delivery.reader.language
                reached.append((delivery.reader.telegram_id, delivery.text_for(language)))
                broadcast.finish(session, delivery.id, DeliveryStatus.sent, later)
        report = broadcast.final_report(session, sent)
    assert sorted(reached) == [(MAIN, "안내"), (1002, "Notice"), (KIM, "Notice")]
    assert report.counts == {"sent": 3, "failed": 1, "blocked": 0}  # Lee: revoked
