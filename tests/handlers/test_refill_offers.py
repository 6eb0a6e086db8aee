"""Standby refill through the fake Telegram server: a cancellation's slot offered to a pair,
declined and passed to the next pair, accepted by both and booked (timetable and calendar
file sent), an admin's /unassign offered too, and an offer that times out across a restart."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, give_up, organizer, process, until
from db_hooks import dies_after
from sqlmodel import select

import builders
from builders import NOW
from fake_telegram import DEFAULT_TOKEN
from store.db import make_engine, session_scope
from store.fairday import cancel
from store.models import (
    AuditLog,
    CancelReason,
    DeliveryStatus,
    Meeting,
    MeetingCancellation,
    Notice,
    NoticeKind,
    OfferState,
    Participant,
    Phase,
    RefillOffer,
    Slot,
)
from store.refill import offer_next
from store.requests import send_request

WAIT = 30.0
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
BEFORE = START - timedelta(minutes=30)
# What is queued by a process that died is sent by the jobs that look for work, every quarter of
# the lease (jobs/schedule.py): 0.5 s instead of the default's 10. The clock stands still, so no
# claim runs out.
LOOKS_OFTEN = timedelta(seconds=2)
PEOPLE = {"B1": 1001, "B2": 1002, "B3": 1003, "S1": 2001, "S2": 2002, "S3": 2003, "S4": 2004}


@pytest.fixture
def fair(engine, clock):
    """B1 meets S1 in D1-0900 and B2 meets S3 in D1-0930. Standby: B3 asked S2; S4 and S2
    asked B1 (S4 first). Buyers read English, Korean companies Korean."""
    with session_scope(engine) as session:
        builders.event(session)
        p = builders.bilingual_people(session, PEOPLE)
        send_request(session, p["B3"].id, p["S2"].id, NOW)
        send_request(session, p["S4"].id, p["B1"].id, NOW)
        send_request(session, p["S2"].id, p["B1"].id, NOW + timedelta(minutes=1))
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.meeting(session, p["B2"], p["S3"], "D1-0930")
        builders.set_phase(session, Phase.announced)
    clock.now = BEFORE


def says(fragment):
    return lambda message: fragment in (message.content or "")


def offers(engine):
    with session_scope(engine) as session:
        codes = {p.id: p.code for p in session.exec(select(Participant))}
        return [
            (codes[o.buyer_id], codes[o.seller_id], o.state)
            for o in session.exec(select(RefillOffer).order_by(RefillOffer.id))
        ]


async def cancel_from_schedule(user, company, reason):
    [table] = await user.ask("/schedule")
    label = next(label for row in table.keyboard for label, _ in row if company in label)
    await user.press(table, label)
    [card] = await user.wait_reply()
    await give_up(user, card, "❌ 상담 취소", reason)


async def test_a_freed_slot_is_refilled_from_standby(fair, fake, engine, clock):
    people = chat_users(fake, PEOPLE)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await cancel_from_schedule(people["S1"], "Buyer B1", "참석 불가")
        await people["B1"].wait_for(says("cancelled your meeting"), timeout=WAIT)

        # The first pair: B3 asked S2 (a buyer's request before sellers' requests).
        await people["S2"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
        offer_s2 = people["S2"].messages[-1]
        assert "Buyer B3 업체(미국)와 상담할 수 있습니다" in offer_s2.text
        assert "부스 T-B3" in offer_s2.text and "09:00" in offer_s2.text
        assert "08:40까지 수락하면" in offer_s2.text  # ten minutes to answer
        await people["B3"].wait_for(says("A meeting just became possible"), timeout=WAIT)
        offer_b3 = people["B3"].messages[-1]
        assert "meet 국내기업 S2 (South Korea)" in offer_b3.text
        assert [label for label, _ in offer_b3.keyboard[0]] == ["✅ Accept", "❌ Decline"]

        # S2 declines: B3 is told, and the next pair (S4 asked B1 first) gets the offer.
        await people["S2"].press(offer_s2, "❌ 반려")
        [declined] = await people["S2"].wait_reply()
        assert "상담 제안을 반려했습니다" in declined.text
        await people["B3"].wait_for(says("declined the meeting"), timeout=WAIT)
        await people["B3"].press(offer_b3, "✅ Accept")  # too late: the offer is closed
        await people["B3"].wait_reply()
        assert people["B3"].callback_answers[-1].text.startswith("This offer is closed")
        await people["B1"].wait_for(says("A meeting just became possible"), timeout=WAIT)
        await people["S4"].wait_for(says("새로 가능한 상담"), timeout=WAIT)

        # Both accept: booked, each gets the new timetable and calendar file.
        await people["B1"].press(people["B1"].messages[-1], "✅ Accept")
        [waiting] = await people["B1"].wait_reply()
        assert "It is booked as soon as they accept too" in waiting.text
        await people["S4"].press(people["S4"].messages[-1], "✅ 수락")
        await people["S4"].wait_for(lambda m: m.document is not None, timeout=WAIT)
        await people["B1"].wait_for(lambda m: m.document is not None, timeout=WAIT)
        assert any(
            "🎉 Booked: your meeting with 국내기업 S4" in m.content for m in people["B1"].messages
        )
        timetable_b1 = [m.content for m in people["B1"].messages if "My schedule" in m.content]
        assert "국내기업 S4" in timetable_b1[-1]
        assert people["B1"].messages[-1].document_name.endswith(".ics")
        assert offers(engine) == [
            ("B3", "S2", OfferState.declined),
            ("B1", "S4", OfferState.booked),
        ]

        # An admin's /unassign of B2-S3 (D1-0930) frees a place too: offered to B3 and S2.
        admin = organizer(fake)
        with session_scope(engine) as session:
            slot = session.exec(select(Slot).where(Slot.code == "D1-0930")).one()
            removed = session.exec(select(Meeting).where(Meeting.slot_id == slot.id)).one().id
        await admin.ask(f"/unassign {removed}")
        await people["B3"].wait_for(says("A meeting just became possible"), timeout=WAIT)
        await people["B3"].press(people["B3"].messages[-1], "✅ Accept")
        await people["B3"].wait_reply()

    # The bot stops; when it starts again the offer's time is up: both hear it, and the
    # place goes to the next pair (S2 asked B1; B2 and S3 were the pair removed).
    clock.now = BEFORE + timedelta(minutes=11)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await people["B3"].wait_for(says("expired before both of you accepted"), timeout=WAIT)
        await people["S2"].wait_for(says("마감되었습니다"), timeout=WAIT)
        await people["B1"].wait_for(says("A meeting just became possible"), timeout=WAIT)
        await people["S2"].wait_for(says("Buyer B1 업체(미국)와"), timeout=WAIT)
        assert offers(engine)[2:] == [
            ("B3", "S2", OfferState.expired),
            ("B1", "S2", OfferState.open),
        ]
        [figures] = await admin.ask("/stats")
        assert "Standby refills: 1 offered now, 1 booked, 1 declined, 1 expired" in (figures.text)
    with session_scope(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id))]
    for action in ("refill_offered", "refill_declined", "refill_accepted", "refill_expired"):
        assert action in actions


def queued_offers(engine) -> list[tuple[str, str, OfferState, list[str]]]:
    """Each offer with who its notices are queued for (main contacts' copies)."""
    with session_scope(engine) as session:
        codes = {p.id: p.code for p in session.exec(select(Participant))}
        return [
            (
                codes[o.buyer_id],
                codes[o.seller_id],
                o.state,
                sorted(
                    codes[n.participant_id]
                    for n in session.exec(
                        select(Notice).where(
                            Notice.kind == NoticeKind.refill,
                            Notice.key == f"offer-{o.id}",
                            Notice.colleague_id == 0,
                        )
                    )
                ),
            )
            for o in session.exec(select(RefillOffer).order_by(RefillOffer.id))
        ]


@pytest.mark.parametrize("killed", ["cancellation", "decline"])
async def test_a_process_killed_right_after_freeing_a_place_has_queued_its_offer(
    fair, fake, engine, database_url, clock, killed
):
    """The bot dies right after committing a cancellation (or a decline): the offer of the
    freed place to the next pair was queued in the same transaction, and a living process's
    sender delivers it, once to each side."""
    people = chat_users(fake, PEOPLE)
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, LOOKS_OFTEN):
            if killed == "cancellation":
                with dies_after(doomed, "INSERT INTO meetingcancellation") as died:
                    await cancel_from_schedule(people["S1"], "Buyer B1", "참석 불가")
                    assert await until(lambda: bool(died) and freed(engine))
                    assert queued_offers(engine) == [("B3", "S2", OfferState.open, ["B3", "S2"])]
                first, second = people["B3"], people["S2"]
            else:
                await cancel_from_schedule(people["S1"], "Buyer B1", "참석 불가")
                await people["S2"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
                # Every notice so far recorded as sent: one in flight at the kill would hold
                # its person's later ones until its lease ran out.
                assert await until(lambda: not pending(engine))
                with dies_after(doomed, "UPDATE refilloffer SET state") as died:
                    await people["S2"].press(people["S2"].messages[-1], "❌ 반려")
                    assert await until(lambda: bool(died) and declined(engine))
                    assert queued_offers(engine)[1:] == [
                        ("B1", "S4", OfferState.open, ["B1", "S4"])
                    ]
                first, second = people["B1"], people["S4"]
            # Alive again (as another process would be): the queued offer goes out.
            await first.wait_for(says("A meeting just became possible"), timeout=WAIT)
            await second.wait_for(says("새로 가능한 상담"), timeout=WAIT)
            # Every refill notice recorded as sent: each copy, one sent twice too, has arrived.
            assert await until(lambda: not pending(engine, NoticeKind.refill))
        assert len([m for m in first.messages if "became possible" in m.content]) == 1
        assert len([m for m in second.messages if "새로 가능한 상담" in m.content]) == 1
    finally:
        doomed.dispose()


async def test_a_process_killed_right_after_a_booking_leaves_the_timetables_to_the_senders(
    fair, fake, engine, database_url, clock
):
    """The bot dies right after committing a refill booking: both sides' updated timetables
    were queued with it (not left to My schedule), and a living process's sender delivers
    each once, pages and calendar file, in each side's language."""
    people = chat_users(fake, PEOPLE)
    b3, s2 = people["B3"], people["S2"]
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, LOOKS_OFTEN):
            await cancel_from_schedule(people["S1"], "Buyer B1", "참석 불가")
            await b3.wait_for(says("A meeting just became possible"), timeout=WAIT)
            await b3.press(b3.messages[-1], "✅ Accept")
            await b3.wait_reply()
            await s2.wait_for(says("새로 가능한 상담"), timeout=WAIT)
            assert await until(lambda: not pending(engine))
            with dies_after(doomed, "UPDATE refilloffer SET state") as died:
                await s2.press(s2.messages[-1], "✅ 수락")
                assert await until(lambda: bool(died))
                assert [state for *_, state in offers(engine)] == [OfferState.booked]
                assert not any(m.document for m in b3.messages + s2.messages)
            # Alive again (as another process would be): the queued timetables go out.
            for user in (b3, s2):
                await user.wait_for(lambda m: m.document is not None, timeout=WAIT)
            assert await until(lambda: not pending(engine))
        assert any("Booked: your meeting with 국내기업 S2" in m.content for m in b3.messages)
        for user, heading in ((b3, "My schedule"), (s2, "주선 결과")):
            assert len([m for m in user.messages if m.document is not None]) == 1
            [table] = [m.content for m in user.messages if heading in (m.content or "")]
            assert "09:00" in table and ("S2" if user is b3 else "B3") in table
    finally:
        doomed.dispose()


