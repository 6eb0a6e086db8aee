"""Withdrawing a participant, end to end through the fake Telegram server: the organizer
confirms, the participant is told once and locked out (link and account), the other sides
hear of it, the freed meeting goes to the next standby pair, /stats and the workbook count
it right; restoring lets them in again; bad commands get one sentence."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, organizer
from openpyxl import load_workbook
from sqlmodel import select

import builders
from builders import NOW
from store.db import session_scope
from store.export import export_data
from store.models import AuditLog, MeetingRequest, Participant, Phase, RequestStatus
from store.requests import send_request
from views.export_workbook import workbook

WAIT = 30.0
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
PEOPLE = {"B1": 1001, "B2": 1002, "B3": 1003, "S1": 2001, "S2": 2002, "S4": 2004}


@pytest.fixture
def fair(bot, engine, clock):
    """B1 meets S1 in D1-0900; S1 asked B2. Standby: B3 asked S2; S4 asked B1."""
    with session_scope(engine) as session:
        builders.event(session)
        p = builders.bilingual_people(session, PEOPLE)
        send_request(session, p["B3"].id, p["S2"].id, NOW)
        send_request(session, p["S4"].id, p["B1"].id, NOW)
        send_request(session, p["S1"].id, p["B2"].id, NOW)
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.set_phase(session, Phase.announced)
        token = p["S1"].invite_token
    clock.now = START - timedelta(minutes=30)
    return token


def says(fragment):
    return lambda message: fragment in (message.content or "")


async def test_a_withdrawal_locks_out_tells_everyone_and_refills(fair, fake, engine):
    people = chat_users(fake, PEOPLE)
    admin = organizer(fake)
    [confirm] = await admin.ask("/withdraw s1 cancelled their trip")
    assert "Withdraw <b>S1 국내기업 S1</b>" in confirm.text or "Withdraw S1" in confirm.content
    assert (
        "Along with it: 1 open meeting request closed, 1 meeting to come cancelled and offered"
        " to standby pairs. The other sides are told." in confirm.content
    )
    assert "cancelled their trip" in confirm.content
    with session_scope(engine) as session:  # nothing changed before the confirmation
        assert session.exec(select(Participant).where(Participant.code == "S1")).one().active
    await admin.press(confirm, "🚫 Withdraw")
    [done] = await admin.wait_reply()
    assert "along with: 1 open meeting request closed, 1 meeting to come cancelled" in done.content

    await people["S1"].wait_for(says("참가를 취소했습니다"), timeout=WAIT)
    await people["B2"].wait_for(says("your meeting request with them is closed"), timeout=WAIT)
    [told] = await people["B1"].wait_for(says("has withdrawn from the fair"), timeout=WAIT)
    assert "국내기업 S1" in told.content and "is cancelled" in told.content
    # The freed place goes to the next standby pair: B3 asked S2.
    [offer] = await people["S2"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
    assert "Buyer B3" in offer.content
    await people["B3"].wait_for(says("A meeting just became possible"), timeout=WAIT)

    # The withdrawn company's account and invite link are refused, politely, in one sentence.
    [refused] = await people["S1"].ask("/menu")
    assert "참가를 취소하여 더 이상 봇을 이용하실 수 없습니다" in refused.content
    [refused] = await fake.user(4001, "Stranger", language_code="en").ask(f"/start {fair}")
    assert "withdrawn this company from the fair" in refused.content
    assert sum("참가를 취소했습니다" in m.content for m in people["S1"].messages) == 1

    [figures] = await admin.ask("/stats")
    assert "Withdrawn: 1" in figures.content
    assert "2 Korean companies; 5 opened the bot" in figures.content  # S1 no longer counted
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(workbook(export_data(session), "en")))
        request = session.exec(
            select(MeetingRequest).where(MeetingRequest.status == RequestStatus.cancelled)
        ).one()
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    listed = [row[0] for row in book["Participants"].iter_rows(min_row=2, values_only=True)]
    assert "S1" not in listed and "S2" in listed
    [gone] = list(book["Withdrawn"].iter_rows(min_row=2, values_only=True))
    assert gone[0] == "S1" and gone[-1] == "cancelled their trip"
    assert request.to_id is not None and "withdraw" in actions

    # Restored: the account works again; the closed request stays closed.
    [confirm] = await admin.ask("/restore S1")
    await admin.press(confirm, "↩️ Restore")
    [done] = await admin.wait_reply()
    assert "Restored S1" in done.content
    [menu] = await people["S1"].ask("/menu")
    assert "마이페이지" in menu.content


@pytest.mark.parametrize(
    ("command", "sentence"),
    [
        ("/withdraw S999", "No participant has the code S999."),
        ("/withdraw", "Usage: /withdraw CODE [reason]"),
        ("/restore S1", "S1 is not withdrawn."),
        ("/restore", "Usage: /restore CODE"),
    ],
)
async def test_bad_withdrawals_get_one_sentence(fair, fake, engine, command, sentence):
    [reply] = await organizer(fake).ask(command)
    assert sentence in reply.content
    with session_scope(engine) as session:
        assert all(p.active for p in session.exec(select(Participant)).all())


async def test_only_organizers_withdraw(fair, fake, engine):
    people = chat_users(fake, PEOPLE)
    [reply] = await people["B1"].ask("/withdraw S1")
    assert "organizers" in reply.content
    await people["B1"].press_data(reply, "wd:w:1")  # a forged confirmation
    await people["B1"].wait_reply()
    assert "Only the organizers" in people["B1"].callback_answers[-1].text
    with session_scope(engine) as session:
        assert all(p.active for p in session.exec(select(Participant)).all())


async def test_colleagues_hear_of_a_withdrawal_when_their_main_contact_blocked_the_bot(
    fair, fake, engine
):
    """S1 and its counterpart B1 each have a colleague who joined and a main contact who
    blocked the bot: both colleagues are told (the company is reachable through them)."""
    with session_scope(engine) as session:
        for code, colleague in (("S1", 5001), ("B1", 5101)):
            company = session.exec(select(Participant).where(Participant.code == code)).one()
            builders.colleague(session, company.id, PEOPLE[code], colleague, f"Kim {code}", "en")
            company.blocked_bot_at = NOW
            session.add(company)
    kim_s1 = fake.user(5001, "Kim S1", language_code="en")
    kim_b1 = fake.user(5101, "Kim B1", language_code="en")
    for kim in (kim_s1, kim_b1):
        kim.bot.open_chat(kim.profile)
    admin = organizer(fake)
    [confirm] = await admin.ask("/withdraw S1")
    await admin.press(confirm, "🚫 Withdraw")
    await admin.wait_reply()
    await kim_s1.wait_for(says("The organizers have withdrawn 국내기업 S1"), timeout=WAIT)
    await kim_b1.wait_for(says("has withdrawn from the fair, so your meeting"), timeout=WAIT)
