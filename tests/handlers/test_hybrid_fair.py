"""A hybrid fair played through the fake Telegram server: on-site and online buyers, Korean
companies on site, interpreters of three languages (Chinese one short). The online buyer's
timetable, picture, calendar file and reminder carry the video link and their own time with
Seoul's beside it; a cancellation and a refill move the Spanish interpreter to the new online
meeting; an interpreter's ❌ hands their meeting to a colleague of the same language. A
colleague of the online buyer gets the reminder too, with the link, in their own language."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, give_up, organizer, process
from icalendar import Calendar
from sqlmodel import select

import builders
from builders import NOW
from fake_telegram import DEFAULT_TOKEN
from store.db import session_scope
from store.event import parse_config, setup_event
from store.interpreters import reassign
from store.models import Attendance, Interpreter, InterpreterAssignment, Participant, Phase
from store.participants import new_invite_token
from store.requests import send_request

WAIT = 30.0
COLLEAGUE = 1101  # B1's colleague, who reads Korean
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
LINK = re.compile(r"https://meet\.jit\.si/BoomUpKorea-[a-z2-7]{24}")
PEOPLE = {
    "B1": 1001,  # online from Mexico, needs Spanish
    "B2": 1002,  # on site, needs Japanese
    "B3": 1003,  # on site, needs Chinese
    "B4": 1004,  # on site, needs Chinese
    "B5": 1005,  # online from the United States, needs Spanish; asked S5 (standby)
    "S1": 2001,
    "S2": 2002,
    "S3": 2003,
    "S4": 2004,
    "S5": 2005,
}
# Interpreters: Spanish online, Japanese twice on site, Chinese once on site (one short).
INTERPRETERS = {
    "I1": ("es", Attendance.online, 7001),
    "I2": ("ja", Attendance.onsite, 7002),
    "I3": ("ja", Attendance.onsite, 7003),
    "I4": ("zh", Attendance.onsite, 7004),
}


@pytest.fixture
def fair(engine, clock):
    """Every buyer meets the Korean company of their number at D1-0900; B5 asked S5 and waits
    on standby. Buyers read English, Korean companies and interpreters Korean."""
    with session_scope(engine) as session:
        file = builders.EVENT_FILE | {"video_link": "https://meet.jit.si/BoomUpKorea-{room}"}
        setup_event(session, parse_config(file))
        p = builders.bilingual_people(session, PEOPLE)
        needs = {"B1": ("MX", "es"), "B2": ("JP", "ja"), "B3": ("CN", "zh")}
        needs |= {"B4": ("CN", "zh"), "B5": ("US", "es")}
        for code, (country, language) in needs.items():
            p[code].country, p[code].interpreter_language = country, language
        for code in ("B1", "B5"):
            p[code].attendance, p[code].booth = Attendance.online, None
        send_request(session, p["B5"].id, p["S5"].id, NOW)
        builders.colleague(session, p["B1"].id, PEOPLE["B1"], COLLEAGUE, "Lupe", "ko")
        for n in range(1, 5):
            builders.meeting(session, p[f"B{n}"], p[f"S{n}"], "D1-0900")
        tokens = {}
        for code, (language, way, _) in INTERPRETERS.items():
            person = Interpreter(
                code=code,
                name=f"통역 {code}",
                languages=language,
                attendance=way,
                invite_token=new_invite_token(),
            )
            session.add(person)
            tokens[code] = person.invite_token
        session.flush()
        reassign(session)
        builders.set_phase(session, Phase.announced)
    clock.now = START - timedelta(minutes=30)
    return tokens


def says(fragment):
    return lambda message: fragment in (message.content or "")


def interpreter_of(engine) -> dict[tuple[str, str], str]:
    """(buyer, seller) → the code of the meeting's interpreter."""
    with session_scope(engine) as session:
        codes = {p.id: p.code for p in session.exec(select(Participant))}
        names = {i.id: i.code for i in session.exec(select(Interpreter))}
        return {
            (codes[a.buyer_id], codes[a.seller_id]): names[a.interpreter_id]
            for a in session.exec(select(InterpreterAssignment))
        }


