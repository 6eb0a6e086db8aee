"""/results and /today through the fake Telegram server: the figures, the chart, and the
workbook checked cell by cell."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import organizer, process
from openpyxl import load_workbook
from PIL import Image
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from handlers.results import tally_line
from store.db import session_scope
from store.fairday import cancel
from store.models import CancelReason, Meeting, OutcomeResult, Phase
from store.outcomes import record_outcome, set_details
from store.refill import answer_offer, offer_next
from store.requests import send_request
from store.results import Tally

SEOUL = ZoneInfo("Asia/Seoul")
D1_0900 = datetime(2024, 6, 20, 9, 0, tzinfo=SEOUL)


@pytest.fixture
def fair(engine, clock):
    """D1-0900: B1-S1 (held: B1 expects a contract worth 15,000 USD, S1 will follow up) and
    B2-S2 (B2 reports a no-show). D1-0930: B3-S3, cancelled by S3 and refilled with B3-S1.
    B1 and S1 are in food, the rest in cosmetics; B2 comes from Japan. S4 (consumer goods,
    Vietnam) has no meeting at all."""
    with session_scope(engine) as session:
        builders.event(session)
        p = {
            code: builders.participant(
                session,
                code,
                telegram_id=n,
                industry="food" if code in ("B1", "S1") else "cosmetics",
                country="JP" if code == "B2" else None,
                company="=HYPERLINK(1)" if code == "S2" else None,
            )
            for n, code in enumerate(("B1", "B2", "B3", "S1", "S2", "S3"), start=1)
        }
        builders.participant(session, "S4", industry="consumer-goods", country="VN")
        send_request(session, p["S1"].id, p["B3"].id, builders.NOW)
        first = builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        second = builders.meeting(session, p["B2"], p["S2"], "D1-0900")
        later = builders.meeting(session, p["B3"], p["S3"], "D1-0930")
        builders.set_phase(session, Phase.announced)
        before = D1_0900 - timedelta(minutes=20)
        place = cancel(session, later.id, p["S3"].id, CancelReason.cant_attend, before).place_id
        offer = offer_next(session, place, before)
        answer_offer(session, offer.id, p["B3"].id, True, before)
        assert answer_offer(session, offer.id, p["S1"].id, True, before).outcome == "booked"
        ended = D1_0900 + timedelta(minutes=30)
        record_outcome(session, first.id, p["B1"].id, OutcomeResult.contract_likely, ended)
        set_details(session, first.id, p["B1"].id, ended, value_text="15k")
        record_outcome(session, first.id, p["S1"].id, OutcomeResult.follow_up, ended)
        record_outcome(session, second.id, p["B2"].id, OutcomeResult.no_show, ended)
        assert len(session.exec(select(Meeting)).all()) == 3
    clock.now = D1_0900 + timedelta(minutes=40)  # in D1-0930


async def test_results_and_today(fair, fake, engine, clock):
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        [now] = await admin.ask("/today")
        assert "Today, Thu, Jun 20" in now.text
        assert "Now (D1-0930): 1 meeting" in now.text
        assert "Next (D1-1000, 10:00): no meetings" in now.text
        assert "So far today: 1 cancelled, 1 refilled, 1 no-show reported" in now.text
        assert "Booths idle now: 2 of 3: T-B1, T-B2" in now.text

        replies = await admin.ask("/results")
        text, photo, document = replies
        assert (
            "Overall: 3 scheduled, 1 held, 1 no-show, 1 cancelled, 1 refilled; expected value "
            "US$15,000; 75% answered\n"
        ) in text.text
        # zeros are left out: no "0 cancelled", no "signed" line while nothing is signed
        food = "• Food: 2 scheduled, 1 held, 1 refilled; expected value US$15,000; 100% answered"
        assert text.text.endswith(food)
        # whom to follow up: the companies with no meeting held, S4 (no meeting at all) too
        assert "5 companies with no meeting held: Company B2, Company B3, =HYPERLINK(1)" in (
            text.text
        )
        assert "• Consumer goods: no meetings" in text.text
        chart = Image.open(io.BytesIO(photo.photo_bytes))
        assert chart.width >= 900 and chart.height > 400
        book = load_workbook(io.BytesIO(document.document_bytes))
    assert book.sheetnames == ["Overall", "Companies", "Industries", "Countries", "Slots"]
    overall = [[c.value for c in row] for row in book["Overall"].iter_rows()]
    assert overall[0][:5] == ["Scheduled", "Held", "No-show", "Cancelled", "Refilled"]
    assert overall[0][5:10] == [
        "Did not take place (no-show)",
        "Not a fit",
        "Interested (will follow up)",
        "Quote or sample requested",
        "Contract likely",
    ]
    assert overall[1] == [3, 1, 1, 1, 1, 1, 0, 1, 0, 1, 15000, 0, 0, 0, 3, 4, 75.0]
    rows = list(book["Companies"].iter_rows(values_only=True))
    # everyone has a row, those with no meeting held first (by code), zeros included
    assert [row[0] for row in rows[1:]] == ["B2", "B3", "S2", "S3", "S4", "B1", "S1"]
    assert rows[5][6:11] == (0, 0, 0, 0, 0)
    companies = {row[0]: row for row in rows}
    # Both names: S1 has no English one.
    assert companies["S1"][:6] == (
        "S1",
        "Company S1",
        None,
        "Korean company",
        "South Korea",
        "Food",
    )
    # S1: two meetings (B1 held, B3 refilled, not over yet), one answer of one asked.
    assert companies["S1"][6:] == (2, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 100.0)
    assert companies["S3"][6:11] == (0, 0, 0, 1, 0)
    s2 = book["Companies"]["B4"]  # S2's company name, written as text
    assert book["Companies"]["A4"].value == "S2"
    assert s2.value == "=HYPERLINK(1)" and s2.data_type == "s"
    industries = {row[0]: row[1:6] for row in book["Industries"].iter_rows(values_only=True)}
    assert industries["Cosmetics"] == (2, 0, 1, 1, 1)
    assert industries["Food"] == (2, 1, 0, 0, 1)
    assert industries["Consumer goods"] == (0, 0, 0, 0, 0)
    countries = {row[0]: row[1:6] for row in book["Countries"].iter_rows(values_only=True)}
    assert countries["Japan"] == (1, 0, 1, 0, 0)
    assert countries["Vietnam"] == (0, 0, 0, 0, 0)
    slots = [row for row in book["Slots"].iter_rows(values_only=True)]
    assert slots[:3] == [("Slot", "Held", "No-show"), ("D1-0900", 1, 1), ("D1-0930", 0, 0)]


@pytest.mark.parametrize(
    ("language", "tally", "line"),
    [
        ("ko", Tally(), "• 생활용품: 상담 없음"),
        ("en", Tally(), "• 생활용품: no meetings"),
        ("ko", Tally(scheduled=2, asked=2), "• 생활용품: 주선 2건; 답변율 0%"),
        (
            "ko",
            Tally(scheduled=1, held=1, asked=2, answered=1, contracts=1, signed_usd=50_000),
            "• 생활용품: 주선 1건, 진행 1건; 답변율 50%; 체결: 계약 1건, 금액 50,000달러",
        ),
        ("en", Tally(cancelled=2, mous=1), "• 생활용품: 2 cancelled; signed: 1 MOU"),
    ],
)
def test_a_figures_line_leaves_its_zeros_out(language, tally, line):
    """Zero of something is not said; a 0% answer rate is (someone was asked)."""
    assert tally_line(language, "생활용품", tally) == line


async def test_today_with_nothing_cancelled_says_so(engine, fake, clock):
    with session_scope(engine) as session:
        builders.event(session)
        builders.set_phase(session, Phase.announced)
    clock.now = D1_0900 + timedelta(minutes=10)
    admin = organizer(fake)
    async with process(fake, engine, clock, DEFAULT_TOKEN):
        [now] = await admin.ask("/today")
    assert "Now (D1-0900): no meetings" in now.text
    assert "No meeting has been cancelled or reported as a no-show today." in now.text
    assert re.search(r"\b0\b", now.text) is None
