from datetime import timedelta

import pytest
from admin_helpers import ADMIN_LANGUAGES, bot_and_admin, organizer, process, until
from db_hooks import dies_after
from flows import begin_application
from sqlmodel import select

import builders
from builders import ADMIN
from fake_telegram import DEFAULT_TOKEN
from store.db import make_engine, session_scope
from store.models import DeliveryStatus, JoinApplication, Notice, Participant, Role

# A buyer: its English name, no Korean one ("-"), country, industry, products, contact.
ANSWERS = ["Saigon Imports 🇻🇳", "-", "Vietnam", "food", "instant noodles, 김치", "Nguyen An"]
# A Korean company: its Korean name, then its English one.
KOREAN = ["사이공무역", "Saigon Trading", "food", "김치", "응우옌 안"]  # no country: Korea


@pytest.fixture
def event(bot, engine):
    with session_scope(engine) as session:
        builders.event(session)


async def apply(user, role_label="Buyer", answers=ANSWERS, email="an@saigon.vn"):
    await begin_application(user, role_label)
    for answer in answers:
        await user.ask(answer)
    return await user.ask(email)


async def test_an_application_reaches_the_admin_and_approval_lets_the_company_in(
    event, fake, engine
):
    an = fake.user(3001, "An", language_code="en")
    admin = fake.user(ADMIN, "Organizer", language_code="ko")
    await admin.ask("/start")  # the admin's chat exists
    [sent] = await apply(an)
    assert "application was sent" in sent.text
    [request] = await admin.wait_for(lambda m: "새 참가 신청" in m.text)
    assert "Saigon Imports 🇻🇳" in request.text and "an@saigon.vn" in request.text
    reject = dict(request.keyboard[0])["❌ 거절"]
    await admin.press(request, "✅ 승인")
    [decided] = await admin.wait_reply()
    assert "승인함" in decided.text
    [welcome] = await an.wait_for(lambda m: "approved" in m.text)
    await an.press(welcome, "📂 Open my page")
    [menu] = await an.wait_reply()
    assert "Saigon Imports 🇻🇳" in menu.text and "My page" in menu.text
    with session_scope(engine) as session:
        joined = session.exec(select(Participant).where(Participant.telegram_id == 3001)).one()
        assert (joined.role, joined.industry, joined.email) == (Role.buyer, "food", "an@saigon.vn")
        assert (joined.company_en, joined.company) == ("Saigon Imports 🇻🇳", "")
    await admin.press_data(request, reject)  # a second decision changes nothing
    await admin.wait_reply()
    assert admin.callback_answers[-1].show_alert


async def test_a_bot_killed_right_after_an_approval_still_welcomes_the_applicant(
    fake, engine, database_url, clock
):
    """The bot dies right after committing an approval: the applicant's welcome was queued
    with it, and a living process's sender delivers it, once."""
    with session_scope(engine) as session:
        builders.event(session)
    an = fake.user(3001, "An", language_code="en")
    admin = organizer(fake)
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        # Work left by a process that died is looked for every quarter of the lease.
        async with process(fake, doomed, clock, DEFAULT_TOKEN, timedelta(seconds=2)):
            await apply(an)
            [request] = await admin.wait_for(lambda m: "New application" in m.text)
            with dies_after(doomed, "UPDATE joinapplication SET status") as died:
                await admin.press(request, "✅ Approve")
                assert await until(lambda: bool(died))
                assert not any("approved" in m.text for m in an.messages)
            # Alive again (as another process would be): the queued welcome goes out.
            await an.wait_for(lambda m: "approved" in m.text)
            assert await until(lambda: sent_notices(engine) == [DeliveryStatus.sent])
        assert len([m for m in an.messages if "approved" in m.text]) == 1
    finally:
        doomed.dispose()


def sent_notices(engine) -> list[DeliveryStatus]:
    with session_scope(engine) as session:
        return list(session.exec(select(Notice.status)))


async def test_rejection_is_told_to_the_applicant(event, fake, engine):
    an = fake.user(3001, "An", language_code="ko")
    admin = fake.user(ADMIN, "Organizer", language_code="ko")
    await admin.ask("/start")
    await apply(an, role_label="국내기업", answers=KOREAN)
    [request] = await admin.wait_for(lambda m: "새 참가 신청" in m.text)
    assert "회사명: 사이공무역\n회사명(영문): Saigon Trading" in request.text
    assert "대한민국" in request.text  # a Korean company is not asked its country
    await admin.press(request, "❌ 거절")
    await admin.wait_reply()
    [told] = await an.wait_for(lambda m: "승인되지 않았습니다" in m.text)
    assert "사이공무역" in told.text
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).all() == []


async def test_each_answer_is_validated_and_cancel_stops_the_form(event, fake, engine):
    an = fake.user(3001, "An", language_code="en")
    [welcome] = await an.ask("/start")
    await an.press(welcome, "📝 Apply to take part")
    [form] = await an.wait_reply()
    await an.press(form, "Korean company")
    await an.wait_reply()
    [refusal] = await an.ask("x" * 5000)
    assert "longer than 200 characters" in refusal.text
    await an.send_sticker()
    [refusal] = await an.wait_reply()
    assert "text message" in refusal.text
    [question] = await an.ask("한빛")
    assert "name in English" in question.text and "Send - if it has none" in question.text
    [question] = await an.ask("-")
    assert "Industry" in question.text  # a Korean company is not asked its country
    [refusal] = await an.ask("Korea")  # no industry: said so, and asked again
    assert refusal.text.startswith("Industry: not in the list of industries (Auto parts, ")
    [refusal] = await an.ask("Cosmetic")
    assert "(the closest: Cosmetics;" in refusal.text
    [question] = await an.ask("Cosmetics")
    assert "products" in question.text.lower()
    [cancelled] = await an.ask("/cancel")
    assert "cancelled" in cancelled.text
    [stray] = await an.ask("Korea")
    assert "buttons" in stray.text
    with session_scope(engine) as session:
        assert session.exec(select(JoinApplication)).all() == []


async def test_a_bad_email_is_asked_again(event, fake, engine):
    an = fake.user(3001, "An", language_code="en")
    [refusal] = await apply(an, email="an at saigon")
    assert "E-mail" in refusal.text and "Nothing was saved" in refusal.text
    [sent] = await an.ask("an@saigon.vn")
    assert "application was sent" in sent.text


async def test_only_admins_decide(event, fake, engine):
    an = fake.user(3001, "An", language_code="en")
    await apply(an)
    with session_scope(engine) as session:
        application = session.exec(select(JoinApplication)).one()
    [welcome] = await fake.user(3002, "Eve").ask("/start")
    eve = fake.user(3002, "Eve")
    await eve.press_data(welcome, f"appdec:y:{application.id}")
    await eve.wait_reply()
    assert "Only the organizers" in eve.callback_answers[-1].text
    with session_scope(engine) as session:
        assert session.exec(select(Participant)).all() == []


@ADMIN_LANGUAGES
async def test_an_application_reaches_the_admin_in_their_language(
    fake, engine, clock, bot_language, admin_language
):
    with session_scope(engine) as session:
        builders.event(session)
    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (_app, admin):
        await apply(fake.user(3001, "An", language_code="en"))
        labels = {"ko": ("새 참가 신청", "✅ 승인"), "en": ("New application", "✅ Approve")}
        title, approve = labels[admin_language]
        [request] = await admin.wait_for(lambda m: title in (m.text or ""))
    assert approve in dict(request.keyboard[0])