@pytest.mark.slow
async def test_a_hybrid_fair(fair, fake, engine, clock):
    people = chat_users(fake, PEOPLE)
    colleague = fake.user(COLLEAGUE, "Lupe", language_code="ko")
    colleague.bot.open_chat(colleague.profile)
    admin = organizer(fake)
    assigned = interpreter_of(engine)
    assert assigned[("B1", "S1")] == "I1" and assigned[("B2", "S2")] in ("I2", "I3")
    assert len([pair for pair, who in assigned.items() if who == "I4"]) == 1  # zh: one short
    async with process(fake, engine, clock, DEFAULT_TOKEN) as app:
        # The online buyer's timetable: Mexico City's time, Seoul's beside it, the link.
        b1 = people["B1"]
        [table] = await b1.ask("/schedule")
        assert "Wed, Jun 19 18:00–18:30 (Seoul 09:00)" in table.text
        [link] = [e["url"] for e in table.entities if e.get("url") and LINK.fullmatch(e["url"])]
        await b1.press(table, "🖼 Timetable image")
        [picture] = await b1.wait_reply()
        assert picture.photo is not None
        await b1.press(table, "📆 Add to calendar")
        [document] = await b1.wait_reply()
        [entry] = Calendar.from_ical(document.document_bytes.decode()).walk("VEVENT")
        assert str(entry["URL"]) == link and entry.decoded("DTSTART") == START

        # The organizers see the Chinese gap.
        [report] = await admin.ask("/interpreters")
        assert "⚠️ Chinese · Thu, Jun 20: 1 of 2 meetings covered" in report.text

        # The Spanish and the Chinese interpreters open their links.
        spanish, chinese = (
            fake.user(INTERPRETERS[code][2], code, language_code="ko") for code in ("I1", "I4")
        )
        for user, code in ((spanish, "I1"), (chinese, "I4")):
            [home] = await user.ask(f"/start {fair[code]}")
            assert "배정된 통역 1건입니다" in home.text

        # Ten minutes before: the reminders, with the link on a Join button for both sides
        # and their interpreter, who confirms with ✅ like the participants.
        clock.now = START - timedelta(minutes=10)
        from jobs.schedule import schedule_all

        await schedule_all(app)
        await b1.wait_for(says("Your video meeting with"), timeout=WAIT)
        reminder = b1.messages[-1]
        assert "starts in 10 minutes, on Wed, Jun 19, 2024 18:00 (Seoul 09:00)." in reminder.text
        assert reminder.keyboard[0] == [("🎥 Join", link)]
        await colleague.wait_for(says("화상상담이 있습니다"), timeout=WAIT)
        theirs = colleague.messages[-1]  # B1's time, in the colleague's language
        assert "18:00 (서울 09:00)" in theirs.text
        assert theirs.keyboard[0] == [("🎥 화상상담 참여", link)]
        await people["S1"].wait_for(says("화상상담이 있습니다"), timeout=WAIT)
        assert people["S1"].messages[-1].keyboard[0] == [("🎥 화상상담 참여", link)]
        await people["B2"].wait_for(says("at booth"), timeout=WAIT)  # on site: the booth
        await spanish.wait_for(says("통역이 있습니다"), timeout=WAIT)
        assert spanish.messages[-1].keyboard[0] == [("🎥 화상상담 참여", link)]
        await chinese.wait_for(says("10분 후 통역이 있습니다"), timeout=WAIT)
        reminder = chinese.messages[-1]
        assert [label for label, _ in reminder.keyboard[0]] == ["✅ 참석 확인", "❌ 불참"]
        await chinese.press(reminder, "✅ 참석 확인")
        [confirmed] = await chinese.wait_reply()
        assert confirmed.text.startswith("✅ 참석을 확인했습니다")

        # A Japanese interpreter can't make it: the other one takes the meeting at once.
        first = assigned[("B2", "S2")]
        other = ({"I2", "I3"} - {first}).pop()
        interpreter = fake.user(INTERPRETERS[first][2], first, language_code="ko")
        [home] = await interpreter.ask(f"/start {fair[first]}")
        await interpreter.press(home, "❌ 6월 20일 09:00 참석 불가")
        [asked] = await interpreter.wait_reply()
        await interpreter.press(asked, "❌ 예, 참석할 수 없습니다")
        [done] = await interpreter.wait_reply()
        assert "다른 통역원이 맡습니다" in done.text
        assert interpreter_of(engine)[("B2", "S2")] == other

        # S1 cancels; the place goes to B5 and S5 on standby, and the Spanish interpreter
        # follows to their online meeting. B5 reads New York's time.
        await give_up(people["S1"], people["S1"].messages[-1], "❌ 불참", "참석 불가")
        await b1.wait_for(says("cancelled your meeting"), timeout=WAIT)
        assert ("B1", "S1") not in interpreter_of(engine)
        b5 = people["B5"]
        await b5.wait_for(says("A meeting just became possible"), timeout=WAIT)
        offer = b5.messages[-1]
        assert "Wed, Jun 19, 2024 20:00 (Seoul 09:00), 🎥 online" in offer.text
        await b5.press(offer, "✅ Accept")
        await b5.wait_reply()
        await people["S5"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
        await people["S5"].press(people["S5"].messages[-1], "✅ 수락")
        await b5.wait_for(lambda m: m.document is not None, timeout=WAIT)
        assert interpreter_of(engine)[("B5", "S5")] == "I1"
