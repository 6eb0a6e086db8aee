"""Participant numbers sort as people count them (2 before 10) in invites, the export and
/lowcount."""

import io

from openpyxl import load_workbook

import builders
from store.db import session_scope
from store.export import export_data
from store.manual_matching import low_counts
from store.models import Role
from store.participants import everyone, natural_sorted
from views.export_workbook import workbook

NUMBERS = ["10", "2", "1", "B10", "B2", "S-3", "S-12"]


def test_numbers_sort_naturally():
    assert natural_sorted(NUMBERS) == ["1", "2", "10", "B2", "B10", "S-3", "S-12"]


def test_invites_export_and_low_counts_list_participants_in_number_order(engine):
    with session_scope(engine) as session:
        builders.event(session)
        for code in ("10", "2", "1"):
            builders.participant(session, code, Role.seller)
    with session_scope(engine) as session:
        assert [p.code for p in everyone(session)] == ["1", "2", "10"]
        assert [c.participant.code for c in low_counts(session)] == ["1", "2", "10"]
        book = load_workbook(io.BytesIO(workbook(export_data(session), "ko")))
    roster = book.worksheets[1]
    assert [row[0] for row in roster.iter_rows(min_row=2, values_only=True)] == ["1", "2", "10"]
