"""The organizer's deadline, /match and the admin guard, end to end through the fake Telegram."""

import asyncio
from datetime import timedelta

from admin_helpers import ADMIN_LANGUAGES, bot_and_admin, organizer, process, users
from sqlmodel import func, select

from builders import DEADLINE
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import AuditLog, Event, Meeting, Phase

ADMIN_COMMANDS = [
    "/deadline",
    "/deadline 2024-06-12 18:00",
    "/match",
    "/match dry",
    "/lowcount",
    "/assign B1 S1",
    "/unassign 1",
    "/announce",
    "/broadcast all hello",
    "/stats",
    "/export",
]


def phase(engine):
    with session_scope(engine) as session:
        return session.exec(select(Event)).one().phase


def count(engine, table):
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


async def test_a_participant_is_refused_every_admin_command_and_nothing_changes(
    bot, fake, engine, small_fair
):
    kim = users(fake, 1, 1)["S1"]
    for command in ADMIN_COMMANDS:
        [refusal] = await kim.ask(command)
        assert "관리자만" in refusal.text or "organizers" in refusal.text, command
    stranger = fake.user(4242, "Stranger", language_code="en")
    for command in ADMIN_COMMANDS:
        [refusal] = await stranger.ask(command)
        assert refusal.text == "Only the organizers can do that.", command
    for data in ("low:1", "book:1:4:1:1"):  # the admin buttons, forged
        await stranger.press_data(refusal, data)
        await stranger.wait_reply()
        assert stranger.callback_answers[-1].text == "Only the organizers can do that."
        assert stranger.callback_answers[-1].show_alert
    assert phase(engine) == Phase.open
    assert count(engine, Meeting) == 0 and count(engine, AuditLog) == 0


async def test_admins_see_and_move_the_deadline_in_the_event_time_zone(
    bot, fake, engine, small_fair
):
    admin = organizer(fake)
    [shown] = await admin.ask("/deadline")
    assert "Deadline:" in shown.text and "requests open" in shown.text
    assert "/deadline YYYY-MM-DD HH:MM, in Korean time (KST)." in shown.text  # the zone by name
    [moved] = await admin.ask("/deadline 2024-06-12 18:00")
    assert "Jun 12, 2024 18:00" in moved.text
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().deadline.isoformat() == "2024-06-12T09:00:00+00:00"
    [bad] = await admin.ask("/deadline tomorrow")
    assert "/deadline 2024-12-18 18:00" in bad.text  # an example in the current year
    [past] = await admin.ask("/deadline 2020-01-01 10:00")
    assert "already passed" in past.text
    assert [job.name for job in bot.job_queue.get_jobs_by_name("deadline")] == ["deadline"]
    assert count(engine, AuditLog) == 2  # shown once, moved once (refusals change nothing)
    # a date alone, as Korean organizers write it, is the end of that day, and said so
    [day] = await admin.ask("/deadline 2024.06.13")
    assert "Jun 13, 2024 23:59" in day.text and "the end of that day" in day.text
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().deadline.isoformat() == "2024-06-13T14:59:00+00:00"


async def test_match_before_the_deadline_is_only_a_preview(bot, fake, engine, small_fair):
    admin = organizer(fake)
    replies = await admin.ask("/match")
    assert "still open" in replies[-1].text
    replies = await admin.ask("/match dry")
    assert "preview" in replies[-1].text and "Meetings: <b>5</b>" not in replies[-1].text
    assert "Meetings: 5" in replies[-1].text
    assert "stored timetable" not in replies[-1].text  # the first matching: nothing to compare
    assert count(engine, Meeting) == 0
    [usage] = await admin.ask("/match now please")
    assert "/match optimal dry" in usage.text


async def test_at_the_deadline_applications_close_and_admins_get_the_summary(
    bot, fake, engine, clock, small_fair
):
    admin = organizer(fake)
    clock.now = DEADLINE + timedelta(minutes=1)
    await schedule_all(bot)
    # The admin never wrote to the bot: the bot's default language (Korean here).
    [summary] = await admin.wait_for(lambda m: "상담 신청이 마감되었습니다" in m.text)
    # each kind of meeting worded as /stats and the comparison below word it
    assert "상담: 5건 (상호 신청 1건, 국내기업 신청 4건)" in summary.text
    assert "바이어 일정 포화: 2건" in summary.text and "국내기업 일정 포화: 2건" in summary.text
    assert "화장품: 0 / 2 / 4" in summary.text
    assert phase(engine) == Phase.matched and count(engine, Meeting) == 5
    replies = await admin.ask("/match")
    assert "Matching stored" in replies[-1].text and "the same as in the stored" in replies[-1].text


async def test_a_deadline_missed_while_down_runs_at_start_up(fake, engine, clock, small_fair):
    clock.now = DEADLINE + timedelta(hours=3)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.wait_for(lambda m: "Requests are closed" in m.text)
    assert phase(engine) == Phase.matched


async def test_two_processes_pass_the_deadline_once(fake, engine, clock, small_fair):
    second = "654321:SECOND-PROCESS"
    admins = [organizer(fake), organizer(fake, token=second)]
    async with (
        process(fake, engine, clock, DEFAULT_TOKEN) as one,
        process(fake, engine, clock, second) as two,
    ):
        clock.now = DEADLINE
        await asyncio.gather(schedule_all(one), schedule_all(two))
        await fake.changes.wait_for(lambda: any(a.messages for a in admins), timeout=10)
        await asyncio.sleep(0.5)  # a second summary, if any, would be out by now
    summaries = [m for a in admins for m in a.messages if "Requests are closed" in m.text]
    assert len(summaries) == 1
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().matching_runs == 1
    assert count(engine, Meeting) == 5


@ADMIN_LANGUAGES
async def test_the_deadline_summary_reaches_the_admin_in_their_language(
    fake, engine, clock, small_fair, bot_language, admin_language
):
    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (app, admin):
        clock.now = DEADLINE + timedelta(minutes=1)
        await schedule_all(app)
        closed = {"ko": "상담 신청이 마감되었습니다", "en": "Requests are closed"}[admin_language]
        [summary] = await admin.wait_for(lambda m: closed in (m.text or ""))
    industry = {"ko": "화장품", "en": "Cosmetics"}[admin_language]
    assert f"{industry}: 0 / 2 / 4" in summary.text
