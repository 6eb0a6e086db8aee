"""An interpreter in the bot, through the fake Telegram: joining by their own invite link,
their meetings with booth or video link, and ❌ handing a meeting to another interpreter, or
telling the organizers that nobody can take it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from admin_helpers import ADMIN_LANGUAGES, bot_and_admin, organizer, process, until
from db_hooks import dies_after
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from store.db import make_engine, session_scope
from store.event import parse_config, setup_event
from store.interpreters import changed_interpreters, reassign
from store.manual_matching import unassign
from store.models import (
    Attendance,
    Interpreter,
    InterpreterAssignment,
    InterpreterDecline,
    Meeting,
    Participant,
    Phase,
)
from store.participants import new_invite_token

KIM, LEE = 7001, 7002
# The push job looks for changed schedules every quarter of the lease: every 0.5 s, not 10 s.
LOOKS_OFTEN = pytest.mark.parametrize("lease", [timedelta(seconds=2)], ids=["lease 2 s"])


@pytest.fixture
def interpreted(engine):
    """B1 (needs Japanese, on site at T-B1) meets S1 at D1-0900 and S2 at D1-0930; B2 (needs
    Japanese, online) meets S3 at D1-1000. Kim and Lee interpret Japanese on site: Kim stays at
    T-B1 for both of B1's meetings, Lee, at no booth yet, takes the online one."""
    with session_scope(engine) as session:
        file = builders.EVENT_FILE | {
            "deadline": builders.DEADLINE.isoformat(),
            "video_link": "https://meet.jit.si/Fair-{room}",
        }
        setup_event(session, parse_config(file))
        b1 = builders.participant(session, "B1", interpreter_language="ja", company_en="Acme")
        b2 = builders.participant(
            session, "B2", interpreter_language="ja", attendance=Attendance.online
        )
        s = [builders.participant(session, f"S{n}", company=f"한빛{n}") for n in (1, 2, 3)]
        builders.meeting(session, b1, s[0], "D1-0900")
        builders.meeting(session, b1, s[1], "D1-0930")
        builders.meeting(session, b2, s[2], "D1-1000")
        tokens = {}
        for code, name in (("I1", "김통역"), ("I2", "이통역")):
            person = Interpreter(
                code=code, name=name, languages="ja", invite_token=new_invite_token()
            )
            session.add(person)
            tokens[code] = person.invite_token
        session.flush()
        reassign(session)
    return tokens


async def test_an_interpreter_joins_and_sees_their_meetings(bot, fake, engine, interpreted):
    kim = fake.user(KIM, "Kim", language_code="ko")
    [home] = await kim.ask(f"/start {interpreted['I1']}")
    assert "🗣 통역 일정" in home.text and "김통역 통역원" in home.text
    assert "배정된 통역 2건입니다" in home.text
    assert "09:00~09:30 · 부스 T-B1" in home.text and "Company B1 ↔ 한빛1 · 일본어" in home.text
    buttons = [b.text for row in home.buttons for b in row]
    assert buttons == [
        "❌ 6월 20일 09:00 참석 불가",
        "❌ 6월 20일 09:30 참석 불가",
        "📅 일정 새로 고침",
    ]
    [again] = await kim.ask("/start")
    assert "배정된 통역 2건입니다" in again.text
    lee = fake.user(LEE, "Lee", language_code="ko")
    [theirs] = await lee.ask(f"/start {interpreted['I2']}")
    assert "10:00~10:30 · 🎥 화상상담 접속" in theirs.text  # B2 is online: a link, no booth


