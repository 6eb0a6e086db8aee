import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from PIL import Image
from sqlmodel import select

import builders
from builders import DEADLINE
from store.db import session_scope
from store.event import parse_config, setup_event
from store.exchange import store_schedule
from store.models import Participant, Phase, Slot, Unavailability
from store.timetable import timetable
from views.timetable_image import (
    FREE_FILL,
    MEETING_FILL,
    PAD,
    UNAVAILABLE_FILL,
    layout,
)

SEOUL = ZoneInfo("Asia/Seoul")
KIM, LEE, PARK = 1001, 1002, 1003  # the buyer (English), a seller (Korean), a stranger


@pytest.fixture
def fair(bot, engine):
    """B1 (English) meets S1 at D1-0930 and S2 at D2-1100, and switched D1-1130 off; S1
    (Korean) has only that meeting. Returns the participants' ids by code."""
    with session_scope(engine) as session:
        builders.event(session)
        b1 = builders.participant(
            session, "B1", company="Acme Trading", telegram_id=KIM, language="en"
        )
        s1 = builders.participant(
            session,
            "S1",
            company="Kim & Sons <Cosmetics>",
            telegram_id=LEE,
            language="ko",
            contact_name="Kim Minji",
            contact_title="Export manager",
            email="minji@kimsons.kr",
            phone="+82 10 1234 5678",
            website="kimsons.kr",
        )
        s2 = builders.participant(session, "S2", company="한빛화장품 🌸", industry="food")
        builders.meeting(session, b1, s1, "D1-0930")
        builders.meeting(session, b1, s2, "D2-1100")
        slot = session.exec(select(Slot).where(Slot.code == "D1-1130")).one()
        session.add(Unavailability(participant_id=b1.id, slot_id=slot.id))
        builders.set_phase(session, Phase.announced)
        return {"B1": b1.id, "S1": s1.id, "S2": s2.id}


def labels(message):
    return [label for row in message.keyboard for label, _ in row]


async def open_schedule(user):
    [menu] = await user.ask("/menu")
    await user.press_data(menu, "sched")
    return await user.wait_reply()


def snapshot(engine, participant_id):
    with session_scope(engine) as session:
        return timetable(session, participant_id)


# Before the announcement


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "not announced yet"), ("ko", "아직 상담 일정이 공지되지 않았습니다")],
)
async def test_before_the_announcement_it_says_when_applications_close(
    bot, fake, engine, language, expected
):
    with session_scope(engine) as session:
        builders.event(session)
        b1 = builders.participant(session, "B1", telegram_id=KIM, language=language)
        s1 = builders.participant(session, "S1")
        builders.meeting(session, b1, s1, "D1-0900")  # not announced: stays hidden
    kim = fake.user(KIM, "Kim")
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "📅 My schedule" if language == "en" else "📅 주선 결과")
    [reply] = await kim.wait_reply()
    assert reply.message_id == menu.message_id
    assert expected in reply.text
    assert "2024" in reply.text and "Company S1" not in reply.text
    assert labels(reply) == (["⬅️ Back"] if language == "en" else ["⬅️ 뒤로"])


async def test_after_the_deadline_it_says_matching_is_under_way(bot, fake, engine, clock):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", telegram_id=KIM, language="en")
    clock.now = DEADLINE + timedelta(minutes=1)
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    assert "Requests closed" in reply.text and "arranging the meetings" in reply.text
    with session_scope(engine) as session:
        builders.set_phase(session, Phase.matched)
    [reply] = await kim.ask("/schedule")
    assert "arranging the meetings" in reply.text


# The timetable as text


