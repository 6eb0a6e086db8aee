"""A colleague gets what the company gets, through the fake Telegram: the announced timetable
(also when they join after the announcement), a broadcast and a refill booking's timetable,
each in their own language; a revoked colleague gets nothing more, the organizer's counts are
in people, and a refill offer the colleague answered is the company's answer."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from admin_helpers import chat_users, give_up, organizer, process, until
from sqlmodel import select

import builders
from builders import NOW
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.colleagues import invite, join_colleague, revoke
from store.db import session_scope
from store.models import AnnouncementDelivery, Colleague, DeliveryStatus, Participant, Phase
from store.requests import send_request

WAIT = 30.0
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
PEOPLE = {"B1": 1001, "S1": 2001, "S4": 2004}
KIM, LEE = 5001, 5002  # S4's colleagues: Kim reads English, Lee Korean


def says(fragment):
    return lambda message: fragment in (message.content or "")


def is_photo(message) -> bool:
    return message.photo_bytes is not None


async def arrives(user, condition):
    """The bot's newest message to `user` meeting `condition`, waited for."""
    return [m for m in await user.wait_for(condition, timeout=WAIT) if condition(m)][-1]


def blocked_at(engine, code: str) -> datetime | None:
    with session_scope(engine) as session:
        return (
            session.exec(select(Participant).where(Participant.code == code)).one().blocked_bot_at
        )


async def gives_up_meeting_with_b1(user) -> None:
    """A Korean company gives up its meeting with B1 from its timetable (/schedule)."""
    [table] = await user.ask("/schedule")
    label = next(label for row in table.keyboard for label, _ in row if "B1" in label)
    await user.press(table, label)
    [card] = await user.wait_reply()
    await give_up(user, card, "❌ 상담 취소", "참석 불가")


def tokens(engine) -> tuple[str, str]:
    """S4's two colleague links: Kim has joined, Lee's is still to open."""
    with session_scope(engine) as session:
        builders.event(session)
        p = builders.bilingual_people(session, PEOPLE)
        send_request(session, p["S4"].id, p["B1"].id, NOW)  # standby for B1's slot
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.set_phase(session, Phase.announced)
        kim = invite(session, p["S4"].id, PEOPLE["S4"], NOW)
        join_colleague(session, kim.invite_token, KIM, "Kim", "en", NOW)
        return kim.invite_token, invite(session, p["S4"].id, PEOPLE["S4"], NOW).invite_token


async def test_colleagues_get_the_timetable_broadcasts_and_a_refills_timetable(fake, engine, clock):
    _, lee_token = tokens(engine)
    clock.now = START - timedelta(minutes=30)
    people = chat_users(fake, PEOPLE)
    kim = fake.user(KIM, "Kim", language_code="en")
    kim.bot.open_chat(kim.profile)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        # The announcement: one picture each, the main contact's in Korean, Kim's in English.
        await admin.ask("/announce")
        done = await arrives(admin, says("done"))
        assert "4 sent (of 4 people)" in done.text  # B1, S1, S4 and Kim
        # S4 has no meeting yet (its request to B1 waits for a freed place).
        picture = await arrives(kim, is_photo)
        assert "No meetings were arranged for you" in picture.caption
        [theirs] = [m for m in people["S4"].messages if m.photo_bytes]
        assert "주선된 상담이 없습니다" in theirs.caption

        # Lee joins afterwards: the company's current timetable follows the welcome.
        lee = fake.user(LEE, "Lee", language_code="ko")
        await lee.ask(f"/start {lee_token}")
        picture = await arrives(lee, is_photo)
        assert "주선된 상담이 없습니다" in picture.caption
        await lee.ask("/start")  # a second /start queues nothing more
        with session_scope(engine) as session:
            copies = session.exec(select(AnnouncementDelivery)).all()
            lee_row = session.exec(select(Colleague).where(Colleague.telegram_id == LEE)).one()
        assert [c.status for c in copies if c.colleague_id == lee_row.id] == [DeliveryStatus.sent]
        assert len(copies) == 5

        # A broadcast reaches each person once; a revoked colleague gets nothing more.
        await admin.ask("/broadcast all Hall B opens")
        report = await arrives(admin, says("Message sent to"))
        assert "Message sent to 5 people: 5 delivered" in report.text
        for user in (people["S4"], kim, lee):
            assert [m.text for m in user.messages if m.text == "Hall B opens"] == ["Hall B opens"]
        with session_scope(engine) as session:
            revoke(session, lee_row.participant_id, lee_row.id, PEOPLE["S4"], NOW)
        await admin.ask("/broadcast sellers Hall C opens")
        await admin.wait_for(says("Message sent to 3 people"), timeout=WAIT)
        assert any(m.text == "Hall C opens" for m in kim.messages)
        assert not any(m.text == "Hall C opens" for m in lee.messages)

        # A refill: S1 gives up its meeting, S4's standby request is offered; Kim accepts for
        # the company (the main contact's later press is told so), B1 accepts: the main
        # contact and Kim both get the new timetable.
        await gives_up_meeting_with_b1(people["S1"])
        offer = await arrives(kim, says("A meeting just became possible"))
        await kim.press(offer, "✅ Accept")
        await kim.wait_reply()
        theirs = await arrives(people["S4"], says("새로 가능한 상담"))
        await people["S4"].press(theirs, "✅ 수락")  # the company has answered: told who did
        await people["S4"].wait_reply()
        assert (
            people["S4"].callback_answers[-1].text == "Kim 님이 이미 이 상담 제안을 수락했습니다."
        )
        offer = await arrives(people["B1"], says("A meeting just became possible"))
        await people["B1"].press(offer, "✅ Accept")
        for user in (people["S4"], kim):
            await user.wait_for(lambda m: m.document is not None, timeout=WAIT)
        kim_table = [m.content for m in kim.messages if "My schedule" in (m.content or "")]
        assert "Buyer B1" in kim_table[-1] and re.search(r"09:00", kim_table[-1])
        main_table = [m.content for m in people["S4"].messages if "Buyer B1" in (m.content or "")]
        assert main_table
        assert not any(m.document is not None for m in lee.messages)


