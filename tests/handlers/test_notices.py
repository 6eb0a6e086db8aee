"""Notices through the fake Telegram server when Telegram has a bad moment: answers 502, then
times out, then recovers (every notice still of use arrives once); a reminder whose meeting
started meanwhile is given up, not sent late; two processes send one survey round, each
question once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import build_process, organizer, process, until, users
from db_hooks import locked_once
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN, running_balanced
from store import notices
from store.db import session_scope
from store.models import DeliveryStatus, Event, Notice, NoticeKind, Phase

WAIT = 60.0
FIRST = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
PAIRS = 3
TIMEOUT = 3.0  # seconds a call to Telegram may take (TELEGRAM_TIMEOUT_SECONDS; 10 in production)


def fair(engine, pairs: int) -> None:
    """Buyer n meets seller n at 09:00 on the first day; timetables announced."""
    with session_scope(engine) as session:
        builders.event(session)
        for n in range(1, pairs + 1):
            buyer = builders.participant(session, f"B{n}", telegram_id=1000 + n, language="en")
            seller = builders.participant(session, f"S{n}", telegram_id=2000 + n, language="en")
            builders.meeting(session, buyer, seller, "D1-0900")
        builders.set_phase(session, Phase.announced)


def reminders(user) -> int:
    return sum("minutes" in (m.text or "") for m in user.messages)


def rows(engine, kind: NoticeKind) -> list[Notice]:
    with session_scope(engine) as session:
        return list(session.exec(select(Notice).where(Notice.kind == kind)).all())


@pytest.mark.slow  # the bot's timeout is waited out
async def test_reminders_outlast_502s_and_timeouts_and_arrive_once(fake, engine, clock):
    fair(engine, PAIRS)
    people = users(fake, PAIRS, PAIRS)
    clock.now = FIRST - timedelta(minutes=10)
    fake.fail_next(code=502, times=4)
    # Answered after the bot's timeout, and not delivered (the call is lost).
    fake.fail_next(code=504, times=2, delay=TIMEOUT + 1)
    async with process(fake, engine, clock, DEFAULT_TOKEN, telegram_timeout=TIMEOUT):
        everyone = await fake.changes.wait_for(
            lambda: all(reminders(u) for u in people.values()), WAIT
        )
        assert everyone, {code: reminders(u) for code, u in people.items()}
    assert [reminders(u) for u in people.values()] == [1] * 2 * PAIRS
    sent = rows(engine, NoticeKind.meeting)
    assert {n.status for n in sent} == {DeliveryStatus.sent}
    assert sum(n.attempts for n in sent) == 6  # four 502s and two timeouts, each retried


async def test_a_reminder_whose_meeting_started_is_given_up_not_sent_late(fake, engine, clock):
    fair(engine, 1)
    people = users(fake, 1, 1)
    clock.now = FIRST - timedelta(minutes=10)
    fake.fail_next(1001, code=500, times=1000)  # B1's chat fails until the meeting starts
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        assert await people["S1"].wait_for(lambda m: "minutes" in (m.text or ""), WAIT)

        assert await until(lambda: any(n.attempts >= 2 for n in rows(engine, NoticeKind.meeting)))
        clock.now = FIRST  # the meeting starts
        assert await until(
            lambda: any(
                n.status == DeliveryStatus.given_up for n in rows(engine, NoticeKind.meeting)
            )
        )
    [late] = [n for n in rows(engine, NoticeKind.meeting) if n.status != DeliveryStatus.sent]
    assert (late.status, late.error) == (DeliveryStatus.given_up, notices.TOO_LATE)
    assert reminders(people["B1"]) == 0


async def test_a_reminder_whose_record_meets_a_locked_database_arrives_once(fake, engine, clock):
    fair(engine, PAIRS)
    people = users(fake, PAIRS, PAIRS)
    clock.now = FIRST - timedelta(minutes=10)
    with locked_once(engine, "notice", "sent_at") as failed:
        async with process(fake, engine, clock, DEFAULT_TOKEN):
            # Recorded after it went out: once every reminder is, nothing more is sent.
            assert await until(
                lambda: (
                    {n.status for n in rows(engine, NoticeKind.meeting)} == {DeliveryStatus.sent}
                    and len(rows(engine, NoticeKind.meeting)) == 2 * PAIRS
                )
            )
    assert failed, "no reminder's record met the lock"
    assert [reminders(u) for u in people.values()] == [1] * 2 * PAIRS


@pytest.fixture
def survey_due(engine, clock):
    """Twenty meetings held; the survey is due (no weeks after the fair)."""
    fair(engine, 20)
    with session_scope(engine) as session:
        session.exec(select(Event)).one().follow_up_weeks = 0
    clock.now = FIRST + timedelta(days=2)


@pytest.mark.slow
async def test_two_processes_send_one_survey_round_each_question_once(
    survey_due, fake, engine, clock
):
    people = users(fake, 20, 20)
    admin = organizer(fake)
    applications = [
        build_process(fake, engine, clock, DEFAULT_TOKEN, lease=timedelta(seconds=4))
        for _ in range(2)
    ]
    async with running_balanced(applications, fake):
        done = await admin.wait_for(lambda m: "survey is done" in (m.text or ""), WAIT)
        assert done
    asked = [sum("contract" in (m.text or "") for m in u.messages) for u in people.values()]
    assert asked == [1] * 40
    senders = {n.claimed_by[:12] for n in rows(engine, NoticeKind.survey)}
    assert len(senders) == 2  # both processes sent some
    texts = [m.text or "" for m in admin.messages]
    assert sum("going out: 40 questions" in text for text in texts) == 1
    assert sum("done: 40 questions, 40 delivered" in text for text in texts) == 1
