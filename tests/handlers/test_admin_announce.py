"""/announce through the fake Telegram: every participant's timetable once, as one picture
with the timetable as its caption, 429s waited out, blocked users marked, an interrupted round
or broadcast resumed by a new process, re-announcing changes."""

from datetime import timedelta

import pytest
from admin_helpers import organizer, process, until, users
from db_hooks import dies_after, locked_once, slowed
from sqlmodel import select

import builders
from builders import ADMIN, DEADLINE
from fake_telegram import DEFAULT_TOKEN
from store.db import make_engine, session_scope
from store.matching_run import close_at_deadline
from store.models import (
    AnnouncementDelivery,
    DeliveryStatus,
    Event,
    Meeting,
    Participant,
    Phase,
    Slot,
)

WAIT = 30.0


@pytest.fixture
async def app(fake, engine, clock):
    """The bot with English as its default language (the organizer's messages from jobs)."""
    clock.now = DEADLINE
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        yield application


def matched_fair(engine, buyers, sellers):
    with session_scope(engine) as session:
        builders.fair(session, buyers=buyers, sellers=sellers, daily_cap=1)
    with session_scope(engine) as session:
        close_at_deadline(session, DEADLINE)


def photos(user):
    return [m for m in user.messages if m.photo_bytes]


def done(message):
    return "Announcement" in message.text and "done" in message.text


async def announce(admin):
    """/announce and its final count: a quick round may finish before the command's reply
    is collected, so the status message may already say done."""
    [status] = await admin.ask("/announce")
    if done(status):
        return status
    [final] = await admin.wait_for(done, timeout=WAIT)
    return final


async def test_announce_pushes_each_timetable_once_and_then_only_changes(app, fake, engine):
    matched_fair(engine, 3, 3)
    people = users(fake, 3, 3)
    admin = organizer(fake)
    final = await announce(admin)
    assert "6 sent (of 6 people)" in final.text and "failed" not in final.text  # no "0 failed"
    for user in people.values():
        [message] = user.messages  # the picture, the timetable its caption
        assert message.photo and "09:00" in message.caption
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().phase == Phase.announced

    final = await announce(admin)
    assert ": 6 unchanged (of 6 people)" in final.text and "sent" not in final.text
    assert all(len(photos(user)) == 1 for user in people.values())

    with session_scope(engine) as session:
        meeting = session.exec(select(Meeting)).first()
    replies = await admin.ask(f"/unassign {meeting.id}")
    assert "removed" in replies[-1].text
    final = await announce(admin)
    assert "2 sent" in final.text and "4 unchanged" in final.text
    changed = [u for u in people.values() if len(photos(u)) == 2]
    assert len(changed) == 2
    assert all(len(u.messages) == len(photos(u)) for u in people.values())  # pictures only
    english = next(u for u in changed if u.first_name.startswith("B"))
    notice = english.messages[-1].caption
    assert notice.startswith("📅 Your timetable has changed.\n➖ cancelled:")
    assert "\n\n📅 Boom Up Korea 2024\n" in notice and "1 confirmed meeting." in notice


async def test_429_is_waited_out_and_a_blocked_user_is_marked_and_skipped(app, fake, engine):
    matched_fair(engine, 3, 3)
    people = users(fake, 3, 3)
    admin = organizer(fake)
    fake.fail_next(people["B1"].id, code=429, retry_after=1, times=4, method="sendMessage")
    fake.block(people["S2"].id)
    final = await announce(admin)
    assert "5 sent" in final.text and "1 blocked" in final.text
    assert len(photos(people["B1"])) == 1
    assert photos(people["S2"]) == []
    with session_scope(engine) as session:
        s2 = session.exec(select(Participant).where(Participant.code == "S2")).one()
        assert s2.blocked_bot_at is not None
    # The next round skips the blocked participant. The reply is one message the bot edits:
    # "preparing", the counts (before the command's reply is over), then the progress until done.
    [status] = await admin.ask("/announce")
    versions = [revision.text for revision in status.history] + [status.text]
    assert any(
        "5 people to check and send" in v and "1 person blocked it." in v for v in versions
    ), versions
    assert await fake.changes.wait_for(lambda: done(status), WAIT)  # over before the bot stops


@pytest.mark.processes
async def test_a_round_stopped_midway_resumes_in_a_new_process_without_repeats(fake, engine, clock):
    matched_fair(engine, 12, 12)
    people = users(fake, 12, 12)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.ask("/announce")
        await fake.changes.wait_for(
            lambda: sum(len(photos(u)) for u in people.values()) >= 4, timeout=WAIT
        )
    # The first process stopped (its claims released) before the round was done.
    with session_scope(engine) as session:
        left = session.exec(
            select(AnnouncementDelivery).where(
                AnnouncementDelivery.status == DeliveryStatus.pending
            )
        ).all()
    assert left, "the round finished before the stop: make the fair bigger"
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.wait_for(done, timeout=WAIT)
    assert sorted(len(u.messages) for u in people.values()) == [1] * 24
    assert all(photos(u) for u in people.values())


