"""The reminder before the deadline says the time actually left, in the reader's language."""

from datetime import timedelta

import pytest
from admin_helpers import process, users
from sqlmodel import select

import builders
from builders import NOW
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import Participant


@pytest.mark.parametrize(
    ("left", "english", "korean"),
    [
        (timedelta(minutes=1), "close in 1 minute, on", "⏰ 1분 후, "),
        (timedelta(minutes=59), "close in 59 minutes, on", "⏰ 59분 후, "),
        (timedelta(hours=1), "close in 1 hour, on", "⏰ 1시간 후, "),
    ],
)
async def test_a_deadline_close_by_says_minutes_not_hours(
    fake, engine, clock, left, english, korean
):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1, deadline=NOW + left)
        seller = session.exec(select(Participant).where(Participant.code == "S1")).one()
        seller.language = "ko"
    people = users(fake, 1, 1)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        await schedule_all(application)
        [buyer] = await people["B1"].wait_for(1, timeout=10)
        [seller] = await people["S1"].wait_for(1, timeout=10)
    assert english in buyer.text and "hour(s)" not in buyer.text
    assert korean in seller.text
