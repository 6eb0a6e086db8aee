"""The follow-up survey through the fake Telegram server: weeks after the fair each side of
each meeting held is asked once (not after a no-show), answers with a value, and a restart
asks nobody again."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import (
    ADMIN_LANGUAGES,
    bot_and_admin,
    chat_users,
    organizer,
    process,
    until,
)
from db_hooks import dies_after, refused
from sqlmodel import select

import builders
from builders import ADMIN
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import make_engine, session_scope
from store.models import Event, OutcomeResult, Phase, Signed, SurveyAnswer
from store.outcomes import record_outcome

SEOUL = ZoneInfo("Asia/Seoul")
LAST_SLOT_END = datetime(2024, 6, 21, 12, 0, tzinfo=SEOUL)
PEOPLE = {"B1": 1001, "B2": 1002, "S1": 2001, "S2": 2002}


@pytest.fixture
def fair(engine, clock):
    """B1 met S1; B2 reported S2 as a no-show. The survey comes two weeks after the fair."""
    with session_scope(engine) as session:
        builders.event(session)
        p = {
            code: builders.participant(
                session, code, telegram_id=tid, language="en" if code[0] == "B" else "ko"
            )
            for code, tid in PEOPLE.items()
        }
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        missed = builders.meeting(session, p["B2"], p["S2"], "D1-0900")
        builders.set_phase(session, Phase.announced)
        session.exec(select(Event)).one().follow_up_weeks = 2
        ended = datetime(2024, 6, 20, 9, 30, tzinfo=SEOUL)
        record_outcome(session, missed.id, p["B2"].id, OutcomeResult.no_show, ended)
    clock.now = LAST_SLOT_END + timedelta(weeks=2) - timedelta(hours=1)


def sent(fake, chat_id, fragment):
    return sum(
        call.method == "sendMessage"
        and call.chat_id == chat_id
        and fragment in str(call.params.get("text"))
        for call in fake.calls
    )


async def test_the_follow_up_survey(fair, fake, engine, clock):
    people = chat_users(fake, PEOPLE)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        pass  # an hour early: nothing is asked
    assert sent(fake, 1001, "follow-up") == 0
    clock.now += timedelta(hours=1)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await people["B1"].wait_for(lambda m: "Has a contract" in (m.text or ""), timeout=30)
        await people["S1"].wait_for(lambda m: "MOU를 체결하셨습니까" in (m.text or ""), timeout=30)
        await admin.wait_for(
            lambda m: "going out: 2 questions about meetings held" in (m.text or ""), timeout=30
        )
        await admin.wait_for(
            lambda m: (
                # the zero counts left out: no "answered 0, blocked 0, given up 0"
                (m.text or "").endswith("done: 2 questions, 2 delivered.")
            ),
            timeout=30,
        )
        question = people["B1"].messages[-1]
        assert "You met Company S1 on Thu, Jun 20" in question.text
        await people["B1"].press(question, "✍️ A contract")
        replies = await people["B1"].wait_reply()
        assert "What is it worth" in replies[-1].text
        [slip] = await people["B1"].ask("a lot")
        assert slip.text.startswith("That is not an amount")
        [thanks] = await people["B1"].ask("50k")
        assert "A contract, value: US$50,000" in thanks.text
        await people["S1"].press(people["S1"].messages[-1], "아직 없음")
        await people["S1"].wait_reply()
    # A restart later: the job runs again and asks nobody twice.
    clock.now += timedelta(days=1)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        figures, _chart, _workbook = await admin.ask("/results")
        assert "signed: 1 contract, worth US$50,000" in figures.text
    for tid in (1001, 2001):
        assert sent(fake, tid, "follow-up") + sent(fake, tid, "사후 조사") == 1
    for tid in (1002, 2002):  # the no-show
        assert sent(fake, tid, "follow-up") + sent(fake, tid, "사후 조사") == 0
    assert sent(fake, 9000, "follow-up survey is going out") == 1
    assert sent(fake, 9000, "follow-up survey is done") == 1
    with session_scope(engine) as session:
        answers = {(a.signed, a.value_usd) for a in session.exec(select(SurveyAnswer))}
    assert answers == {(Signed.contract, 50000), (Signed.nothing, None)}


@ADMIN_LANGUAGES
async def test_the_surveys_counts_reach_the_admin_in_their_language(
    fair, fake, engine, clock, bot_language, admin_language
):
    chat_users(fake, PEOPLE)
    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (app, admin):
        clock.now += timedelta(hours=1)
        await schedule_all(app)
        going, done = {
            "ko": ("사후 조사 발송을 시작합니다", "사후 조사를 마쳤습니다"),
            "en": ("follow-up survey is going out", "follow-up survey is done"),
        }[admin_language]
        await admin.wait_for(lambda m: going in (m.text or ""), timeout=30)
        await admin.wait_for(lambda m: done in (m.text or ""), timeout=30)


async def test_a_bot_killed_after_claiming_the_surveys_count_still_sends_it(
    fair, fake, engine, database_url, clock
):
    """The process that took the survey's final count to send dies before sending it: once
    its lease ran out, a living process tells the organizers, once."""
    chat_users(fake, PEOPLE)
    admin = organizer(fake)
    clock.now += timedelta(hours=1)
    lease = timedelta(seconds=2)
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, lease):
            dying = dies_after(doomed, "UPDATE event SET survey_report")
            # The admins' languages, read to tell them: refused once the process is dead.
            with dying as died, refused(doomed, "FROM userstate") as read:
                assert await until(lambda: bool(died) and bool(read), timeout=30)
            assert sent(fake, ADMIN, "follow-up survey is done") == 0
            clock.now += 2 * lease  # the dead process's claim ran out
            await admin.wait_for(lambda m: "follow-up survey is done" in (m.text or ""), 30)
        assert sent(fake, ADMIN, "follow-up survey is done") == 1
    finally:
        doomed.dispose()
