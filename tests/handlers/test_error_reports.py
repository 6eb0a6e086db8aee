"""Failures reach the admins grouped: a database outage is a couple of messages with a count,
not one per update; each user still hears that something went wrong."""

import re
import time

from builders import ADMIN
from handlers.error_reports import ErrorReports
from locales import t
from store.db import make_engine


async def test_fifty_updates_failing_on_a_database_outage_give_a_report_and_counts(
    bot, fake, engine, tmp_path
):
    admin = fake.user(ADMIN, "Organizer")
    admin.bot.open_chat(admin.profile)
    bot.bot_data["error_reports"] = ErrorReports(window=3.0)
    found = bot.bot_data["services"]
    # From now on the database cannot be opened (its directory does not exist).
    found.engine = make_engine(f"sqlite:///{tmp_path}/gone/matchbot.db")
    people = [
        fake.user(7000 + n, f"U{n}", language_code="ko" if n % 2 else "en") for n in range(50)
    ]
    started = time.monotonic()
    for person in people:
        await person.send("/start")
    for person in people:
        [reply] = await person.wait_reply(timeout=30)
        expected = "오류가 발생했습니다" if person.id % 2 else "something went wrong"
        assert expected in reply.text
    windows = (time.monotonic() - started) // 3.0 + 1  # that the failures spread over
    # One report, then counts per 3-second window: on a loaded machine the fifty failures
    # may spread over more than one window, so the counts are added up.
    counted = re.compile(r"위 보고 이후 (\d+)건 더 발생했습니다")

    def reported() -> int:
        return sum(
            int(found.group(1))
            for message in admin.messages
            if (found := counted.search(message.text or ""))
        )

    await admin.wait_for(lambda _: reported() >= 49, timeout=30)
    first, *repeated = admin.messages
    # Admins read jobs' and reports' messages in DEFAULT_LANGUAGE, Korean here.
    assert first.text.startswith(t("ko", "error.admin_report", trace="").split("\n")[0])
    assert "OperationalError" in first.text
    assert repeated and all("데이터베이스 연결 실패" in m.text for m in repeated)
    # Grouped: a report and a count per window (two windows fit a quiet machine), not one
    # message per update.
    assert len(repeated) <= 2 * max(windows, 2), (len(repeated), windows)
    found.engine = engine  # the database is back


async def test_different_failures_are_reported_separately_and_a_lone_one_once(bot, fake):
    from handlers.error_reports import kind

    def failing(value: int) -> BaseException:
        try:
            return {"a": 1}[str(value)]  # a KeyError raised on this line
        except KeyError as error:
            return error

    def other() -> BaseException:
        try:
            raise ValueError("x")
        except ValueError as error:
            return error

    reports = ErrorReports(window=60)
    assert kind(failing(1)) == kind(failing(2))
    assert kind(failing(1)).startswith("KeyError tests/handlers/test_error_reports.py:")
    assert kind(failing(1)) != kind(other())
    assert [reports.first(kind(failing(n))) for n in range(3)] == [True, False, False]
    assert reports.first(kind(other())) is True
    assert reports.close(kind(failing(0))) == 2
    assert reports.close(kind(other())) == 0
    assert reports.first(kind(failing(9))) is True  # a new window after the close