def freed(engine) -> bool:
    with session_scope(engine) as session:
        return session.exec(select(MeetingCancellation.id)).first() is not None


def declined(engine) -> bool:
    return any(state == OfferState.declined for *_, state in offers(engine))


def pending(engine, kind: NoticeKind | None = None) -> bool:
    """Whether a notice (of `kind`, if given) waits to be sent or recorded as sent."""
    with session_scope(engine) as session:
        waiting = select(Notice.id).where(Notice.status == DeliveryStatus.pending)
        if kind is not None:
            waiting = waiting.where(Notice.kind == kind)
        return session.exec(waiting).first() is not None


async def test_an_offer_whose_process_died_expires_in_another(fair, fake, engine, clock):
    """An offer made by a process that died before a restart (its expiry job gone with it):
    a living process sees it past its time, tells both sides and offers the place on."""
    people = chat_users(fake, PEOPLE)
    async with process(fake, engine, clock, DEFAULT_TOKEN, LOOKS_OFTEN):
        with session_scope(engine) as session:  # the other process's cancellation and offer
            s1 = session.exec(select(Participant).where(Participant.code == "S1")).one()
            meeting = session.exec(select(Meeting).where(Meeting.seller_id == s1.id)).one()
            done = cancel(session, meeting.id, s1.id, CancelReason.cant_attend, clock.now)
            offer_next(session, done.place_id, clock.now)
        clock.now = BEFORE + timedelta(minutes=11)
        await people["B3"].wait_for(says("expired before both of you accepted"), timeout=WAIT)
        await people["B1"].wait_for(says("A meeting just became possible"), timeout=WAIT)
        await people["S4"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
    assert [state for *_, state in offers(engine)] == [OfferState.expired, OfferState.open]
