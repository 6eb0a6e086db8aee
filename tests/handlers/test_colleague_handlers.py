"""Colleagues through the fake Telegram: the main contact invites from My page, the colleague
joins by the link and uses the bot for the company in their own language, every refusal in
one sentence, and a revoked colleague told once."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, process
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.colleagues import invite, join_colleague
from store.db import session_scope
from store.models import (
    AuditLog,
    Colleague,
    MeetingOutcome,
    Notice,
    NoticeKind,
    OutcomeResult,
    Participant,
    Phase,
)
from store.withdrawal import withdraw

MAIN, KIM, LEE, PARK = 1001, 5001, 5002, 5003
FIRST = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
LINK = re.compile(r"https://t\.me/\w+\?start=([\w-]+)")


@pytest.fixture
def company(bot, engine) -> int:
    """한빛화장품 (S1, Korean, its main contact MAIN) meets Acme (B1) at D1-0930, announced."""
    with session_scope(engine) as session:
        builders.event(session)
        s1 = builders.participant(
            session, "S1", company="한빛화장품", company_en="Hanbit", telegram_id=MAIN
        )
        b1 = builders.participant(session, "B1", company="Acme", telegram_id=2001, language="en")
        builders.meeting(session, b1, s1, "D1-0930")
        builders.set_phase(session, Phase.announced)
        return s1.id


def labels(message) -> list[str]:
    return [label for row in message.keyboard for label, _ in row]


async def invite_link(main):
    """The new link's token, and the list as it shows now (edited in place)."""
    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 동료")
    [team] = await main.wait_reply()
    await main.press(team, "➕ 동료 초대")
    sent = await main.wait_reply()
    [link] = [m for m in sent if "동료에게 이 링크를 전달해 주세요" in m.text]
    return LINK.search(link.text).group(1), team


async def test_a_colleague_joins_and_sees_the_companys_timetable_in_their_language(
    fake, engine, company
):
    main = fake.user(MAIN, "Hong", language_code="ko")
    token, team = await invite_link(main)
    # the invitation is named by when it was made, in the list and on its button
    made = re.search(r"1\. (\d+월 \d+일 \d\d:\d\d) 초대 · 아직 링크를 열지 않음:", team.text)
    assert made is not None and token in team.text
    assert labels(team) == ["➕ 동료 초대", f"✖️ {made.group(1)} 초대 해제", "⬅️ 뒤로"]

    kim = fake.user(KIM, "Kim Minsu", language_code="en")
    welcome, menu = await kim.ask(f"/start {token}")
    assert "Hanbit as a colleague" in welcome.text
    assert "Hanbit" in menu.text and "You use the bot as a colleague" in menu.text
    assert "👥 Colleagues" not in labels(menu)  # managing colleagues is the main contact's
    await kim.press(menu, "📅 My schedule")
    [table] = await kim.wait_reply()
    assert "Acme" in table.text and "09:30" in table.text

    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 동료")
    [team] = await main.wait_reply()
    assert "1. Kim Minsu · 연결됨" in team.text
    assert labels(team) == ["➕ 동료 초대", "✖️ Kim Minsu 님 연결 해제", "⬅️ 뒤로"]

    # Their own language: the colleague's choice leaves the main contact's alone.
    [choices] = await kim.ask("/language")
    await kim.press(choices, "한국어")
    [menu] = await kim.wait_reply()
    assert "동료로 이용하고 계십니다" in menu.text
    [theirs] = await main.ask("/menu")
    assert "마이페이지" in theirs.text
    with session_scope(engine) as session:
        [row] = session.exec(select(Colleague)).all()
        assert row.language == "ko"
        audit = [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert audit == ["colleague_invited"]


async def test_a_colleague_may_not_change_the_profile_nor_manage_colleagues(fake, engine, company):
    with session_scope(engine) as session:
        made = builders.colleague(session, company, MAIN, KIM, "Kim", "en")
    kim = fake.user(KIM, "Kim", language_code="en")
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "🏢 Participation info")
    [profile] = await kim.wait_reply()
    assert "Only the company's main contact can change" in profile.text
    assert labels(profile) == ["⬅️ Back"]
    for forged in ("pe:company", "pz:ask:-", "pi:set:-", "team", "team:new", f"team:yes:{made.id}"):
        await kim.press_data(profile, forged)
        await kim.wait_reply()
        answer = kim.callback_answers[-1]
        assert answer.show_alert and "Only the company's main contact" in answer.text, forged
    with session_scope(engine) as session:
        assert session.get(Colleague, made.id).revoked_at is None
        assert len(session.exec(select(Colleague)).all()) == 1


