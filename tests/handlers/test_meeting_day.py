"""The fair day through the fake Telegram server: the reminder's "I'll be there" / "I can't
make it", a cancellation from My schedule, the counterpart told in their language, /stats."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, organizer, process
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import (
    AuditLog,
    CancelReason,
    Meeting,
    MeetingCancellation,
    MeetingConfirmation,
    Phase,
)

WAIT = 30.0
FIRST = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
# Buyers speak English, Korean companies Korean.
PEOPLE = {"B1": 1001, "B2": 1002, "B3": 1003, "S1": 2001, "S2": 2002, "S3": 2003}


@pytest.fixture
async def app(fake, engine, clock):
    with session_scope(engine) as session:
        builders.event(session)
        people = builders.bilingual_people(session, PEOPLE)
        for n in (1, 2, 3):
            builders.meeting(session, people[f"B{n}"], people[f"S{n}"], "D1-0900")
        builders.set_phase(session, Phase.announced)
    clock.now = FIRST - timedelta(minutes=10)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        yield application


def says(fragment):
    return lambda message: fragment in (message.text or "")


async def test_confirm_and_cancel_before_a_meeting(app, fake, engine, clock):
    people = chat_users(fake, PEOPLE)
    await schedule_all(app)
    for user in people.values():
        await user.wait_for(says("10"), timeout=WAIT)
    reminder_b1 = people["B1"].messages[-1]
    assert [label for label, _ in reminder_b1.keyboard[0]] == [
        "✅ I'll be there",
        "❌ I can't make it",
    ]
    reminder_s2 = people["S2"].messages[-1]
    assert [label for label, _ in reminder_s2.keyboard[0]] == [
        "✅ 참석 확인",
        "❌ 불참",
    ]

    # B1 confirms; S1 hears it in Korean. A second tap is refused and tells nobody.
    await people["B1"].press(reminder_b1, "✅ I'll be there")
    [done] = await people["B1"].wait_reply()
    assert "you will meet 국내기업 S1" in done.text
    await people["S1"].wait_for(says("Buyer B1 업체가"), timeout=WAIT)
    assert "참석한다고 확인했습니다" in people["S1"].messages[-1].text
    await people["B1"].press(done, "❌ Cancel this meeting")
    [why] = await people["B1"].wait_reply()
    await people["B1"].press(why, "↩ Keep the meeting")
    [kept] = await people["B1"].wait_reply()
    assert kept.text == "The meeting stays as planned."
    await people["B1"].press(kept, "✅ I'll be there")
    await people["B1"].wait_reply()
    assert people["B1"].callback_answers[-1].text == "You have already confirmed this meeting."
    s1_messages = len(people["S1"].messages)

    # S2 can't make it, for a reason only organizers see; B2 is told in English.
    await people["S2"].press(reminder_s2, "❌ 불참")
    [why] = await people["S2"].wait_reply()
    assert "사유를 선택해 주세요" in why.text
    assert [row[0][0] for row in why.keyboard] == [
        "참석 불가",
        "관심 없음",
        "기타 사유",
        "↩ 상담 유지",
    ]
    await people["S2"].press(why, "관심 없음")
    [cancelled] = await people["S2"].wait_reply()
    assert "Buyer B2 업체와의" in cancelled.text and "취소했습니다" in cancelled.text
    await people["B2"].wait_for(says("cancelled your meeting"), timeout=WAIT)
    assert "국내기업 S2 cancelled your meeting" in people["B2"].messages[-1].text
    assert "No longer" not in people["B2"].messages[-1].text  # the reason stays private
    # The stale reminder button and the other side's own cancel: the meeting is gone.
    reminder_b2 = next(m for m in people["B2"].messages if m.keyboard)
    await people["B2"].press(reminder_b2, "✅ I'll be there")
    await people["B2"].wait_reply()
    assert people["B2"].callback_answers[-1].text == (
        "This meeting no longer exists: it was cancelled or changed."
    )

    # S3 cancels from My schedule: the meeting's card has the button until the meeting starts.
    [table] = await people["S3"].ask("/schedule")
    meeting_button = next(
        label for row in table.keyboard for label, _ in row if "Buyer B3" in label
    )
    await people["S3"].press(table, meeting_button)
    [card] = await people["S3"].wait_reply()
    await people["S3"].press(card, "❌ 상담 취소")
    [why] = await people["S3"].wait_reply()
    await people["S3"].press(why, "참석 불가")
    await people["S3"].wait_reply()
    await people["B3"].wait_for(says("cancelled your meeting"), timeout=WAIT)

    with session_scope(engine) as session:
        assert len(session.exec(select(Meeting)).all()) == 1
        reasons = sorted(c.reason for c in session.exec(select(MeetingCancellation)))
        assert reasons == [CancelReason.cant_attend, CancelReason.not_interested]
        assert len(session.exec(select(MeetingConfirmation)).all()) == 1
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id))]
        assert actions.count("meeting_cancelled") == 2 and "meeting_confirmed" in actions
    assert len(people["S1"].messages) == s1_messages  # told once

    # Once the meeting has started, nothing can be confirmed or cancelled any more.
    clock.now = FIRST
    await people["B1"].press(kept, "❌ I can't make it")
    [why] = await people["B1"].wait_reply()
    await people["B1"].press(why, "I can't attend")
    await people["B1"].wait_reply()
    assert people["B1"].callback_answers[-1].text.startswith("This meeting has already started")
    [table] = await people["B1"].ask("/schedule")
    meeting_button = next(label for row in table.keyboard for label, _ in row if "S1" in label)
    await people["B1"].press(table, meeting_button)
    [card] = await people["B1"].wait_reply()
    assert "Contact" in card.text and "Cancel" not in str(card.keyboard)

    admin = organizer(fake)
    [figures] = await admin.ask("/stats")
    assert (
        "Fair day: 1 confirmed, 1 cancelled (can't attend), 1 cancelled (no longer interested)"
    ) in figures.text
