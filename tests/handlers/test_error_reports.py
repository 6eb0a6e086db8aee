"""Failures reach the admins grouped: a database outage is a couple of messages with a count,
not one per update; each user still hears that something went wrong."""

import re
import time

from admin_helpers import ADMIN_LANGUAGES, bot_and_admin

import builders
from builders import ADMIN
from handlers.error_reports import ErrorReports
from locales import t
from store.db import make_engine, session_scope


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
    # Each failure either opened a window (a report with its trace) or was counted when its
    # window closed. On a loaded machine the fifty may spread over more than one 3-second
    # window, and a failure after a window closed opens the next one with a report of its own.
    header = t("ko", "error.admin_report", trace="").split("\n")[0]
    counted = re.compile(r"위 보고 이후 (\d+)건 더 발생했습니다")

    def reports() -> list[str]:
        return [m.text for m in admin.messages if m.text.startswith(header)]

    def accounted() -> int:
        counts = (counted.search(m.text or "") for m in admin.messages)
        return len(reports()) + sum(int(found.group(1)) for found in counts if found)

    # At least the fifty: the bot's own jobs meet the outage too.
    await admin.wait_for(lambda _: accounted() >= 50, timeout=30)
    # The database, which keeps each admin's language, is out of reach: DEFAULT_LANGUAGE,
    # Korean here.
    assert admin.messages[0].text.startswith(header)
    assert all("OperationalError" in text for text in reports())
    counts = [m.text for m in admin.messages if not m.text.startswith(header)]
    assert counts and all("데이터베이스 연결 실패" in text for text in counts)
    # Grouped: a report and a count per window (two windows fit a quiet machine), not one
    # message per update.
    assert len(reports()) <= max(windows, 2), (len(reports()), windows)
    assert len(admin.messages) <= 2 * max(windows, 2), (len(admin.messages), windows)
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


def test_a_window_its_job_closes_late_still_counts_until_closed():
    """A loaded process runs the closing job late: a failure after the window's time but
    before its close is counted in it, not reported anew (which dropped the count so far)."""
    reports = ErrorReports(window=0.0)
    assert [reports.first("database") for _ in range(3)] == [True, False, False]
    assert reports.close("database") == 2
    assert reports.first("database") is True


@ADMIN_LANGUAGES
async def test_a_failure_and_its_count_reach_the_admin_in_their_language(
    fake, engine, clock, bot_language, admin_language
):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", telegram_id=1001, language="en")
    async with bot_and_admin(fake, engine, clock, bot_language, admin_language) as (app, admin):
        app.bot_data["error_reports"] = ErrorReports(window=1.0)
        kim = fake.user(1001, "Kim")
        for _ in range(2):  # the same failure twice: a report, then a count
            fake.fail_next(1001, code=400, description="Bad Request: broke", method="sendMessage")
            await kim.ask("/menu")
        header = t(admin_language, "error.admin_report", trace="").split("\n")[0]
        await admin.wait_for(lambda m: (m.text or "").startswith(header))
        again = {"ko": "위 보고 이후 1건 더", "en": "1 more time since the report above"}
        await admin.wait_for(lambda m: again[admin_language] in (m.text or ""), timeout=30)
