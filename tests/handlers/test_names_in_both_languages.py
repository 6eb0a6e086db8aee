"""An English buyer and a Korean company read each other's names, and the event's, in their
own language on every screen; and who gets which language when nobody chose one."""

import pytest
from icalendar import Calendar
from sqlmodel import select
from telegram.ext import CallbackContext

import builders
from builders import NOW
from handlers.request_actions import notify_new_request
from store.db import session_scope
from store.models import Event, Participant, Phase
from store.requests import send_request

KIM, LEE = 1001, 1002  # the buyer (English), the Korean company (Korean)


@pytest.fixture
def fair(bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        event = session.exec(select(Event)).one()
        event.name, event.name_en = "붐업코리아 수출상담회", "Boom Up Korea Fair"
        buyer = builders.participant(
            session, "B1", company="", company_en="Acme Trading", telegram_id=KIM, language="en"
        )
        seller = builders.participant(
            session,
            "S1",
            company="(주)한빛코스메틱",
            company_en="Hanbit Cosmetic",
            telegram_id=LEE,
            language="ko",
        )
        return {"B1": buyer.id, "S1": seller.id}


def labels(message):
    return [label for row in message.keyboard for label, _ in row]


async def test_find_cards_requests_and_the_menu_in_each_readers_language(fair, fake, bot, engine):
    kim, lee = fake.user(KIM, "Kim"), fake.user(LEE, "Lee")
    [menu] = await kim.ask("/menu")
    assert "Boom Up Korea Fair" in menu.text and "Acme Trading" in menu.text
    await kim.press(menu, "🔎 Find companies")
    [found] = await kim.wait_reply()
    assert "Hanbit Cosmetic · South Korea · Cosmetics" in labels(found)[0]
    assert "한빛" not in found.text + str(found.keyboard)
    for keyword in ("한빛코스메틱", "hanbit"):  # a keyword finds either name
        await kim.press(found, "🔤 Search by keyword")
        await kim.wait_reply()
        [found] = await kim.ask(keyword)
        assert "Hanbit Cosmetic" in labels(found)[0], keyword
    await kim.press(found, labels(found)[0])
    [card] = await kim.wait_reply()
    assert "Hanbit Cosmetic" in card.text and "한빛" not in card.text

    [menu] = await lee.ask("/menu")
    assert "붐업코리아 수출상담회" in menu.text and "(주)한빛코스메틱" in menu.text
    with session_scope(engine) as session:
        request = send_request(session, fair["B1"], fair["S1"], NOW)
    await notify_new_request(CallbackContext(bot), request)
    [notice] = await lee.wait_for(1)  # the notification
    assert "Acme Trading" in notice.text, notice.text
    [menu] = await lee.ask("/menu")
    await lee.press_data(menu, "reqs")
    [summary] = await lee.wait_reply()
    await lee.press(summary, "📥 상대방 신청 (1)")
    [listed] = await lee.wait_reply()  # My requests
    assert "Acme Trading" in listed.text
    [menu] = await kim.ask("/menu")
    await kim.press_data(menu, "reqs")
    [summary] = await kim.wait_reply()
    await kim.press(summary, "📤 Sent (1)")
    [listed] = await kim.wait_reply()
    assert "Hanbit Cosmetic" in listed.text and "한빛" not in listed.text


async def test_the_timetable_text_and_calendar_in_each_readers_language(fair, fake, engine):
    with session_scope(engine) as session:
        buyer, seller = (session.get(Participant, fair[code]) for code in ("B1", "S1"))
        builders.meeting(session, buyer, seller, "D1-0930")
        builders.set_phase(session, Phase.announced)
    kim, lee = fake.user(KIM, "Kim"), fake.user(LEE, "Lee")
    [mine] = await kim.ask("/schedule")
    assert "Boom Up Korea Fair" in mine.text
    assert "09:30–10:00 Hanbit Cosmetic (South Korea)" in mine.text
    await kim.press(mine, "📆 Add to calendar")
    [document] = await kim.wait_reply()
    [meeting] = Calendar.from_ical(document.document_bytes.decode()).walk("VEVENT")
    assert str(meeting["SUMMARY"]) == "Meeting: Hanbit Cosmetic (South Korea)"
    [theirs] = await lee.ask("/schedule")
    assert "붐업코리아 수출상담회" in theirs.text and "(주)한빛코스메틱" in theirs.text
    assert "09:30~10:00 Acme Trading (미국)" in theirs.text


@pytest.mark.parametrize(
    ("code", "file_language", "telegram", "expected"),
    [
        ("B1", None, "ja", "My page"),  # a Japanese Telegram buyer reads English
        ("B1", None, None, "My page"),  # a buyer Telegram says nothing of
        ("S1", None, None, "마이페이지"),  # a Korean company without a language
        ("S1", None, "ru", "My page"),  # anyone whose Telegram is neither Korean nor English
        ("S1", None, "en-GB", "My page"),  # Telegram's language when it is English
        ("B1", None, "ko", "마이페이지"),  # or Korean
        ("S1", "en", "ko", "My page"),  # the file's language column comes first
        ("B1", "ko", "en", "마이페이지"),
    ],
)
async def test_a_language_for_everyone(bot, fake, engine, code, file_language, telegram, expected):
    with session_scope(engine) as session:
        builders.event(session)
        person = builders.participant(session, code, language=file_language)
        token = person.invite_token
    user = fake.user(3001, "Someone", language_code=telegram)
    _, menu = await user.ask(f"/start {token}")
    assert expected in menu.text
    with session_scope(engine) as session:
        stored = session.exec(select(Participant)).one().language
    assert stored == ("en" if expected == "My page" else "ko")  # pushes use it too