async def test_a_declined_meeting_moves_to_another_interpreter(bot, fake, engine, interpreted):
    kim = fake.user(KIM, "Kim", language_code="ko")
    [home] = await kim.ask(f"/start {interpreted['I1']}")
    await kim.press(home, "❌ 6월 20일 09:30 참석 불가")
    [asked] = await kim.wait_reply()
    assert "이 통역에 참석할 수 없습니까?" in asked.text
    await kim.press(asked, "❌ 예, 참석할 수 없습니다")
    [done] = await kim.wait_reply()
    assert "다른 통역원이 맡습니다" in done.text
    with session_scope(engine) as session:
        people = {i.code: i.id for i in session.exec(select(Interpreter)).all()}
        held = {(a.interpreter_id) for a in session.exec(select(InterpreterAssignment)).all()}
        assert session.exec(select(InterpreterDecline)).one().interpreter_id == people["I1"]
    assert held == {people["I1"], people["I2"]}
    lee = fake.user(LEE, "Lee", language_code="en")
    [theirs] = await lee.ask(f"/start {interpreted['I2']}")
    assert "2 meetings assigned to you" in theirs.text and "09:30–10:00 · booth T-B1" in theirs.text
    assert "Acme ↔ 한빛2 · Japanese" in theirs.text  # each reader, the names in their language


async def nobody_takes_0930(fake, interpreted) -> None:
    """Kim gives 09:30 up, then Lee: nobody is left to take it."""
    for user_id, code in ((KIM, "I1"), (LEE, "I2")):
        person = fake.user(user_id, code, language_code="ko")
        [home] = await person.ask(f"/start {interpreted[code]}")
        await person.press(home, "❌ 6월 20일 09:30 참석 불가")
        [asked] = await person.wait_reply()
        await person.press(asked, "❌ 예, 참석할 수 없습니다")
        [done] = await person.wait_reply()
    assert "주최 측에 알렸습니다" in done.text


async def test_when_nobody_can_take_it_the_organizers_are_told(bot, fake, engine, interpreted):
    admin = organizer(fake)  # who never wrote to the bot: told in its default language
    await nobody_takes_0930(fake, interpreted)
    [told] = await admin.wait_for(lambda m: "/interpreters" in m.text)
    assert "이통역 통역원이 다음 통역에 참석할 수 없다고 알렸고" in told.text
    assert "09:30~10:00 · 부스 T-B1" in told.text


@ADMIN_LANGUAGES
async def test_the_organizers_hear_of_it_in_their_language(
    fake, engine, clock, interpreted, bot_language, admin_language
):
    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (_app, admin):
        await nobody_takes_0930(fake, interpreted)
        [told] = await admin.wait_for(lambda m: "/interpreters" in m.text)
    expected = {
        "ko": "이통역 통역원이 다음 통역에 참석할 수 없다고",
        "en": "이통역 can't make this",
    }
    assert expected[admin_language] in told.text


async def test_forged_and_stale_presses_change_nothing(bot, fake, engine, interpreted):
    kim = fake.user(KIM, "Kim", language_code="ko")
    [home] = await kim.ask(f"/start {interpreted['I1']}")
    for data in ("itp:no:999:999", "itp:no:x:1", "itp:zz"):
        await kim.press_data(home, data)
        await kim.wait_reply()
        assert kim.callback_answers[-1].show_alert
    stranger = fake.user(4242, "Stranger", language_code="en")
    await stranger.ask("/start")
    await stranger.press_data(home, "itp:no:1:4")
    await stranger.wait_reply()
    assert stranger.callback_answers[-1].show_alert
    with session_scope(engine) as session:
        assert session.exec(select(InterpreterDecline)).all() == []


@LOOKS_OFTEN
async def test_once_announced_a_changed_schedule_is_pushed_to_the_interpreter(
    interpreted, bot, fake, engine
):
    kim = fake.user(KIM, "Kim", language_code="ko")
    lee = fake.user(LEE, "Lee", language_code="en")
    await lee.ask(f"/start {interpreted['I2']}")
    [home] = await kim.ask(f"/start {interpreted['I1']}")
    with session_scope(engine) as session:
        builders.set_phase(session, Phase.announced)
    await kim.press(home, "❌ 6월 20일 09:30 참석 불가")
    [asked] = await kim.wait_reply()
    await kim.press(asked, "❌ 예, 참석할 수 없습니다")
    await kim.wait_reply()
    [pushed] = await lee.wait_for(lambda m: "schedule has changed" in m.text, timeout=20)
    assert "2 meetings assigned to you" in pushed.text and "09:30–10:00 · booth T-B1" in pushed.text


