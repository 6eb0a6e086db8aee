"""/match while an admin keeps changing meetings: solved again outside the lock, and after a
few tries the admin reads one sentence saying what happened."""

import pytest
from admin_helpers import organizer, process
from db_hooks import before_each_lock, book_left_out_pair
from sqlmodel import func, select

from builders import DEADLINE
from fake_telegram import DEFAULT_TOKEN
from store.db import session_scope
from store.matching_run import close_at_deadline
from store.models import Meeting


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
