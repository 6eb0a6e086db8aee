"""Drawing announcements in processes of their own.

A timetable's picture and caption take about 10 ms of CPU. Drawn in a thread of the bot's
process they held its interpreter while the event loop had messages to write at their
sending slots: slots went by unused (`SlotMissed`, jobs/sending.py) and one process fell
short of Telegram's 29 a second (docs/benchmarks.md). Each sending job draws in a small pool
of processes forked for it, and shuts them down when it ends."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager

from views.timetable_image import after_fork

WATCH = 0.5  # seconds between a drawing process's looks at whether the bot still runs


def _exit_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH)
    os._exit(0)


def _start(parent: int) -> None:
    """Each drawing process's start. It exits once the bot's process is gone: killed, that one
    cannot shut its pool down, and the pool's processes would wait for work for ever."""
    after_fork()
    # Signals are the bot's: it shuts the pool down. The wakeup descriptor inherited from its
    # event loop is not this process's to write to.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


@asynccontextmanager
async def drawing_pool(processes: int) -> AsyncIterator[Executor]:
    """`processes` forked workers for the duration of a sending job. Forked, not spawned: the
    child starts at once with the catalogs and the drawn-text caches already loaded, and runs
    nothing but the drawing functions it is handed (no database, no event loop)."""
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    finally:
        # Off the loop: joining waits for a drawing in progress to finish.
        await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