async def test_each_refused_link_says_why_in_one_sentence(fake, engine, company):
    with session_scope(engine) as session:
        used = invite(session, company, MAIN, builders.NOW)
        join_colleague(session, used.invite_token, KIM, "Kim", "en", builders.NOW)
        spare = invite(session, company, MAIN, builders.NOW).invite_token
    kim = fake.user(KIM, "Kim", language_code="en")
    replies = await kim.ask(f"/start {used.invite_token}")
    assert "already linked to Hanbit as a colleague" in replies[0].text
    lee = fake.user(LEE, "Lee", language_code="en")
    [refused] = await lee.ask(f"/start {used.invite_token}")
    assert refused.text.startswith("This colleague link was already opened from another")
    buyer = fake.user(2001, "Buyer", language_code="en")
    [refused] = await buyer.ask(f"/start {spare}")
    assert refused.text.startswith("This Telegram account already takes part")
    with session_scope(engine) as session:
        withdraw(session, builders.ADMIN, "S1", "left", builders.NOW)
    park = fake.user(PARK, "Park", language_code="ko")
    [refused] = await park.ask(f"/start {spare}")
    assert "참가를 취소" in refused.text
    with session_scope(engine) as session:
        rows = session.exec(select(Colleague).order_by(Colleague.id)).all()
        assert [row.telegram_id for row in rows] == [KIM, None]
    # The withdrawn company's colleague is refused like its main contact.
    [refused] = await kim.ask("/menu")
    assert "no longer use the bot" in refused.text or "withdrawn" in refused.text.lower()


async def test_three_colleagues_at_most(fake, engine, company):
    with session_scope(engine) as session:
        for _ in range(3):
            invite(session, company, MAIN, builders.NOW)
    main = fake.user(MAIN, "Hong", language_code="ko")
    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 동료")
    [team] = await main.wait_reply()
    assert "➕ 동료 초대" not in labels(team)
    await main.press_data(team, "team:new")  # an old button
    await main.wait_reply()
    assert main.callback_answers[-1].text.startswith("동료는 3명까지 초대할 수 있습니다")
    with session_scope(engine) as session:
        assert len(session.exec(select(Colleague)).all()) == 3


