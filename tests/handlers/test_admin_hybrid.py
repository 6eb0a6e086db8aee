"""The hybrid fair's organizer commands through the fake Telegram: /attendance and
/interpreters, and what a participant sees once their meeting is online."""

from admin_helpers import organizer, users
from sqlmodel import select

import builders
from store.db import session_scope
from store.event import parse_config, setup_event
from store.interpreters import reassign
from store.models import Attendance, AuditLog, Interpreter, Participant, Phase
from store.participants import new_invite_token


def attendance_of(engine, code: str) -> Attendance:
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == code)).one().attendance


async def test_attendance_is_refused_without_video_links_then_set_and_audited(
    bot, fake, engine, small_fair
):
    admin = organizer(fake)
    [usage] = await admin.ask("/attendance B1 by-pigeon")
    assert usage.text.startswith("Use /attendance CODE online")
    [unknown] = await admin.ask("/attendance B9 online")
    assert unknown.text == "That company is not taking part (any more)."
    [refused] = await admin.ask("/attendance B1 online")
    assert "no video links" in refused.text and attendance_of(engine, "B1") == Attendance.onsite
    with session_scope(engine) as session:
        file = builders.EVENT_FILE | {
            "deadline": builders.DEADLINE.isoformat(),
            "daily_cap": 1,
            "video_link": "https://meet.jit.si/Fair-{room}",
        }
        setup_event(session, parse_config(file))
    with session_scope(engine) as session:  # named in the organizer's language
        b1 = session.exec(select(Participant).where(Participant.code == "B1")).one()
        b1.company, b1.company_en = "에이씨엠이", "Acme"
    [done] = await admin.ask("/attendance B1 온라인")
    assert done.text.startswith("Acme (B1) now takes part online")
    assert attendance_of(engine, "B1") == Attendance.online
    [same] = await admin.ask("/attendance B1 online")
    assert "already takes part online" in same.text
    with session_scope(engine) as session:
        actions = [a.action for a in session.exec(select(AuditLog).order_by(AuditLog.id)).all()]
    assert actions.count("attendance") == 1


async def test_a_participant_cannot_use_the_hybrid_commands(bot, fake, engine, small_fair):
    kim = users(fake, 1, 1)["S1"]
    for command in ("/attendance B1 online", "/interpreters"):
        [refusal] = await kim.ask(command)
        assert "관리자만" in refusal.text
    assert attendance_of(engine, "B1") == Attendance.onsite


async def test_interpreters_shows_coverage_and_the_meeting_left_without_one(
    bot, fake, engine, small_fair
):
    admin = organizer(fake)
    [none] = await admin.ask("/interpreters")
    assert none.text.startswith("No meeting needs an interpreter")
    with session_scope(engine) as session:
        people = {p.code: p for p in session.exec(select(Participant)).all()}
        people["B1"].interpreter_language = "ja"
        session.add(people["B1"])
        builders.meeting(session, people["B1"], people["S1"], "D1-0900")
        builders.meeting(session, people["B1"], people["S2"], "D1-0930")
        builders.meeting(session, people["B2"], people["S3"], "D1-0900")
        session.add(
            Interpreter(code="I1", name="Kim", languages="ja", invite_token=new_invite_token())
        )
        builders.set_phase(session, Phase.matched)
        session.flush()
        reassign(session)
    [shown] = await admin.ask("/interpreters")
    assert shown.text.startswith("🗣 Interpreters · 1 registered")
    assert "✅ Japanese · Thu, Jun 20: 2 meetings covered" in shown.text
    with session_scope(engine) as session:
        session.add(
            Interpreter(
                code="I2", name="Lee", languages="ko", invite_token=new_invite_token(), active=True
            )
        )
        people = {p.code: p for p in session.exec(select(Participant)).all()}
        people["B2"].interpreter_language = "vi"
        session.add(people["B2"])
        session.flush()
        reassign(session)
    [short] = await admin.ask("/interpreters")
    assert "⚠️ Vietnamese · Thu, Jun 20: no interpreter for 1 meeting. One more" in short.text
    assert "no interpreter speaks this language" in short.text
