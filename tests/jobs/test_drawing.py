"""Announcements drawn in processes of their own (jobs/drawing.py): the same message as drawn
in the bot's own process, ready to send, and no process left behind."""

from __future__ import annotations

import asyncio
import multiprocessing

import builders
from jobs.announce import draw
from jobs.drawing import drawing_pool
from store.announce import Job
from store.db import session_scope
from store.timetable import timetable
from views.announcement import render


async def test_the_pool_draws_what_the_bot_would_draw_and_leaves_no_process(engine):
    with session_scope(engine) as session:
        builders.three_day_event(session)
        buyer = builders.participant(session, "B1", telegram_id=1001, company="Acme Trading")
        for n, code in enumerate(("D1-0900", "D2-0930", "D3-1100"), start=1):
            seller = builders.participant(session, f"S{n}", company=f"한빛화장품 {n}")
            builders.meeting(session, buyer, seller, code)
        table = timetable(session, buyer.id)
    jobs = [Job(1, 1, 1001, language, table, 0, None, False) for language in ("ko", "en")]
    loop = asyncio.get_running_loop()
    async with drawing_pool(1) as pool:
        drawn = [await loop.run_in_executor(pool, draw, job, "ko") for job in jobs]
        assert multiprocessing.active_children()
    assert not multiprocessing.active_children()
    for job, (parameters, photo) in zip(jobs, drawn, strict=True):
        here = render(job, "ko")
        assert photo == here.photo  # byte for byte: the picture looks the same
        assert parameters == {
            "chat_id": 1001,
            "caption": here.caption,
            "parse_mode": "HTML",
            "reply_markup": here.markup.to_dict(),
        }
    assert drawn[0][1] != drawn[1][1]  # each in its reader's language