async def test_the_buyer_sees_every_day_with_meetings_booths_and_unavailable_slots(fair, fake):
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    text = reply.text
    assert "Acme Trading" in text and "2 confirmed meetings." in text
    assert "Thu, Jun 20" in text and "Fri, Jun 21" in text
    # The company name went through HTML escaping and arrived intact.
    assert "🟥 09:30–10:00 Kim & Sons <Cosmetics> (South Korea) · booth T-B1" in text
    assert "🟥 11:00–11:30 한빛화장품 🌸 (South Korea) · booth T-B1" in text
    assert "⬜ 09:00–09:30 free" in text
    assert "⛔ 11:30–12:00 unavailable" in text
    # Meetings first; then the other times, neighbours in the same state on one line.
    assert text.index("Your meetings") < text.index("Your other times")
    assert text.index("Kim & Sons") < text.index("한빛화장품") < text.index("⬜ 09:00–09:30 free")
    # a break (10:30–11:00, no slot) ends a free time: none reads over it
    assert "⬜ 10:00–10:30 free\n⬜ 11:00–11:30 free" in text
    assert "⬜ 09:00–10:30 free" in text
    assert (
        len(text.splitlines()) == 20
    )  # header 4, blank lines 2, 14 lines: neighbours in one state share one
    assert labels(reply) == [
        "🤝 6/20 09:30 Kim & Sons <Cosmetics>",
        "🤝 6/21 11:00 한빛화장품 🌸",
        "🖼 Timetable image",
        "📆 Add to calendar",
        "⬅️ Back",  # meetings set by hand, no requests: no "why not scheduled"
    ]


async def test_the_seller_sees_it_in_korean_from_the_command(fair, fake):
    lee = fake.user(LEE, "Lee")
    [reply] = await lee.ask("/schedule")
    assert "확정된 상담은 1건입니다." in reply.text
    assert "🟥 09:30~10:00 Acme Trading (미국) · 부스 T-B1" in reply.text
    assert "6월 20일" in reply.text and "⬜ 09:00~09:30 빈 시간" in reply.text
    assert labels(reply)[:2] == ["🤝 6월 20일 09:30 Acme Trading", "🖼 시간표 이미지"]


