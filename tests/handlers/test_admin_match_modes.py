"""/match greedy|optimal [dry], /matchmode and the deadline in the event's mode, end to end."""

from datetime import timedelta

import pytest
from admin_helpers import organizer, users
from sqlmodel import func, select

from builders import ADMIN, DEADLINE
from jobs.schedule import schedule_all
from store.db import session_scope
from store.event import get_event
from store.models import AuditLog, MatchMode, Meeting, Tier


def seller_meetings(engine):
    with session_scope(engine) as session:
        rows = session.exec(select(Meeting).where(Meeting.tier == Tier.seller)).all()
        return len(rows)


def state(engine):
    """What a refused command must leave alone."""
    with session_scope(engine) as session:
        event = get_event(session)
        audit = session.exec(select(func.count()).select_from(AuditLog)).one()
        meetings = session.exec(select(func.count()).select_from(Meeting)).one()
        return event.match_mode, event.match_time_limit, event.phase, audit, meetings


async def test_match_optimal_dry_previews_both_modes_side_by_side(bot, fake, engine, small_fair):
    admin = organizer(fake)
    running, summary = await admin.ask("/match optimal dry")
    assert "both modes" in running.text and "30 s" in running.text
    text = summary.text
    assert "Matching preview in the optimal mode (nothing stored)" in text
    assert "Meetings: 6" in text
    assert "Greedy vs optimal (◀ = the schedule above):" in text
    assert "  • mutual: greedy 1 · optimal 1 ◀ · at most 1 (optimal reaches 100%)" in text
    assert (
        "  • Korean company's request: greedy 4 · optimal 5 ◀ · at most 5 (optimal reaches 100%)"
        in text
    )
    assert "  • all meetings: greedy 5 · optimal 6 ◀" in text
    assert "  • idle gaps between meetings: greedy " in text
    assert "  • seconds taken: greedy " in text and "(limit 30)" in text
    assert "a /match without a mode use the greedy mode" in text
    assert seller_meetings(engine) == 0
    [refused] = (await admin.ask("/match optimal"))[1:]
    assert "still open" in refused.text and seller_meetings(engine) == 0


async def test_match_optimal_then_greedy_stores_each_and_marks_it(
    bot, fake, engine, clock, small_fair
):
    clock.now = DEADLINE + timedelta(minutes=1)
    admin = organizer(fake)
    await schedule_all(bot)
    await admin.wait_for(lambda m: "상담 신청이 마감되었습니다" in m.text)  # greedy, in Korean
    assert seller_meetings(engine) == 4
    stored = (await admin.ask("/match optimal"))[-1].text
    assert "Matching stored in the optimal mode" in stored and "3 new and 2 dropped" in stored
    assert "  • all meetings: greedy 5 · optimal 6 ◀" in stored
    assert seller_meetings(engine) == 5
    stored = (await admin.ask("/match greedy"))[-1].text
    assert "Matching stored in the greedy mode" in stored and "2 new and 3 dropped" in stored
    assert "  • all meetings: greedy 5 ◀ · optimal 6" in stored
    assert seller_meetings(engine) == 4
    stored = (await admin.ask("/MATCH DRY Optimal"))[-1].text  # any case, any order
    assert "in the optimal mode (nothing stored)" in stored and seller_meetings(engine) == 4


async def test_matchmode_sets_the_deadlines_mode_and_the_summary_comes_in_the_admins_language(
    bot, fake, engine, clock, small_fair
):
    admin = organizer(fake)
    [shown] = await admin.ask("/matchmode")
    assert "Matching mode: greedy" in shown.text and "up to 30 s" in shown.text
    [changed] = await admin.ask("/matchmode Optimal 45")
    assert "set to optimal" in changed.text and "45 s" in changed.text
    with session_scope(engine) as session:
        event = get_event(session)
        assert (event.match_mode, event.match_time_limit) == (MatchMode.optimal, 45)
    clock.now = DEADLINE
    await schedule_all(bot)
    # The job speaks the admin's language (English), not the bot's default (Korean).
    [summary] = await admin.wait_for(lambda m: "Requests are closed" in m.text)
    text = summary.text
    assert "The matching ran in the optimal mode" in text and "Meetings: 6" in text
    assert "Greedy vs optimal (◀ = the schedule above):" in text
    assert "  • Korean company's request: greedy 4 · optimal 5 ◀ · at most 5" in text
    assert "  • all meetings: greedy 5 · optimal 6 ◀" in text and "(limit 45)" in text
    assert "a /match without a mode use the optimal mode" in text
    assert seller_meetings(engine) == 5
    [greedy_again] = await admin.ask("/matchmode greedy")
    assert "set to greedy" in greedy_again.text and "45 s" in greedy_again.text


async def test_a_korean_admin_reads_the_comparison_in_korean(bot, fake, engine, small_fair):
    admin = fake.user(ADMIN, "주최자", language_code="ko")
    admin.bot.open_chat(admin.profile)
    running, summary = await admin.ask("/match dry")
    assert "두 방식으로" in running.text
    assert "순차(greedy) 방식으로 주선해 보았습니다(저장하지 않음)" in summary.text
    assert "  • 상호 신청: 순차 1 ◀ · 최적 1 · 상한 1 (최적이 상한의 100%)" in summary.text
    assert "  • 전체 상담: 순차 5 ◀ · 최적 6" in summary.text


async def test_participants_are_refused_the_mode_commands_and_nothing_changes(
    bot, fake, engine, small_fair
):
    before = state(engine)
    kim = users(fake, 1, 1)["S1"]
    stranger = fake.user(4242, "Stranger", language_code="en")
    for person in (kim, stranger):
        for command in ("/match optimal", "/match optimal dry", "/matchmode", "/matchmode optimal"):
            [refusal] = await person.ask(command)
            assert "관리자만" in refusal.text or "organizers" in refusal.text, command
    assert state(engine) == before


@pytest.mark.parametrize(
    "command",
    [
        "/match fastest",
        "/match optimal greedy",
        "/match dry dry",
        "/match optimal dry now",
        "/matchmode fastest",
        "/matchmode optimal 0",
        "/matchmode optimal 601",
        "/matchmode optimal ３０",
        "/matchmode optimal 30 now",
        "/matchmode 30",
    ],
)
async def test_bad_arguments_get_the_usage_and_change_nothing(
    bot, fake, engine, small_fair, command
):
    admin = organizer(fake)
    before = state(engine)
    [usage] = await admin.ask(command)
    expected = "/match optimal dry" if command.startswith("/match ") else "/matchmode optimal 60"
    assert expected in usage.text
    assert state(engine) == before
