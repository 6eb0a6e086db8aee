"""Per-user state read from and written to the database within each update.

Before a user's update is handled, their row is taken (store/user_state.py: held for this
process, so the same user's next update waits in any other process) and its JSON becomes
`context.user_data` (the typed step awaited, Find's search, ...); after it, the data is
written back and the row is let go. Nothing of a user stays in a process's memory between
updates, so any process can handle any update, and a restarted process carries on where the
user was.

The same transaction that takes the row reads the user's participant record, which the
update's first `who` then uses instead of a query of its own (handlers/services.py).

Saved state is plain JSON. A row that cannot be read is logged and ignored: the user starts
again from the menu. A value that cannot be written as JSON is logged and left out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram.ext import Application

from handlers.services import Services, preloaded
from store.user_state import Held, put_back, saved_data, take_with_participant

log = logging.getLogger(__name__)

# How long a process may hold a user: longer than any one update (/match solves in seconds);
# after a crash, that user's next update waits at most this long.
HOLD = timedelta(seconds=60)
# Waiting for another process to finish the same user's update: short polls, growing.
FIRST_WAIT, LONGEST_WAIT = 0.005, 0.1


def decode(raw: str, user_id: int) -> dict[str, Any]:
    """The user data saved in `raw`; nothing if it can't be read."""
    data = saved_data(raw)
    if data is not None:
        return data
    log.warning("saved state of user %s cannot be read; the user starts from the menu", user_id)
    return {}


def encode(data: dict[Any, Any], user_id: int) -> str:
    kept = {}
    for key, value in data.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            log.error("user %s: user_data[%r] is not plain JSON and is not kept", user_id, key)
            continue
        kept[str(key)] = value
    return json.dumps(kept, ensure_ascii=False)


async def _take(svc: Services, user_id: int, me: str) -> Held:
    wait = FIRST_WAIT
    while True:
        held = await svc.run_core(take_with_participant, user_id, me, datetime.now(UTC), HOLD)
        if held is not None:
            return held
        await asyncio.sleep(wait)  # another process is handling this user's previous update
        wait = min(wait * 2, LONGEST_WAIT)


@asynccontextmanager
async def user_state(application: Application, user_id: int) -> AsyncIterator[None]:
    """Holds the user's row and puts their saved data in place for the update's handlers."""
    svc: Services = application.bot_data["services"]
    me = svc.process
    try:
        held = await _take(svc, user_id, me)
    except SQLAlchemyError:
        # The database is out of reach: the update still runs (without the user's state), so
        # that its handlers fail as usual, the user is told and the admins get the report.
        log.warning("user %s: saved state not readable, the database is out of reach", user_id)
        application._user_data[user_id] = {}
        try:
            yield
        finally:
            application._user_data.pop(user_id, None)
        return
    raw = held.data
    application._user_data[user_id] = decode(raw, user_id)  # PTB has no public setter
    try:
        with preloaded(user_id, held.account):
            yield
    finally:
        new = encode(application._user_data.pop(user_id, {}), user_id)
        try:
            kept = await svc.run_core(put_back, user_id, me, None if new == raw else new)
        except SQLAlchemyError:  # the database went away meanwhile; the hold runs out
            log.warning("user %s: state not saved, the database is out of reach", user_id)
        else:
            if not kept:
                log.warning("user %s held over %s: this update's state is not kept", user_id, HOLD)
