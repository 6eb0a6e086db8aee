"""A whole fair day from examples/rehearsal.toml (today, 1-minute slots), played through the
fake Telegram server on the bot's clock: the deadline and its matching, /announce, reminders,
a cancellation whose refill offer is declined by the first pair and accepted by the next, a
cancellation whose offer times out, outcomes with a value, the follow-up survey right after
the fair, and the results workbook checked cell by cell."""

import io
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, give_up, organizer, process
from openpyxl import load_workbook
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from jobs.schedule import schedule_all
from store.db import session_scope
from store.event import parse_config, setup_event
from store.models import Meeting, OfferState, RefillOffer, Slot, Unavailability
from store.requests import accept_request, send_request

SEOUL = ZoneInfo("Asia/Seoul")
SETUP = datetime(2024, 6, 20, 8, 0, 30, tzinfo=SEOUL)  # setup-event runs
REHEARSAL = Path(__file__).parents[2] / "examples" / "rehearsal.toml"
WAIT = 30.0
CODES = {"B1": 1001, "B2": 1002, "S1": 2001, "S3": 2003, "S4": 2004, "S5": 2005, "S6": 2006}


def at(hhmm: str) -> datetime:
    return datetime.combine(SETUP.date(), datetime.strptime(hhmm, "%H:%M").time(), SEOUL)


@pytest.fixture
def rehearsal(engine, clock):
    """The rehearsal file read at 08:00:30: deadline 08:11, slots 08:21 to 08:33. B1 is there
    all day; S1 asked B1 (accepted); S3 then S5 asked B1 but are only there in the first slot.
    B2 is only there in the second slot: S4 then S6 asked B2, both only there then."""
    config = parse_config(tomllib.loads(REHEARSAL.read_text("utf-8")), now=SETUP)
    assert (config.deadline, config.slots[0].start, len(config.slots)) == (
        at("08:11"),
        at("08:21").time(),
        12,
    )
    with session_scope(engine) as session:
        setup_event(session, config)
        p = {
            code: builders.participant(
                session,
                code,
                telegram_id=tid,
                language="en" if code[0] == "B" else "ko",
                company=f"{'Buyer' if code[0] == 'B' else '국내기업'} {code}",
            )
            for code, tid in CODES.items()
        }
        grid = session.exec(select(Slot).order_by(Slot.ordinal)).all()
        only = {"S3": 0, "S5": 0, "B2": 1, "S4": 1, "S6": 1}
        for code, keep in only.items():
            session.add_all(
                Unavailability(participant_id=p[code].id, slot_id=s.id)
                for n, s in enumerate(grid)
                if n != keep
            )
        for minutes, (seller, buyer) in enumerate(
            (("S1", "B1"), ("S3", "B1"), ("S5", "B1"), ("S4", "B2"), ("S6", "B2"))
        ):
            sent = send_request(
                session, p[seller].id, p[buyer].id, SETUP + timedelta(minutes=minutes)
            )
            if seller == "S1":
                accept_request(session, sent.id, p["B1"].id, SETUP)
    clock.now = at("08:11")


def says(fragment):
    return lambda message: fragment in (message.content or "")


