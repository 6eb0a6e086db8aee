"""A whole event from the organizer's side: reminders before the deadline, the deadline,
matching by hand, /match again, the announcement, meeting reminders, figures and workbook."""

import asyncio
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import organizer, process, users
from openpyxl import load_workbook
from sqlmodel import select

import builders
from builders import DEADLINE, NOW
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import Meeting, Notice, Participant, Role, Slot, Tier, Unavailability

WAIT = 30.0


@pytest.fixture
async def app(fake, engine, clock):
    with session_scope(engine) as session:
        builders.fair(session, buyers=3, sellers=3, daily_cap=1)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        yield application


def says(fragment):
    return lambda message: fragment in (message.text or "")


def texts(user):
    return [m.text for m in user.messages if m.text]


async def settle():
    await asyncio.sleep(0.3)  # lets a job that should not send anything prove it


@pytest.mark.slow
async def test_the_life_of_an_event(app, fake, engine, clock):
    people = users(fake, 3, 3)
    admin = organizer(fake)

    # 24 hours before the deadline: everyone hears how many requests wait for an answer.
    clock.now = DEADLINE - timedelta(hours=23)
    await schedule_all(app)
    await people["B2"].wait_for(says("close in 23 hours"), timeout=WAIT)
    await people["S3"].wait_for(says("close in 23 hours"), timeout=WAIT)
    assert "You have 3 received requests still unanswered" in people["B2"].messages[-1].text
    await people["B1"].wait_for(says("2 received requests"), timeout=WAIT)
    assert "still send requests" in people["S3"].messages[-1].text
    await schedule_all(app)  # again, e.g. a restart: nobody is reminded twice
    await settle()
    assert sum("close in 23 hours" in text for text in texts(people["B2"])) == 1

    clock.now = DEADLINE - timedelta(minutes=30)
    await schedule_all(app)
    for user in people.values():
        await user.wait_for(says("30"), timeout=WAIT)
    assert "close in 30 minutes, on" in people["B1"].messages[-1].text
    with session_scope(engine) as session:
        assert len(session.exec(select(Notice)).all()) == 12

    # The deadline: closed, matched, summarized.
    clock.now = DEADLINE
    await schedule_all(app)
    await admin.wait_for(says("Requests are closed"), timeout=WAIT)

    # Matching by hand from /lowcount: a participant, a counterpart, one tap.
    [low] = await admin.ask("/lowcount cosmetics 1")
    assert "2 participants with at most 1 meeting" in low.text
    await admin.press(low, low.keyboard[0][0][0])
    [offers] = await admin.wait_reply()
    assert "Same industry" in offers.text
    await admin.press(offers, offers.keyboard[0][0][0])
    [answer] = await admin.wait_reply()
    if "Book anyway" in str(answer.keyboard):
        assert "daily meeting limit" in answer.text
        await admin.press(answer, "Book anyway")
        [answer] = await admin.wait_reply()
    assert "booked by hand" in answer.text

    # /assign and /unassign refuse what cannot be.
    with session_scope(engine) as session:
        taken = session.exec(select(Meeting)).first()
        slot = session.get(Slot, taken.slot_id).code
        buyer = session.get(Participant, taken.buyer_id)
        met = {m.seller_id for m in session.exec(select(Meeting)) if m.buyer_id == buyer.id}
        sellers = session.exec(select(Participant).where(Participant.role == Role.seller))
        other = next(s.code for s in sellers if s.id not in met)
        off = session.exec(select(Slot).where(Slot.code == "D2-1130")).one()
        session.add(Unavailability(participant_id=buyer.id, slot_id=off.id))
    buyer_code = buyer.code
    refusals = [
        ("/assign B1 S9", "not taking part"),
        ("/assign B1 B2", "between buyers and Korean companies"),
        (f"/assign {buyer_code} {other} {slot}", "already has a meeting"),
        (f"/assign {buyer_code} {other} D2-1130", "unavailable"),
        ("/assign B1 S1 D9-0900", "doesn't exist"),
        ("/assign B1", "/assign BUYER KOREAN_COMPANY"),
        ("/unassign 999", "no meeting with that number"),
        ("/unassign x", "/unassign MEETING"),
    ]
    for command, expected in refusals:
        [refusal] = await admin.ask(command)
        assert expected in refusal.text, (command, refusal.text)

    # /match again keeps the meeting set by hand.
    replies = await admin.ask("/match")
    assert "Matching stored" in replies[-1].text
    with session_scope(engine) as session:
        assert len(session.exec(select(Meeting).where(Meeting.tier == Tier.fixed)).all()) == 1

    # The announcement, then reminders before the first slot's meetings.
    await admin.ask("/announce")
    await admin.wait_for(says("done"), timeout=WAIT)
    first = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
    clock.now = first - timedelta(minutes=10)
    await schedule_all(app)
    with session_scope(engine) as session:
        d1 = session.exec(select(Slot).where(Slot.code == "D1-0900")).one()
        pairs = session.exec(select(Meeting).where(Meeting.slot_id == d1.id)).all()
        sides = {p.id: p.code for p in session.exec(select(Participant)).all()}
    assert pairs
    for meeting in pairs:
        for side in (meeting.buyer_id, meeting.seller_id):
            await people[sides[side]].wait_for(says("starts in 10 minutes"), timeout=WAIT)
    await schedule_all(app)
    await settle()
    for meeting in pairs:
        user = people[sides[meeting.buyer_id]]
        assert sum("starts in 10 minutes" in text for text in texts(user)) == 1
        assert f"at booth T-{sides[meeting.buyer_id]}" in user.messages[-1].text

    # Figures and the workbook.
    [figures] = await admin.ask("/stats")
    assert "Participants: " in figures.text and "6 opened the bot" in figures.text
    assert "Meetings by day:" in figures.text
    [document] = await admin.ask("/export")
    assert document.document_name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(document.document_bytes))
    assert book.sheetnames == ["Schedule", "Participants", "Requests", "Unscheduled"]
    assert book["Requests"].max_row == 10  # header + nine requests
    sent_at = book["Requests"]["H2"].value
    assert sent_at == NOW.astimezone(ZoneInfo("Asia/Seoul")).replace(tzinfo=None)


async def test_broadcast_reaches_the_chosen_side(app, fake, engine):
    people = users(fake, 2, 2)
    admin = organizer(fake)
    [usage] = await admin.ask("/broadcast everyone hi")
    assert "/broadcast all|buyers|sellers TEXT" in usage.text
    [too_long] = await admin.ask("/broadcast all " + "가" * 5000)
    assert "longer than Telegram's 4096 characters" in too_long.text
    await admin.ask("/broadcast buyers Booth map: <hall A>")
    await admin.wait_for(says("2 delivered"), timeout=WAIT)
    assert texts(people["B1"]) == ["Booth map: <hall A>"]
    assert texts(people["S1"]) == []