async def test_a_revoked_colleague_is_told_once_and_the_link_refused(fake, engine, company):
    with session_scope(engine) as session:
        made = builders.colleague(session, company, MAIN, KIM, "Kim", "en")
    kim = fake.user(KIM, "Kim", language_code="en")
    [menu] = await kim.ask("/menu")
    assert "You use the bot as a colleague" in menu.text
    main = fake.user(MAIN, "Hong", language_code="ko")
    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 동료")
    [team] = await main.wait_reply()
    await main.press(team, "✖️ Kim 님 연결 해제")
    [asked] = await main.wait_reply()
    assert "Kim 님의 연결을 해제하시겠습니까?" in asked.text
    await main.press(asked, "✖️ 예, 해제합니다")
    [team] = await main.wait_reply()
    assert team.text.startswith("✖️ Kim 님의 연결을 해제했습니다")
    assert "아직 초대한 동료가 없습니다" in team.text

    [told] = await kim.wait_for(lambda m: "revoked your access" in m.text)
    assert "Hanbit" in told.text
    [stranger] = await kim.ask("/menu")
    assert "Hanbit" not in stranger.text
    [refused] = await kim.ask(f"/start {made.invite_token}")
    assert refused.text.startswith("This colleague link was revoked")

    await main.press_data(team, f"team:yes:{made.id}")  # the confirmation pressed again
    await main.wait_reply()
    assert main.callback_answers[-1].text == "이미 해제된 동료입니다."
    with session_scope(engine) as session:
        told_rows = session.exec(select(Notice).where(Notice.kind == NoticeKind.colleague)).all()
        assert [(n.colleague_id, n.status) for n in told_rows] == [(made.id, "sent")]
        audit = [row.action for row in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert audit == ["colleague_invited", "colleague_revoked"]


def announced_meeting(session) -> int:
    """S1 (Korean main contact MAIN) meets B1 (English) in D1-0900, announced; S1's id."""
    builders.event(session)
    people = builders.bilingual_people(session, {"B1": 2001, "S1": MAIN})
    builders.meeting(session, people["B1"], people["S1"], "D1-0900")
    builders.set_phase(session, Phase.announced)
    return people["S1"].id


def meeting_with_a_colleague(engine) -> Colleague:
    """`announced_meeting`, and Kim (KIM, English) joined S1 as a colleague."""
    with session_scope(engine) as session:
        made = builders.colleague(session, announced_meeting(session), MAIN, KIM, "Kim", "en")
        return made


def colleague_user(fake):
    kim = fake.user(KIM, "Kim", language_code="en")
    kim.bot.open_chat(kim.profile)
    return kim


async def test_a_reminder_reaches_the_colleague_in_their_language_and_counts_one_answer(
    fake, engine, clock
):
    """S1's Korean main contact and English colleague both get the meeting reminder, each in
    their language; the colleague's ✅ is the company's: the main contact's later ✅ is told
    who confirmed it, and the buyer hears it once."""
    made = meeting_with_a_colleague(engine)
    clock.now = FIRST - timedelta(minutes=10)
    users, kim = chat_users(fake, {"B1": 2001, "S1": MAIN}), colleague_user(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        await schedule_all(application)
        [theirs] = await kim.wait_for(lambda m: "Buyer B1" in (m.text or ""), timeout=30)
        [mine] = await users["S1"].wait_for(lambda m: "Buyer B1" in (m.text or ""), timeout=30)
        assert labels(theirs)[:2] == ["✅ I'll be there", "❌ I can't make it"]
        assert labels(mine)[:2] == ["✅ 참석 확인", "❌ 불참"]
        await kim.press(theirs, "✅ I'll be there")
        [done] = await kim.wait_reply()
        assert "you will meet Buyer B1" in done.text
        await users["B1"].wait_for(lambda m: "confirmed" in (m.text or ""), timeout=30)
        await users["S1"].press(mine, "✅ 참석 확인")
        await users["S1"].wait_reply()
        assert users["S1"].callback_answers[-1].text == "Kim 님이 이미 참석을 확인했습니다."
    told = [m for m in users["B1"].messages if "confirmed" in (m.text or "")]
    assert len(told) == 1
    with session_scope(engine) as session:
        sent = session.exec(select(Notice).where(Notice.kind == NoticeKind.meeting)).all()
        assert sorted(n.colleague_id for n in sent) == [0, 0, made.id]


async def test_a_colleague_gets_the_companys_request_in_their_language_and_answers_it(
    bot, fake, engine
):
    with session_scope(engine) as session:
        builders.event(session)
        s1 = builders.participant(
            session, "S1", company="한빛화장품", company_en="Hanbit", telegram_id=MAIN
        )
        builders.participant(session, "B1", company="Acme", telegram_id=2001, language="en")
        builders.colleague(session, s1.id, MAIN, KIM, "Kim", "en")
    users = chat_users(fake, {"B1": 2001, "S1": MAIN})
    kim = fake.user(KIM, "Kim", language_code="en")
    kim.bot.open_chat(kim.profile)
    [menu] = await users["B1"].ask("/menu")
    await users["B1"].press(menu, "🔎 Find companies")
    [found] = await users["B1"].wait_reply()
    await users["B1"].press(found, next(x for x in labels(found) if "Hanbit" in x))
    [card] = await users["B1"].wait_reply()
    await users["B1"].press(card, "📨 Request a meeting")
    [prompt] = await users["B1"].wait_reply()
    await users["B1"].press(prompt, "⏭️ Skip the note")
    await users["B1"].wait_reply()
    [theirs] = await kim.wait_for(lambda m: "Acme" in (m.text or ""), timeout=30)
    [mine] = await users["S1"].wait_for(lambda m: "Acme" in (m.text or ""), timeout=30)
    assert "Accept" in " ".join(labels(theirs)) and "수락" in " ".join(labels(mine))
    await kim.press(theirs, next(x for x in labels(theirs) if "Accept" in x))
    await kim.wait_reply()
    await users["B1"].wait_for(lambda m: "accepted" in (m.text or ""), timeout=30)
    await users["S1"].press(mine, next(x for x in labels(mine) if "수락" in x))  # too late
    await users["S1"].wait_reply()
    refused = users["S1"].callback_answers[-1]
    assert refused.show_alert and refused.text == "Kim 님이 이미 이 신청을 수락했습니다."
    assert sum("accepted" in (m.text or "") for m in users["B1"].messages) == 1


async def test_half_way_invitations_get_nothing_and_can_be_revoked_or_finished_later(
    fake, engine, clock
):
    """Two invitations left half-way before a reminder goes out. One link was never opened
    (Telegram's START not pressed): the bot knows no account for it, so nothing is sent to
    it, the main contact's list says it is not opened yet, with the link to send again, and
    revoking it makes the link refuse whoever opens it later. The other was opened and then
    left alone: opening is the whole joining (the colleague's language is Telegram's until
    they pick one), so they are the company's colleague from then on and get the reminder."""
    with session_scope(engine) as session:
        company = announced_meeting(session)
        never = invite(session, company, MAIN, builders.NOW)
        opened = invite(session, company, MAIN, builders.NOW)
    clock.now = FIRST - timedelta(minutes=30)  # before the reminder is due
    users = chat_users(fake, {"B1": 2001, "S1": MAIN})
    kim = fake.user(KIM, "Kim", language_code="en")
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        welcome, _ = await kim.ask(f"/start {opened.invite_token}")
        assert "as a colleague" in welcome.text  # and nothing more from Kim
        main = users["S1"]
        [menu] = await main.ask("/menu")
        await main.press(menu, "👥 동료")
        [team] = await main.wait_reply()
        assert "아직 링크를 열지 않음" in team.text and never.invite_token in team.text
        assert "2. Kim · 연결됨" in team.text

        clock.now = FIRST - timedelta(minutes=10)
        await schedule_all(application)
        await kim.wait_for(lambda m: "Buyer B1" in (m.text or ""), timeout=30)
        await main.wait_for(lambda m: "Buyer B1" in (m.text or ""), timeout=30)

        unopened = next(label for label in labels(team) if label.endswith("초대 해제"))
        await main.press(team, unopened)
        [asked] = await main.wait_reply()
        await main.press(asked, "✖️ 예, 해제합니다")
        [team] = await main.wait_reply()
        assert "아직 링크를 열지 않음" not in team.text and "Kim · 연결됨" in team.text
        park = fake.user(PARK, "Park", language_code="en")
        [refused] = await park.ask(f"/start {never.invite_token}")
        assert refused.text.startswith("This colleague link was revoked")
    with session_scope(engine) as session:
        sent = session.exec(select(Notice).where(Notice.kind == NoticeKind.meeting)).all()
        assert sorted(n.colleague_id for n in sent) == [0, 0, opened.id]
        # revoking a link nobody opened tells nobody
        assert session.exec(select(Notice).where(Notice.kind == NoticeKind.colleague)).all() == []
        assert session.get(Colleague, never.id).telegram_id is None


async def test_the_first_outcome_answer_is_the_companys_and_its_writer_may_change_it(
    fake, engine, clock
):
    """After the meeting both the main contact and the colleague are asked; the colleague
    answers first: the main contact's answer is refused naming them and what they answered,
    and the colleague changes their own answer."""
    made = meeting_with_a_colleague(engine)
    clock.now = FIRST + timedelta(minutes=30)  # D1-0900 has ended
    users, kim = chat_users(fake, {"B1": 2001, "S1": MAIN}), colleague_user(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        await schedule_all(application)
        [theirs] = await kim.wait_for(lambda m: "How did your meeting" in m.text, timeout=30)
        [mine] = await users["S1"].wait_for(lambda m: "어떠셨습니까" in m.text, timeout=30)
        await kim.press(theirs, "Interested (will follow up)")
        [summary] = await kim.wait_reply()
        await users["S1"].press(mine, "관심 분야 불일치")
        await users["S1"].wait_reply()
        refused = users["S1"].callback_answers[-1]
        assert refused.show_alert and refused.text.startswith("Kim 님이 이미 상담 결과를 답했고")
        await kim.press(summary, "✏️ Change the answer")
        [question] = await kim.wait_reply()
        await kim.press(question, "Quote or sample requested")
        [changed] = await kim.wait_reply()
        assert "Quote or sample requested" in changed.text
    with session_scope(engine) as session:
        [row] = session.exec(select(MeetingOutcome)).all()
    assert (row.result, row.colleague_id) == (OutcomeResult.quote_requested, made.id)


async def test_invitations_made_the_same_minute_get_distinct_buttons(fake, engine, company):
    with session_scope(engine) as session:
        for _ in range(3):
            invite(session, company, MAIN, builders.NOW)  # the same instant: a double tap
    main = fake.user(MAIN, "Hong", language_code="ko")
    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 동료")
    [team] = await main.wait_reply()
    when = "6월 1일 18:00"
    assert labels(team)[:3] == [
        f"✖️ {when} 첫 번째 초대 해제",
        f"✖️ {when} 두 번째 초대 해제",
        f"✖️ {when} 세 번째 초대 해제",
    ]
    await main.press(team, f"✖️ {when} 두 번째 초대 해제")
    [asked] = await main.wait_reply()
    assert asked.text.startswith(f"{when}에 만든 두 번째 초대를 해제하시겠습니까?")
    await main.press(asked, "✖️ 예, 해제합니다")
    [team] = await main.wait_reply()
    assert team.text.startswith(f"✖️ {when}에 만든 두 번째 초대를 해제했습니다.")
    assert labels(team)[:3] == [
        "➕ 동료 초대",
        f"✖️ {when} 첫 번째 초대 해제",
        f"✖️ {when} 두 번째 초대 해제",
    ]
    with session_scope(engine) as session:
        session.get(Participant, company).language = "en"
    [menu] = await main.ask("/menu")
    await main.press(menu, "👥 Colleagues")
    [team] = await main.wait_reply()
    assert labels(team)[1:3] == [
        "✖️ Revoke the first invitation of Jun 1, 18:00",
        "✖️ Revoke the second invitation of Jun 1, 18:00",
    ]