async def test_announce_before_the_matching_is_refused(app, fake, engine):
    with session_scope(engine) as session:
        builders.fair(session, buyers=1, sellers=1)
    admin = organizer(fake)
    [refusal] = await admin.ask("/announce")
    assert "Run the matching first" in refusal.text


async def test_the_announced_timetable_has_the_buttons_it_speaks_of(app, fake, engine):
    matched_fair(engine, 2, 2)
    people = users(fake, 2, 2)
    admin = organizer(fake)
    await admin.ask("/announce")
    await admin.wait_for(done, timeout=WAIT)
    buyer = people["B1"]
    [table] = buyer.messages
    assert "Tap a meeting below" in table.caption
    labels = [label for row in table.keyboard for label, _ in row]
    assert any(label.startswith("🤝 ") for label in labels)
    assert "📆 Add to calendar" in labels
    assert not any(label.startswith("❓") for label in labels)  # every request was met
    # The message is the picture; the timetable fits, so no button for the full text; an
    # announcement is not a menu to go back from.
    assert not {"🖼 Timetable image", "📋 Full timetable", "⬅️ Back"} & set(labels)
    await buyer.press(table, next(label for label in labels if label.startswith("🤝 ")))
    [card] = await buyer.wait_reply()
    assert "Company S" in card.text  # the meeting's company card, with its contact section


@pytest.mark.processes
async def test_a_broadcast_stopped_midway_resumes_in_a_new_process_without_repeats(
    fake, engine, clock
):
    matched_fair(engine, 30, 30)
    people = users(fake, 30, 30)
    admin = organizer(fake)

    def heard() -> int:
        return sum(1 for u in people.values() for m in u.messages if m.text == "Hall B opens")

    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.ask("/broadcast all Hall B opens")
        await fake.changes.wait_for(lambda: heard() >= 5, timeout=WAIT)
    assert heard() < 60, "the broadcast finished before the stop: make the fair bigger"
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        await admin.wait_for(lambda m: "60 delivered" in (m.text or ""), timeout=WAIT)
    for user in people.values():
        assert [m.text for m in user.messages if m.text == "Hall B opens"] == ["Hall B opens"]


async def test_a_broadcast_copy_whose_record_meets_a_locked_database_goes_out_once(
    app, fake, engine
):
    matched_fair(engine, 2, 2)
    people = users(fake, 2, 2)
    admin = organizer(fake)
    with locked_once(engine, "broadcastdelivery", "sent_at") as failed:
        await admin.ask("/broadcast all Hall B opens")
        # The count comes once every copy is recorded.
        await admin.wait_for(lambda m: "4 delivered" in (m.text or ""), timeout=WAIT)
    assert failed, "no copy's record met the lock"
    for user in people.values():
        assert [m.text for m in user.messages] == ["Hall B opens"]


async def test_a_timetable_whose_record_meets_a_locked_database_goes_out_once(app, fake, engine):
    matched_fair(engine, 2, 2)
    people = users(fake, 2, 2)
    admin = organizer(fake)
    with locked_once(engine, "announcementdelivery", "sent_at") as failed:
        final = await announce(admin)  # once every delivery is recorded
    assert failed, "no delivery's record met the lock"
    assert "4 sent" in final.text
    for user in people.values():
        assert len(photos(user)) == 1


def long_timetables(engine) -> None:
    """B1 (English) and S1 (Korean) with a meeting in each of 15 slots, companies with long
    names: neither timetable fits a caption."""
    with session_scope(engine) as session:
        builders.three_day_event(session, daily_cap=5)
        slots = session.exec(select(Slot).order_by(Slot.ordinal)).all()
        buyers, sellers = (
            [
                builders.participant(
                    session,
                    f"{prefix}{n}",
                    company=company.format(n=n),
                    telegram_id=base + n,
                    language=language,
                )
                for n in range(1, len(slots) + 1)
            ]
            for prefix, company, base, language in (
                ("B", "Buyer {n} Global Trading Company LLC", 1000, "en"),
                ("S", "국내기업 {n} 글로벌 무역 주식회사", 2000, "ko"),
            )
        )
        for n, slot in enumerate(slots):
            builders.meeting(session, buyers[0], sellers[n], slot.code)
            if n:
                builders.meeting(session, buyers[n], sellers[0], slot.code)
        builders.set_phase(session, Phase.matched)