async def test_a_main_contact_who_opens_the_bot_after_the_announcement_gets_the_timetable(
    fake, engine, clock
):
    with session_scope(engine) as session:
        builders.event(session)
        p = builders.bilingual_people(session, {"B1": 1001, "S1": None})  # S1: link not opened
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.set_phase(session, Phase.announced)
        token = p["S1"].invite_token
    chat_users(fake, {"B1": 1001})
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.ask("/announce")
        done = await arrives(admin, says("done"))
        assert "1 sent (of 1 person)" in done.text  # B1 only
        seller = fake.user(2001, "S1", language_code="ko")
        await seller.ask(f"/start {token}")
        picture = await arrives(seller, is_photo)
        assert "Buyer B1" in picture.caption and "09:00" in picture.caption
        await seller.ask(f"/start {token}")  # the link again, then /start: nothing more queued
        await seller.ask("/start")
        with session_scope(engine) as session:
            copies = session.exec(select(AnnouncementDelivery)).all()
        assert sorted((c.participant_id, c.colleague_id, c.status) for c in copies) == [
            (p["B1"].id, 0, DeliveryStatus.sent),
            (p["S1"].id, 0, DeliveryStatus.sent),
        ]
    assert sum(m.photo_bytes is not None for m in seller.messages) == 1


async def test_a_company_whose_main_contact_blocked_the_bot_hears_through_its_colleagues(
    fake, engine, clock
):
    """S4's main contact blocks the bot; its colleagues Kim (English) and Lee (Korean) still
    get the deadline reminder, the meeting reminder and a refill offer, each in their own
    language, and the offer stands: Kim answers it for the company."""
    with session_scope(engine) as session:
        builders.event(session, deadline=NOW + timedelta(days=2))
        p = builders.bilingual_people(session, PEOPLE | {"B2": 1002})
        send_request(session, p["S4"].id, p["B1"].id, NOW)  # standby for B1's 09:30
        builders.meeting(session, p["B2"], p["S4"], "D1-0900")
        builders.meeting(session, p["B1"], p["S1"], "D1-0930")
        builders.colleague(session, p["S4"].id, PEOPLE["S4"], KIM, "Kim", "en")
        builders.colleague(session, p["S4"].id, PEOPLE["S4"], LEE, "Lee", "ko")
    people = chat_users(fake, PEOPLE | {"B2": 1002})
    kim, lee = fake.user(KIM, "Kim", language_code="en"), fake.user(LEE, "Lee", language_code="ko")
    for user in (kim, lee):
        user.bot.open_chat(user.profile)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        await people["S4"].block_bot()
        assert await until(lambda: blocked_at(engine, "S4") is not None)

        # The deadline's 1-hour reminder.
        clock.now = NOW + timedelta(days=2, hours=-1)
        await schedule_all(application)
        await arrives(kim, says("Requests close in 1 hour"))
        await arrives(lee, says("1시간 후"))

        # The fair day: S4's meeting at 09:00 with B2.
        with session_scope(engine) as session:
            builders.set_phase(session, Phase.announced)
        clock.now = START - timedelta(minutes=10)
        await schedule_all(application)
        await arrives(kim, says("Your meeting with Buyer B2"))
        await arrives(lee, says("Buyer B2 업체와 상담이 있습니다"))

        # S1 gives up its 09:30 meeting with B1: S4's standby request is offered the place.
        await gives_up_meeting_with_b1(people["S1"])
        offer = await arrives(kim, says("A meeting just became possible"))
        await arrives(lee, says("새로 가능한 상담"))
        await kim.press(offer, "✅ Accept")
        await kim.wait_reply()
        offer = await arrives(people["B1"], says("A meeting just became possible"))
        await people["B1"].press(offer, "✅ Accept")
        for user in (kim, lee):
            await user.wait_for(lambda m: m.document is not None, timeout=WAIT)
    assert not any("withdrawn" in (m.content or "") for m in people["B1"].messages)
    assert people["S4"].messages == []
