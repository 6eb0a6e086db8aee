"""Reopening meeting requests after the deadline (신청 기간 연장): /deadline with a later time
asks for confirmation, reopens, keeps the meetings set by hand and tells every participant."""

from datetime import timedelta

import pytest
from admin_helpers import organizer, users
from sqlmodel import func, select

import builders
from builders import ADMIN, DEADLINE
from jobs.schedule import schedule_all
from store.db import session_scope
from store.manual_matching import assign
from store.models import AuditLog, Event, Meeting, Participant, Phase, Tier


@pytest.fixture
def fair(engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=3, sellers=3, daily_cap=1)
        assign(session, ADMIN, "B2", "S3", "D2-0900")  # set by hand before the deadline
        b1 = session.exec(select(Participant).where(Participant.code == "B1")).one()
        b1.language = "en"  # the others never chose: they hear the default, Korean
        session.add(b1)


def event(engine) -> Event:
    with session_scope(engine) as session:
        return session.exec(select(Event)).one()


def meetings(engine) -> dict[str, int]:
    with session_scope(engine) as session:
        rows = session.exec(select(Meeting.tier, func.count()).group_by(Meeting.tier)).all()
    return {tier.value: n for tier, n in rows}


async def close(bot, admin, clock) -> None:
    clock.now = DEADLINE + timedelta(minutes=1)
    await schedule_all(bot)
    await admin.wait_for(lambda m: "상담 신청이 마감되었습니다" in m.text or "closed" in m.text)


async def test_a_closed_fair_reopens_after_confirmation_and_everyone_is_told(
    bot, fake, engine, clock, fair
):
    people = users(fake, 3, 3)
    admin = organizer(fake)
    await close(bot, admin, clock)
    assert event(engine).phase == Phase.matched
    assert meetings(engine)[Tier.fixed.value] == 1 and sum(meetings(engine).values()) > 1

    [question] = await admin.ask("/deadline 2024-06-12 18:00")
    assert "Reopen them until Wed, Jun 12, 2024 18:00?" in question.text
    assert event(engine).phase == Phase.matched  # nothing changes before the confirmation

    await admin.press(question, "Reopen requests")
    replies = await admin.wait_reply()
    assert any("open again until Wed, Jun 12, 2024 18:00" in m.text for m in replies)
    reopened = event(engine)
    assert reopened.phase == Phase.open
    assert reopened.deadline.isoformat() == "2024-06-12T09:00:00+00:00"
    assert meetings(engine) == {Tier.fixed.value: 1}  # the automatic ones go, the hand-made stays
    with session_scope(engine) as session:
        audit = session.exec(select(AuditLog).where(AuditLog.action == "reopen")).one()
    assert '"phase": "matched"' in audit.detail

    # Every participant hears it in their language; the admin gets the count.
    await people["B1"].wait_for(lambda m: "open again until Wed, Jun 12, 2024 18:00" in m.text)
    await people["S1"].wait_for(lambda m: "6월 12일 (수) 18:00까지 연장했습니다" in m.text)
    await admin.wait_for(lambda m: "6" in m.text and "sent" in m.text.lower(), timeout=10)

    # Requests work again, the menu says so, and the matching runs at the new deadline.
    [menu] = await people["B1"].ask("/menu")
    assert "closed" not in menu.text
    assert [job.name for job in bot.job_queue.get_jobs_by_name("deadline")] == ["deadline"]
    clock.now = reopened.deadline
    await schedule_all(bot)
    await admin.wait_for(lambda m: "Requests are closed" in m.text)  # the admin's language
    assert event(engine).phase == Phase.matched and sum(meetings(engine).values()) > 1


async def test_reopening_is_refused_once_timetables_are_announced_or_for_a_past_time(
    bot, fake, engine, clock, fair
):
    admin = organizer(fake)
    await close(bot, admin, clock)
    # Each refusal is checked in tests/store/test_deadline.py; here that they are answered.
    [past] = await admin.ask("/deadline 2024-06-10 09:00")
    assert "already passed" in past.text
    [question] = await admin.ask("/deadline 2024-06-12 18:00")
    with session_scope(engine) as session:
        announced = session.exec(select(Event)).one()
        announced.phase, announced.announce_round = Phase.announced, 1
        session.add(announced)
    await admin.press(question, "Reopen requests")  # pressed after the announcement
    await admin.wait_reply()
    assert "already been announced" in admin.callback_answers[-1].text
    assert event(engine).phase == Phase.announced


async def test_only_admins_may_press_reopen(bot, fake, engine, clock, fair):
    admin = organizer(fake)
    await close(bot, admin, clock)
    kim = users(fake, 1, 0)["B1"]
    [menu] = await kim.ask("/menu")
    await kim.press_data(menu, "reopen:1718182800")
    await kim.wait_reply()
    assert "organizers" in kim.callback_answers[-1].text
    assert event(engine).phase == Phase.matched