@LOOKS_OFTEN
async def test_only_the_interpreter_whose_schedule_changed_is_sent_it(
    interpreted, bot, fake, engine
):
    """The push job reads only the interpreters a re-assignment marked: removing Lee's one
    meeting sends Lee the new schedule, and Kim, whose meetings stay, nothing."""
    kim = fake.user(KIM, "Kim", language_code="ko")
    lee = fake.user(LEE, "Lee", language_code="en")
    await kim.ask(f"/start {interpreted['I1']}")
    await lee.ask(f"/start {interpreted['I2']}")  # each has read their schedule: nothing new
    with session_scope(engine) as session:
        builders.set_phase(session, Phase.announced)
        assert changed_interpreters(session) == []
        people = {i.code: i.id for i in session.exec(select(Interpreter)).all()}
        s3 = session.exec(select(Participant).where(Participant.code == "S3")).one()
        online = session.exec(select(Meeting).where(Meeting.seller_id == s3.id)).one()
        unassign(session, builders.ADMIN, online.id)
        assert changed_interpreters(session) == [people["I2"]]
    before = len(kim.messages)
    [pushed] = await lee.wait_for(lambda m: "schedule has changed" in m.text, timeout=20)
    assert "09:30" not in pushed.text and "10:00" not in pushed.text
    # Sent, recorded right after it, and nobody is read again.
    assert await until(lambda: not changed(engine))
    assert len(kim.messages) == before


def changed(engine) -> list[int]:
    with session_scope(engine) as session:
        return changed_interpreters(session)


def unassign_the_online_meeting(engine) -> None:
    """S3's meeting (Lee's one) is taken out: Lee's schedule changes."""
    with session_scope(engine) as session:
        s3 = session.exec(select(Participant).where(Participant.code == "S3")).one()
        online = session.exec(select(Meeting).where(Meeting.seller_id == s3.id)).one()
        unassign(session, builders.ADMIN, online.id)


async def test_a_bot_killed_between_claiming_a_change_and_sending_it_still_sends_it(
    interpreted, fake, engine, database_url, clock
):
    """The process that took Lee's changed schedule to send dies before the message went out
    (its send failed, and nothing after the claim reached the database): once the claim's
    lease ran out, a living process sends it, once."""
    lee = fake.user(LEE, "Lee", language_code="en")
    lease = timedelta(seconds=2)
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, lease):
            await lee.ask(f"/start {interpreted['I2']}")  # read: nothing new to send them
            with session_scope(engine) as session:
                builders.set_phase(session, Phase.announced)
            fake.fail_next(LEE, code=500, method="sendmessage")  # the send never arrives
            with dies_after(doomed, "UPDATE interpreter SET schedule_"):
                refused: list[str] = []

                def tried(context) -> None:  # a statement the dead process tried
                    if context.statement.lstrip().startswith("UPDATE interpreter"):
                        refused.append(context.statement)

                sa.event.listen(doomed, "handle_error", tried)
                unassign_the_online_meeting(engine)
                # Claimed; the send failed, and so did what the process wrote after it.
                assert await until(lambda: bool(refused), timeout=20)
                sa.event.remove(doomed, "handle_error", tried)
            assert not any("schedule has changed" in m.text for m in lee.messages)
            clock.now += 2 * lease  # the dead process's claim ran out
            await lee.wait_for(lambda m: "schedule has changed" in m.text, timeout=20)
            assert await until(lambda: not changed(engine))
        assert len([m for m in lee.messages if "schedule has changed" in m.text]) == 1
    finally:
        doomed.dispose()