@pytest.mark.slow
async def test_a_rehearsal_plays_the_whole_fair_day(rehearsal, fake, engine, clock):
    people = chat_users(fake, CODES)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as app:
        # The deadline has come: applications close and the matching runs; then /announce.
        await admin.wait_for(says("Requests are closed"), timeout=WAIT)
        await admin.ask("/announce")
        await admin.wait_for(lambda m: "Announcement" in m.content and "done" in m.content, WAIT)
        with session_scope(engine) as session:
            pairs = {(m.buyer_id, m.seller_id) for m in session.exec(select(Meeting))}
        assert len(pairs) == 2  # B1-S1 in the first slot, B2-S4 in the second

        # 08:20: reminders for the first slot; S1 can't come. S3 is offered B1 and declines,
        # S5 is offered next and both accept.
        clock.now = at("08:20")
        await schedule_all(app)
        await people["S1"].wait_for(says("1분 후"), timeout=WAIT)
        await give_up(people["S1"], people["S1"].messages[-1], "❌ 불참", "참석 불가")
        await people["B1"].wait_for(says("cancelled your meeting"), timeout=WAIT)
        await people["S3"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
        assert "08:21까지 수락하면" in people["S3"].messages[-1].content  # never past the start
        await people["S3"].press(people["S3"].messages[-1], "❌ 반려")
        await people["S3"].wait_reply()
        await people["S5"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
        await people["S5"].press(people["S5"].messages[-1], "✅ 수락")
        await people["S5"].wait_reply()
        # Each side's offer goes out on its own (after their earlier notices): B1's may come
        # after S5's.
        offers = await people["B1"].wait_for(says("국내기업 S5"), timeout=WAIT)
        offer_b1 = next(m for m in offers if "국내기업 S5" in m.content)
        await people["B1"].press(offer_b1, "✅ Accept")
        await people["B1"].wait_for(lambda m: m.document is not None, timeout=WAIT)

        # 08:21: reminders for the second slot; S4 gives up, B2 and S6 are offered the place
        # and do not answer before it starts.
        clock.now = at("08:21")
        await schedule_all(app)
        await people["S4"].wait_for(says("1분 후"), timeout=WAIT)
        await give_up(people["S4"], people["S4"].messages[-1], "❌ 불참", "기타 사유")
        await people["S6"].wait_for(says("새로 가능한 상담"), timeout=WAIT)
        clock.now = at("08:22")  # the first slot is over, the second starts
        await schedule_all(app)
        await people["B2"].wait_for(says("expired before both of you accepted"), timeout=WAIT)

        # The first slot's outcome question: B1 expects a contract worth 20,000 USD.
        await people["B1"].wait_for(says("How did your meeting with 국내기업 S5 go?"), WAIT)
        await people["B1"].press(people["B1"].messages[-1], "Contract likely")
        [summary] = await people["B1"].wait_reply()
        await people["B1"].press(summary, "💵 Expected value (USD)")
        await people["B1"].wait_reply()
        await people["B1"].ask("20,000")
        await people["S5"].wait_for(says("상담은 어떠셨습니까"), timeout=WAIT)
        await people["S5"].press(people["S5"].messages[-1], "견적 또는 샘플 요청")
        await people["S5"].wait_reply()

        # Right after the last slot (follow_up_weeks = 0): the survey; B1 signed an MOU.
        clock.now = at("08:33")
        await schedule_all(app)
        await people["B1"].wait_for(says("Has a contract or an MOU been signed"), timeout=WAIT)
        await people["B1"].press(people["B1"].messages[-1], "🤝 An MOU")
        await people["B1"].wait_reply()
        await people["B1"].ask("$5k")
        await people["S5"].wait_for(says("사후 조사"), timeout=WAIT)

        replies = await admin.ask("/results")  # (the survey's report may arrive meanwhile)
        workbook = next(m for m in replies if m.document is not None)
    with session_scope(engine) as session:
        states = [o.state for o in session.exec(select(RefillOffer).order_by(RefillOffer.id))]
    assert states == [OfferState.declined, OfferState.booked, OfferState.expired]
    book = load_workbook(io.BytesIO(workbook.document_bytes))
    overall = book["Overall"]
    expected = {
        "A": 1,  # scheduled: B1-S5, refilled
        "B": 1,  # held
        "C": 0,  # no-show
        "D": 2,  # cancelled
        "E": 1,  # refilled
        "F": 0,
        "G": 0,
        "H": 0,
        "I": 1,  # quote or sample requested (S5)
        "J": 1,  # contract likely (B1)
        "K": 20000,  # expected value
        "L": 0,  # contracts
        "M": 1,  # MOUs
        "N": 5000,  # signed value
        "O": 2,  # answers
        "P": 2,  # sides asked
        "Q": 100.0,  # answer rate
    }
    assert {column: overall[f"{column}2"].value for column in expected} == expected
    assert overall["A1"].value == "Scheduled" and overall["Q1"].value == "Answer rate (%)"
    slots = book["Slots"]
    assert [[cell.value for cell in row] for row in slots.iter_rows(min_row=1, max_row=3)] == [
        ["Slot", "Held", "No-show"],
        ["D1-0821", 1, 0],
        ["D1-0822", 0, 0],
    ]