async def test_a_long_timetable_is_split_below_telegrams_limit(bot, fake, engine):
    long_name = "Gangnam Fashion & Textiles <International> " * 4
    with session_scope(engine) as session:
        config = builders.EVENT_FILE | {
            "days": ["2024-06-19", "2024-06-20", "2024-06-21"],
            "start": "08:00",
            "end": "20:00",
            "slot_minutes": 10,
            "breaks": [],
        }
        setup_event(session, parse_config(config))
        buyer = builders.participant(session, "B1", telegram_id=KIM, language="en")
        codes = [s.code for s in session.exec(select(Slot).order_by(Slot.ordinal)).all()]
        for number, code in enumerate(codes[::4], start=1):
            seller = builders.participant(session, f"S{number}", company=f"{long_name}{number}")
            builders.meeting(session, buyer, seller, code)
        builders.set_phase(session, Phase.announced)
    kim = fake.user(KIM, "Kim")
    pages = await open_schedule(kim)
    assert len(pages) >= 3
    assert all(len(page.text.encode("utf-16-le")) // 2 <= 4096 for page in pages)
    joined = "\n".join(page.text for page in pages)
    assert joined.count("\n🟥 ") == len(codes[::4])
    assert joined.count("\n⬜ ") == len(codes[::4])  # the three free slots between two meetings
    assert "\n⬜ 08:10–08:40 free" in joined
    assert [bool(page.keyboard) for page in pages] == [False] * (len(pages) - 1) + [True]


# The picture


def pixel(image, box, corner="top-left"):
    x0, y0, x1, y1 = box
    return image.getpixel((x0 + 2, y0 + 2) if corner == "top-left" else (x1 - 2, y1 - 2))


async def test_the_image_fills_meetings_red_and_unavailable_slots_grey(fair, fake, engine):
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    await kim.press(reply, "🖼 Timetable image")
    [photo] = await kim.wait_reply()
    assert "Red: confirmed meetings" in photo.caption
    image = Image.open(io.BytesIO(photo.photo_bytes))
    assert image.format == "PNG"
    plan = layout(snapshot(engine, fair["B1"]))
    assert image.size == (plan.width, plan.height)
    rgb = image.convert("RGB")
    colours = {code: pixel(rgb, box) for code, box in plan.cells.items()}
    assert {code for code, c in colours.items() if c == MEETING_FILL} == {"D1-0930", "D2-1100"}
    assert {code for code, c in colours.items() if c == UNAVAILABLE_FILL} == {"D1-1130"}
    assert {code for code, c in colours.items() if c == FREE_FILL} == set(plan.cells) - {
        "D1-0930",
        "D2-1100",
        "D1-1130",
    }
    assert all(pixel(rgb, box, "bottom-right") == colours[code] for code, box in plan.cells.items())
    # The meeting cell carries its company in white text.
    x0, y0, x1, _ = plan.cells["D1-0930"]
    text_band = rgb.crop((x0 + PAD, y0 + 6, x1 - PAD, y0 + 28))
    assert (255, 255, 255) in {colour for _, colour in text_band.getcolors(4096)}


async def test_a_full_three_day_schedule_is_red_in_every_cell(bot, fake, engine):
    with session_scope(engine) as session:
        builders.three_day_event(session, daily_cap=5)
        seller = builders.participant(
            session, "S1", company="한빛화장품", telegram_id=LEE, language="ko"
        )
        codes = [s.code for s in session.exec(select(Slot).order_by(Slot.ordinal)).all()]
        for number, code in enumerate(codes, start=1):
            buyer = builders.participant(session, f"B{number}", company=f"Buyer {number} LLC")
            builders.meeting(session, buyer, seller, code)
        builders.set_phase(session, Phase.announced)
        seller_id = seller.id
    lee = fake.user(LEE, "Lee")
    [reply] = await open_schedule(lee)
    assert "확정된 상담은 15건입니다." in reply.text and "\n⬜ " not in reply.text
    assert reply.text.count("\n🟥 ") == 15 and "\n⬜ " not in reply.text
    assert len([label for label in labels(reply) if label.startswith("🤝")]) == 15
    await lee.press(reply, "🖼 시간표 이미지")
    [photo] = await lee.wait_reply()
    image = Image.open(io.BytesIO(photo.photo_bytes)).convert("RGB")
    plan = layout(snapshot(engine, seller_id))
    assert image.size == (plan.width, plan.height) and len(plan.columns) == 3
    assert all(pixel(image, plan.cells[code]) == MEETING_FILL for code in codes)
    await lee.press(reply, "📆 캘린더에 추가")
    [document] = await lee.wait_reply()
    calendar = Calendar.from_ical(document.document_bytes.decode())
    assert len(calendar.walk("VEVENT")) == 15


# The calendar file


async def test_the_calendar_file_holds_every_meeting_with_booth_and_reminder(fair, fake, engine):
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    await kim.press(reply, "📆 Add to calendar")
    [document] = await kim.wait_reply()
    assert document.document_name == "Boom Up Korea 2024 meeting schedule.ics"
    assert "📆 2 meetings as a calendar file" in document.caption
    calendar = Calendar.from_ical(document.document_bytes.decode())
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Seoul"]
    events = calendar.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [
        datetime(2024, 6, 20, 9, 30, tzinfo=SEOUL),
        datetime(2024, 6, 21, 11, 0, tzinfo=SEOUL),
    ]
    first = events[0]
    assert first.decoded("DTEND") == datetime(2024, 6, 20, 10, 0, tzinfo=SEOUL)
    assert str(first["SUMMARY"]) == "Meeting: Kim & Sons <Cosmetics> (South Korea)"
    assert str(first["LOCATION"]) == "T-B1"
    description = str(first["DESCRIPTION"])
    assert "Kim Minji" in description and "minji@kimsons.kr" in description
    [alarm] = first.walk("VALARM")
    assert alarm.decoded("TRIGGER") == -timedelta(minutes=10)
    assert str(events[1]["SUMMARY"]) == "Meeting: 한빛화장품 🌸 (South Korea)"
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == 2

    # Re-storing the schedule gives new meeting rows, but each meeting keeps its UID.
    with session_scope(engine) as session:
        store_schedule(
            session,
            {
                "meetings": [
                    {"buyer": "B1", "seller": "S1", "slot": "D1-0930", "booth": "T-B1"}
                    | {"tier": "mutual"},
                    {"buyer": "B1", "seller": "S2", "slot": "D2-1100", "booth": "T-B1"}
                    | {"tier": "mutual"},
                ],
                "unscheduled": [],
            },
        )
    [reply] = await open_schedule(kim)
    await kim.press(reply, "📆 Add to calendar")
    [document] = await kim.wait_reply()
    again = Calendar.from_ical(document.document_bytes.decode()).walk("VEVENT")
    assert [str(e["UID"]) for e in again] == uids


# Counterparts


async def test_one_tap_on_a_meeting_opens_the_counterparts_card_and_contact(fair, fake):
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    await kim.press(reply, "🤝 6/20 09:30 Kim & Sons <Cosmetics>")
    [card] = await kim.wait_reply()
    assert card.message_id == reply.message_id
    assert "Meeting · Thu, Jun 20 09:30–10:00 · booth T-B1" in card.text
    assert "Kim & Sons <Cosmetics>" in card.text
    for expected in ("Kim Minji", "Export manager", "minji@kimsons.kr", "+82 10 1234 5678"):
        assert expected in card.text
    assert labels(card) == ["❌ Cancel this meeting", "⬅️ My schedule"]  # before it starts
    await kim.press(card, "⬅️ My schedule")
    [back] = await kim.wait_reply()
    assert "2 confirmed meetings" in back.text


async def test_someone_elses_meeting_cannot_be_opened(fair, fake, engine):
    with session_scope(engine) as session:
        other = builders.participant(session, "B2")
        s3 = builders.participant(session, "S3")
        foreign = builders.meeting(session, other, s3, "D1-0900").id
    lee = fake.user(LEE, "Lee")
    [reply] = await open_schedule(lee)
    await lee.press_data(reply, f"sched:m:{foreign}")
    await lee.wait_reply()
    assert lee.callback_answers[-1].show_alert
    assert "더 이상 일정에 없습니다" in lee.callback_answers[-1].text
    assert lee.last_message.text == reply.text


# Why not scheduled


def store_with_fair_meetings(session, unscheduled):
    """The fair's two meetings of B1 stored as a matching run's, with these unscheduled pairs
    (buyer, seller, tier, reason)."""
    store_schedule(
        session,
        {
            "meetings": [
                {"buyer": "B1", "seller": s, "slot": slot, "booth": "T-B1", "tier": "mutual"}
                for s, slot in (("S1", "D1-0930"), ("S2", "D2-1100"))
            ],
            "unscheduled": [
                {"buyer": b, "seller": s, "tier": tier, "reason": reason}
                for b, s, tier, reason in unscheduled
            ],
        },
    )


async def test_why_not_scheduled_explains_each_request_from_my_side(fair, fake, engine):
    with session_scope(engine) as session:
        for code in ("S3", "S4"):
            builders.participant(session, code, company=f"Company {code}")
        store_with_fair_meetings(
            session, [("B1", "S3", "mutual", "buyer_full"), ("B1", "S4", "buyer", "seller_full")]
        )
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    await kim.press(reply, "❓ 2 requests not scheduled")  # the label says how many
    [why] = await kim.wait_reply()
    text = why.text
    assert "1. Company S3 (South Korea) · mutual" in text
    assert "your own day was already full" in text
    assert "2. Company S4 (South Korea) · sent" in text
    assert "Company S4's day was already full" in text
    # the deadline has passed: not advice for a next time, but what can still happen
    assert "Next time" not in text and "On standby" in text and "press ‘Accept’" in text
    assert labels(why) == ["⬅️ My schedule"]


async def test_why_not_scheduled_in_korean_for_the_other_side(fair, fake, engine):
    with session_scope(engine) as session:
        builders.participant(session, "B2", company="Globex Inc")
        builders.participant(session, "B3", company="Initech")
        builders.participant(session, "S3")
        store_schedule(
            session,
            {
                "meetings": [
                    {"buyer": "B1", "seller": "S1", "slot": "D1-0930", "booth": "T-B1"}
                    | {"tier": "mutual"}
                ],
                "unscheduled": [
                    {"buyer": "B2", "seller": "S1", "tier": "buyer", "reason": "buyer_full"},
                    {"buyer": "B3", "seller": "S1", "tier": "seller", "reason": "both_full"},
                    {"buyer": "B1", "seller": "S3", "tier": "buyer", "reason": "seller_full"},
                ],
            },
        )
    lee = fake.user(LEE, "Lee")
    [reply] = await open_schedule(lee)
    await lee.press(reply, "❓ 주선되지 않은 신청 2건")
    [why] = await lee.wait_reply()
    assert "1. Globex Inc (미국) · 상대방 신청" in why.text
    assert "Globex Inc의 일정이 이미 차 있었습니다" in why.text
    assert "2. Initech (미국) · 나의 신청" in why.text
    assert "두 업체 모두 이미 다른 상담이 잡혀 있었습니다" in why.text
    assert "대기 주선" in why.text and "다음에는" not in why.text
    assert "Acme Trading" not in why.text


async def test_no_meetings_and_nothing_unscheduled(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer_id = builders.participant(session, "B1", telegram_id=KIM, language="en").id
        builders.set_phase(session, Phase.announced)
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    assert "You neither sent nor received a meeting request" in reply.text
    assert "\n🟥 " not in reply.text and reply.text.count("\n⬜ ") == 4  # split at the break
    assert "Thu, Jun 20\n⬜ 09:00–10:30 free\n⬜ 11:00–12:00 free" in reply.text
    assert labels(reply) == ["🖼 Timetable image", "⬅️ Back"]  # nothing to explain
    await kim.press_data(reply, "sched:ics")
    await kim.wait_reply()
    assert kim.callback_answers[-1].text == "You have no meetings to add to a calendar."
    assert kim.callback_answers[-1].show_alert
    await kim.press_data(reply, "sched:why")  # a button from before: still a true answer
    [why] = await kim.wait_reply()
    assert "no request of yours is left out" in why.text
    await kim.press(why, "⬅️ My schedule")
    [back] = await kim.wait_reply()
    await kim.press(back, "🖼 Timetable image")
    [photo] = await kim.wait_reply()
    image = Image.open(io.BytesIO(photo.photo_bytes)).convert("RGB")
    plan = layout(snapshot(engine, buyer_id))
    assert all(pixel(image, box) == FREE_FILL for box in plan.cells.values())


# Bad input


async def test_forged_buttons_and_strangers_change_nothing(fair, fake):
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    for forged in ("sched:zzz", "sched:m:", "sched:m:12345678901", "schedx"):
        await kim.press_data(reply, forged)
        await kim.wait_reply()
        assert kim.callback_answers[-1].show_alert
    assert kim.last_message.text == reply.text
    park = fake.user(PARK, "Park", language_code="en")
    await park.press_data(reply, "sched")
    await park.wait_reply()
    assert park.callback_answers[-1].show_alert
    assert park.messages == []


async def test_the_reason_says_what_the_schedule_shows_for_that_person(fair, fake, engine):
    """S1 kept one time open and has a meeting in it: her other request failed because that
    time was booked, not because of her daily cap (8). B1, capped at one a day, hears that."""
    with session_scope(engine) as session:
        builders.participant(session, "B2", company="Globex Inc")
        s3 = builders.participant(session, "S3", company="Initech")
        s1 = session.get(Participant, fair["S1"])
        b1 = session.get(Participant, fair["B1"])
        b1.daily_cap = 1
        session.add(b1)
        for slot in session.exec(select(Slot)).all():
            if slot.code != "D1-0930":
                session.add(Unavailability(participant_id=s1.id, slot_id=slot.id))
            if slot.code in ("D1-0930", "D2-1100"):  # where B1 meets the others
                session.add(Unavailability(participant_id=s3.id, slot_id=slot.id))
        store_with_fair_meetings(
            session,
            [("B2", "S1", "seller", "seller_full"), ("B1", "S3", "seller", "buyer_full")],
        )
    lee = fake.user(LEE, "Lee")
    [reply] = await open_schedule(lee)
    await lee.press(reply, "❓ 주선되지 않은 신청 1건")
    [why] = await lee.wait_reply()
    assert "사유: 함께 가능한 시간마다 이미 다른 상담이 잡혀 있었습니다." in why.text
    assert "1일 상담횟수" not in why.text
    kim = fake.user(KIM, "Kim")
    [reply] = await open_schedule(kim)
    await kim.press(reply, "❓ 1 request not scheduled")
    [why] = await kim.wait_reply()
    assert "Why: on the days you could both meet, you had already reached your daily" in why.text
    assert "limit (1)." in why.text
