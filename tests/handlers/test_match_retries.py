"""/match and the deadline while an admin keeps changing meetings: solved again outside the
lock, and after a few tries the admins read one sentence saying what happened."""

import pytest
from admin_helpers import ADMIN_LANGUAGES, bot_and_admin, organizer, process
from db_hooks import before_each_lock, book_left_out_pair
from sqlmodel import func, select

from builders import DEADLINE
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from locales import t
from store.db import session_scope
from store.matching_run import close_at_deadline
from store.models import Event, Meeting, Participant, Phase, Slot, Unavailability


@pytest.fixture
def matched(engine, small_fair):
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)


async def test_match_tells_the_admin_when_the_event_kept_changing(fake, engine, clock, matched):
    clock.now = DEADLINE
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        with before_each_lock(engine, lambda: book_left_out_pair(engine), times=3):
            [_running, refusal] = await admin.ask("/match", timeout=30)
        assert refusal.text == (
            "The event changed during each of the 3 matching runs (meetings assigned or "
            "cancelled meanwhile), so nothing was stored: run /match again once those changes "
            "are done."
        )
        [_running, stored] = await admin.ask("/match", timeout=30)
        assert "Matching stored" in stored.text
    with session_scope(engine) as session:
        fixed = session.exec(
            select(func.count()).select_from(Meeting).where(Meeting.tier == "fixed")
        ).one()
    assert fixed == 3


@ADMIN_LANGUAGES
async def test_the_deadline_tells_the_admins_and_tries_again_later(
    fake, engine, clock, small_fair, bot_language, admin_language
):
    """In the admin's language, whatever the bot's."""
    slot_numbers = iter(range(3))

    def switch_a_slot_off():  # a change by hand during each of the deadline's solves
        with session_scope(engine) as session:
            buyer = session.exec(select(Participant).where(Participant.code == "B1")).one()
            slot = session.exec(select(Slot).order_by(Slot.id)).all()[next(slot_numbers)]
            session.add(Unavailability(participant_id=buyer.id, slot_id=slot.id))

    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (
        application,
        admin,
    ):
        clock.now = DEADLINE
        with before_each_lock(engine, switch_a_slot_off, times=3):
            await schedule_all(application)
            [retry] = await admin.wait_for(lambda m: "⏳" in (m.text or ""), timeout=30)
        assert (
            retry.text
            == {
                "en": "⏳ The deadline has passed, but the event changed during each of the 3 "
                "matching runs (meetings assigned or cancelled meanwhile); the matching runs again "
                "in 60 seconds.",
                "ko": t("ko", "admin.deadline_retry", attempts=3, seconds=60),
            }[admin_language]
        )
        assert [job.name for job in application.job_queue.jobs()].count("deadline") == 1
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().phase == Phase.open
        assert session.exec(select(func.count()).select_from(Meeting)).one() == 0
