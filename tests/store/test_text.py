"""The one text cleaner (store/text.py) and the fields that use it, with arbitrary Unicode."""

import contextlib
import csv
import io
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlmodel import select

import builders
from builders import NOW
from store.applications import QUESTIONS, check_answer
from store.db import session_scope
from store.errors import ImportFailed, InvalidValue
from store.export import export_data
from store.fields import PROFILE_FIELDS, clean
from store.importer import import_participants
from store.models import MeetingRequest, Participant
from store.participants import update_field
from store.requests import send_request
from store.search import clean_keyword
from store.sheets import append_row, csv_row
from store.text import TERMINAL_SEQUENCE, clean_text, is_removed
from views.export_workbook import workbook
from views.vocabulary import vocabulary

FUZZ = settings(max_examples=200, deadline=None)
# Through the database and a workbook each example takes a while.
DB_FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Anything Telegram or a spreadsheet could carry, control and format characters included.
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)


def visible(text: str) -> Counter:
    """The characters that must survive cleaning, whatever their order after normalizing."""
    return Counter(
        c
        for c in unicodedata.normalize("NFD", TERMINAL_SEQUENCE.sub("", text))
        if not c.isspace() and not is_removed(c)
    )


def assert_cleaned(typed: str, stored: str, multiline: bool) -> bool:
    assert visible(stored) == visible(typed)  # the text as typed, minus what was removed
    assert unicodedata.is_normalized("NFC", stored)
    assert not any(is_removed(c) for c in stored if c != "\n")
    assert "\r" not in stored and "\t" not in stored
    assert multiline or "\n" not in stored
    assert stored == stored.strip()
    return True


@pytest.mark.parametrize(
    ("typed", "single", "multi"),
    [
        ("Acme\x00 Corp\x07\x1b[31m", "Acme Corp", "Acme Corp"),
        ("라라\x1b[1;31m푸드\x1b[0m\x1b]0;title\x07", "라라푸드", "라라푸드"),
        ("  한빛\u200b화장품 \u3164", "한빛화장품", "한빛화장품"),
        ("\u1112\u1161\u11ab", "한", "한"),  # jamo typed one by one: one syllable
        ("one\r\ntwo\u2028three\tfour", "one two three four", "one\ntwo\nthree four"),
        ("\ufeffbom\u202eevil\u2066", "bomevil", "bomevil"),
        ("\ufffe\U0010ffff\ufdd0x", "x", "x"),
    ],
)
def test_examples(typed, single, multi):
    assert clean_text(typed) == single
    assert clean_text(typed, multiline=True) == multi


@pytest.mark.parametrize(
    "blank", ["", "   ", "\u200b", "\u3164\u3164", "\u115f\u1160\uffa0", "\x00"]
)
def test_required_fields_refuse_blank_looking_text_naming_the_field(blank):
    with pytest.raises(InvalidValue) as error:
        clean("country", blank)
    assert error.value.values == {"field": "country", "reason": "required"}


@FUZZ
@given(typed=ANY_TEXT)
def test_every_profile_field_stores_clean_text_or_refuses(typed):
    for field, rule in PROFILE_FIELDS.items():
        try:
            stored = clean(field, typed)
        except InvalidValue as error:
            assert error.values["field"] == field
            continue
        assert_cleaned(typed, stored, rule.multiline)


@FUZZ
@given(typed=ANY_TEXT)
def test_application_answers_and_keywords_are_cleaned(typed):
    for role, fields in QUESTIONS.items():
        for field in fields:
            with contextlib.suppress(InvalidValue):
                answer = check_answer(role, field, typed, vocabulary())
                skipped = answer == "" and clean_text(typed) == "-"  # the form's "none"
                assert skipped or assert_cleaned(typed, answer, PROFILE_FIELDS[field].multiline)
    with contextlib.suppress(InvalidValue):
        assert_cleaned(typed, clean_keyword(typed), multiline=False)


@pytest.fixture
def fair(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1")
        seller = builders.participant(session, "S1")
        return buyer.id, seller.id


def exported_texts(engine) -> set[object]:
    with session_scope(engine) as session:
        data = workbook(export_data(session), "en")
    book = load_workbook(io.BytesIO(data), read_only=True)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    return {c.value for c in cells}


@pytest.mark.slow
@DB_FUZZ
@given(company=ANY_TEXT, note=ANY_TEXT)
def test_typed_text_reaches_the_workbook_as_stored(engine, fair, company, note):
    buyer, seller = fair
    with session_scope(engine) as session:
        for request in session.exec(select(MeetingRequest)).all():
            session.delete(request)
    try:
        with session_scope(engine) as session:
            update_field(session, buyer, "company", company, vocabulary())
    except InvalidValue:
        pass
    try:
        with session_scope(engine) as session:
            send_request(session, buyer, seller, NOW, note)
    except InvalidValue:
        pass
    with session_scope(engine) as session:
        stored = session.get(Participant, buyer).company
        sent = session.exec(select(MeetingRequest)).first()
    texts = exported_texts(engine)
    assert stored in texts
    if sent is not None:
        assert_cleaned(note, sent.note, multiline=True)
        assert (sent.note or None) in texts


@DB_FUZZ
@given(company=ANY_TEXT.filter(lambda s: "\x00" not in s), as_csv=st.booleans())
def test_imported_text_reaches_the_workbook_cleaned(engine, fair, tmp_path, company, as_csv):
    """A NUL byte marks a binary file (store/sheet_reader.py), and openpyxl cannot write the
    characters Excel's XML refuses, so neither occurs in a file an organizer has."""
    header = ["id", "role", "company", "country", "industry"]
    row = ["B9", "buyer", company, "US", "food"]
    if as_csv:
        path = tmp_path / "people.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, row])
    else:
        path = tmp_path / "people.xlsx"
        book = Workbook()
        append_row(book.active, header)
        append_row(book.active, row)
        book.save(path)
        company = book.active["C2"].value  # as the workbook holds it
    try:
        with session_scope(engine) as session:
            import_participants(session, path, vocabulary())
    except ImportFailed as error:
        assert [(p.column, p.reason) for p in error.problems] in (
            [("company", "required")],
            [("company", "too_long")],
        )
        return
    with session_scope(engine) as session:
        stored = session.exec(select(Participant).where(Participant.code == "B9")).one().company
    assert_cleaned(company, stored, multiline=False)
    assert stored in exported_texts(engine)


@pytest.mark.parametrize("risky", ["=1+2", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_risky_text_is_text_in_workbooks_and_quoted_in_csv(risky):
    book = Workbook()
    append_row(book.active, [risky, "safe", 3, -4])
    saved = io.BytesIO()
    book.save(saved)
    cells = next(load_workbook(saved).active.iter_rows())
    # XML reads a carriage return back as a line feed; the cleaner never stores one anyway.
    assert [c.value for c in cells] == [risky.replace("\r", "\n"), "safe", 3, -4]
    assert [c.data_type for c in cells] == ["s", "s", "n", "n"]
    assert csv_row([risky, "safe", 3, -4]) == [f"'{risky}", "safe", 3, -4]