async def test_a_long_timetable_shows_its_first_meetings_and_a_button_for_all(app, fake, engine):
    long_timetables(engine)
    people = users(fake, 15, 15)
    admin = organizer(fake)
    await announce(admin)
    buyer, seller = people["B1"], people["S1"]
    [english] = buyer.messages
    [korean] = seller.messages
    assert "15 confirmed meetings; the first ones are below." in english.caption
    assert "확정된 상담은 15건이며 아래는 그중 앞의 일부입니다." in korean.caption
    for message in (english, korean):
        shown = message.caption.count("\n🟥 ")
        assert 1 <= shown < 15
        assert message.caption.count("🤝") == 0  # the meetings' buttons carry the handshake
    assert "📋 Full timetable" in [label for row in english.keyboard for label, _ in row]
    assert "📋 전체 시간표" in [label for row in korean.keyboard for label, _ in row]
    await seller.press(korean, "📋 전체 시간표")
    pages = await seller.wait_reply()
    assert sum(page.text.count("\n🟥 ") for page in pages) == 15

    with session_scope(engine) as session:  # B1 loses every meeting but its first
        for meeting in session.exec(select(Meeting).where(Meeting.buyer_id == 1)).all()[1:]:
            session.delete(meeting)
    await announce(admin)
    [_, changed] = buyer.messages
    assert changed.caption.startswith("📅 Your timetable has changed.\n➖ cancelled:")
    assert " more changes.\n\n📅 Boom Up Korea 2024\nBuyer 1 Global" in changed.caption
    assert "1 confirmed meeting. Tap it below" in changed.caption
    assert "📋 Full timetable" not in [label for row in changed.keyboard for label, _ in row]


async def test_a_bot_killed_right_after_a_round_was_reported_has_shown_its_final_count(
    fake, engine, database_url, clock
):
    """The process that finishes a round dies right after recording its final count: the
    progress message already shows it (the record follows the edit; before, it came first,
    and the count was never shown)."""
    clock.now = DEADLINE
    matched_fair(engine, 2, 2)
    users(fake, 2, 2)
    admin = organizer(fake)
    doomed = make_engine(database_url)  # the killed process's own connections
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, timedelta(seconds=2)):
            with dies_after(doomed, "UPDATE event SET announce_reported") as died:
                [status] = await admin.ask("/announce")
                assert await until(lambda: bool(died))
            # Alive again (as another process would be): nothing is left for it to show.
            assert await fake.changes.wait_for(lambda: done(status), WAIT)
        assert "4 sent (of 4 people)" in status.text
        assert len([m for m in admin.messages if done(m)]) == 1  # the status message, edited
    finally:
        doomed.dispose()


async def test_a_broadcast_count_that_did_not_reach_the_admin_is_shown_later(
    fake, engine, database_url, clock
):
    """The process that finishes a broadcast records its count and dies before the edit
    reached Telegram (here: the edit failed, and nothing after the record reached the
    database): the count is recorded only once the edit went out, so a living process's
    next look shows it."""
    matched_fair(engine, 2, 2)
    users(fake, 2, 2)
    admin = organizer(fake)
    doomed = make_engine(database_url)  # the killed process's own connections
    fake.fail_next(ADMIN, code=500, method="editmessagetext")  # the count never arrives
    try:
        async with process(fake, doomed, clock, DEFAULT_TOKEN, timedelta(seconds=2)):
            with dies_after(doomed, "UPDATE broadcast SET reported"):
                [status] = await admin.ask("/broadcast all Hall B opens")

                def edit_failed() -> bool:
                    return any(c.method == "editMessageText" and c.error for c in fake.calls)

                assert await until(edit_failed)
            assert await fake.changes.wait_for(lambda: "4 delivered" in status.text, WAIT)
        # The status message, edited (the dead process's errors are reported beside it).
        assert len([m for m in admin.messages if "delivered" in (m.text or "")]) == 1
    finally:
        doomed.dispose()


@pytest.mark.parametrize(
    ("command", "record", "counted"),
    [
        ("/announce", "UPDATE event SET announce_reported", "4 sent (of 4 people)"),
        ("/broadcast all Hall B opens", "UPDATE broadcast SET reported", "4 delivered"),
    ],
)
async def test_a_final_count_is_shown_once_while_the_look_for_work_finds_it_unrecorded(
    fake, engine, clock, command, record, counted
):
    """A final count is recorded after its edit: meanwhile (here 1.5 s) the look for work,
    every 0.5 s, finds it unrecorded, and the process still edits it only once (a second edit
    of the same text is refused by Telegram)."""
    clock.now = DEADLINE
    matched_fair(engine, 2, 2)
    users(fake, 2, 2)
    admin = organizer(fake)
    with slowed(engine, record, 1.5) as recorded:
        async with process(fake, engine, clock, DEFAULT_TOKEN, timedelta(seconds=2)):
            [status] = await admin.ask(command)
            assert await fake.changes.wait_for(lambda: counted in status.text, WAIT)
            assert await until(lambda: bool(recorded))
    assert not [call for call in fake.calls if call.error], "an edit was refused"
    assert len(admin.messages) == 1  # the one status message, edited
