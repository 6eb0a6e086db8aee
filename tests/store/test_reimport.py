"""A re-import never loses data: columns the file lacks leave stored values alone, a value a
participant changed in the bot is kept (a conflict) unless the organizer prefers the file's,
nobody is deleted, and a dry run predicts the import exactly while writing nothing."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlmodel import Session, delete, select

import builders
from bot.import_report import report_lines
from store.db import session_scope
from store.importer import Change, Conflict, import_participants
from store.models import AuditLog, ImportedValue, Participant
from store.participants import update_field
from store.withdrawal import withdraw
from views.vocabulary import vocabulary

HEADER = ["id", "role", "company", "country", "industry", "contact_name", "email", "phone", "booth"]
ROWS = [
    ["B1", "buyer", "Acme", "US", "cosmetics", "Ann Lee", "ann@acme.com", "+1 212 555 0100", "T-1"],
    ["B2", "buyer", "Beta", "VN", "food", "Binh", "binh@beta.vn", "+84 912 345 678", "T-2"],
    ["S1", "seller", "한빛", "KR", "cosmetics", "김민지", "kim@hanbit.kr", "010-1234-5678", ""],
    ["S2", "seller", "가나식품", "KR", "food", "이수", "lee@gana.kr", "010-2222-3333", ""],
]
OPTIONAL = HEADER[5:]
EDITABLE = ("company", "contact_name", "email", "phone")


def write(path, rows, header=HEADER):
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def state(session: Session) -> dict[str, dict]:
    """Everything an import may write: the participants and what imports remembered."""
    people = {p.code: p.model_dump(exclude={"id"}) for p in session.exec(select(Participant))}
    remembered = sorted(
        (v.participant_id, v.field, v.value) for v in session.exec(select(ImportedValue))
    )
    audits = [
        a.detail
        for a in session.exec(
            select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id)
        )
    ]
    return {"people": people, "remembered": remembered, "audits": audits}


@pytest.fixture
def event(engine):
    with session_scope(engine) as session:
        builders.event(session)


def stored(engine, code):
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == code)).one()


def test_a_column_the_file_lacks_leaves_stored_values_alone(engine, event, tmp_path):
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary())
    # the e-mail header mistyped (이메알) and the phone column gone
    header = [*HEADER[:6], "이메알", "booth"]
    rows = [[*row[:6], "typo@x.com", row[8]] for row in ROWS]
    with session_scope(engine) as session:
        result = import_participants(
            session, write(tmp_path / "b.xlsx", rows, header), vocabulary()
        )
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert {"email", "phone"} <= set(result.untouched)
    assert result.ignored == ("이메알",)
    assert (stored(engine, "B1").email, stored(engine, "B1").phone) == (
        "ann@acme.com",
        "+1 212 555 0100",
    )


def test_a_participants_own_edit_is_kept_and_reported(engine, event, tmp_path):
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary())
        s1 = session.exec(select(Participant).where(Participant.code == "S1")).one()
        s1.telegram_id = 2001
        update_field(session, s1.id, "phone", "010-9999-0000", vocabulary())
    older = [row.copy() for row in ROWS]
    older[0][2] = "Acme Global"  # the organizer's own change: taken
    path = write(tmp_path / "b.xlsx", older)
    with session_scope(engine) as session:
        result = import_participants(session, path, vocabulary())
    assert result.conflicts == (Conflict("S1", "phone", "010-9999-0000", "010-1234-5678"),)
    assert result.changes == (Change("B1", "company", "Acme", "Acme Global"),)
    assert stored(engine, "S1").phone == "010-9999-0000"
    assert stored(engine, "B1").company == "Acme Global"
    # the same conflict again next time, until the organizer decides
    with session_scope(engine) as session:
        assert (
            import_participants(session, path, vocabulary(), dry=True).conflicts == result.conflicts
        )
    with session_scope(engine) as session:
        preferred = import_participants(session, path, vocabulary(), prefer_file=True)
    assert preferred.prefer_file and preferred.conflicts == result.conflicts
    assert stored(engine, "S1").phone == "010-1234-5678"
    with session_scope(engine) as session:
        assert import_participants(session, path, vocabulary()).conflicts == ()


def test_a_joined_participant_imported_before_imports_remembered_counts_as_their_own(
    engine, event, tmp_path
):
    with session_scope(engine) as session:
        builders.participant(session, "S1", telegram_id=2001, phone="010-5555-6666")
    with session_scope(engine) as session:
        result = import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary())
    assert Conflict("S1", "phone", "010-5555-6666", "010-1234-5678") in result.conflicts
    assert stored(engine, "S1").phone == "010-5555-6666"


def test_participants_no_longer_in_the_file_are_listed_never_deleted(engine, event, tmp_path):
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary())
    with session_scope(engine) as session:
        result = import_participants(session, write(tmp_path / "b.xlsx", ROWS[1:3]), vocabulary())
    assert result.absent == ("B1", "S2")
    assert stored(engine, "B1").company == "Acme"


def test_a_withdrawn_participant_the_file_changes_is_named_with_what_to_do(engine, event, tmp_path):
    """The preview and the import both say so, and how to let them in again; they stay
    withdrawn."""
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary())
        withdraw(session, 0, "B2", "cancelled", builders.NOW)
    with session_scope(engine) as session:  # unchanged in the file: nothing to say
        assert import_participants(session, tmp_path / "a.xlsx", vocabulary()).withdrawn == ()
    changed = [row.copy() for row in ROWS]
    changed[1][2] = "Beta Group"
    path = write(tmp_path / "b.xlsx", changed)
    for dry in (True, False):
        with session_scope(engine) as session:
            result = import_participants(session, path, vocabulary(), dry=dry)
        assert result.withdrawn == ("B2",)
        said = [line for line in report_lines("ko", result) if "참가를 취소한 업체" in line]
        assert len(said) == 1 and "B2" in said[0] and "/restore" in said[0], said
    assert (stored(engine, "B2").company, stored(engine, "B2").active) == ("Beta Group", False)
    with session_scope(engine) as session:
        audited = session.exec(
            select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id)
        ).all()
    assert json.loads(audited[-1].detail)["withdrawn"] == ["B2"]


def test_every_import_writes_an_audit_line_with_its_counts(engine, event, tmp_path):
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary(), admin_id=0)
    with session_scope(engine) as session:
        import_participants(session, write(tmp_path / "a.xlsx", ROWS), vocabulary(), dry=True)
    with session_scope(engine) as session:
        lines = session.exec(
            select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id)
        ).all()
    assert len(lines) == 1
    detail = json.loads(lines[0].detail)
    assert (detail["file"], detail["new"], detail["updated"], detail["conflicts"]) == (
        "a.xlsx",
        4,
        0,
        0,
    )


# Re-import properties: random columns left out or misspelled, random cells changed, random
# edits in the bot in between.
column_choice = st.sampled_from(OPTIONAL)
edits = st.lists(
    st.tuples(st.sampled_from([r[0] for r in ROWS]), st.sampled_from(EDITABLE), st.integers(0, 3)),
    max_size=5,
)
cells = st.lists(
    st.tuples(st.integers(0, len(ROWS) - 1), st.sampled_from(EDITABLE[1:]), st.integers(0, 3)),
    max_size=5,
)


def _value(field: str, n: int) -> str:
    return {
        "company": f"Company {n}",
        "contact_name": f"Person {n}",
        "email": f"p{n}@example.com",
        "phone": f"010-1000-000{n}",
    }[field]


@pytest.mark.slow
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    left_out=st.sets(column_choice),
    misspelled=st.sets(column_choice),
    edits=edits,
    changed_cells=cells,
    prefer_file=st.booleans(),
)
def test_reimport_properties(
    engine, event, tmp_path, left_out, misspelled, edits, changed_cells, prefer_file
):
    with session_scope(engine) as session:
        for table in (ImportedValue, AuditLog, Participant):
            session.exec(delete(table))
    first = tmp_path / "first.xlsx"  # hypothesis's examples share tmp_path: written once
    if not first.exists():
        write(first, ROWS)
    with session_scope(engine) as session:
        import_participants(session, first, vocabulary())
    bot_edits: dict[tuple[str, str], str] = {}
    with session_scope(engine) as session:
        for code, field, n in edits:
            person = session.exec(select(Participant).where(Participant.code == code)).one()
            person.telegram_id = 5000 + ROWS.index(next(r for r in ROWS if r[0] == code))
            value = _value(field, n)
            update_field(session, person.id, field, value, vocabulary())
            bot_edits[(code, field)] = value
    rows = [row.copy() for row in ROWS]
    for index, field, n in changed_cells:
        rows[index][HEADER.index(field)] = _value(field, n)
    header = [f"{title}x" if title in misspelled else title for title in HEADER]
    kept = [i for i, title in enumerate(HEADER) if title not in left_out]
    path = write(
        tmp_path / "second.xlsx", [[r[i] for i in kept] for r in rows], [header[i] for i in kept]
    )
    with session_scope(engine) as session:
        before = state(session)
    with session_scope(engine) as session:
        predicted = import_participants(
            session, path, vocabulary(), dry=True, prefer_file=prefer_file
        )
    with session_scope(engine) as session:
        assert state(session) == before  # the dry run wrote nothing
    with session_scope(engine) as session:
        done = import_participants(session, path, vocabulary(), prefer_file=prefer_file)
    assert dataclasses.replace(predicted, dry=False) == done
    with session_scope(engine) as session:
        after = state(session)
    absent = left_out | misspelled
    for code, person in after["people"].items():
        for field in absent:
            assert person[field] == before["people"][code][field], (code, field)
    for (code, field), value in bot_edits.items():
        file_value = rows[[r[0] for r in rows].index(code)][HEADER.index(field)]
        if field in absent or prefer_file:
            expected = value if field in absent else file_value
        else:
            expected = value
        assert after["people"][code][field] == expected, (code, field)
        if field not in absent and value != file_value:
            assert Conflict(code, field, value, file_value) in done.conflicts
    # what the result says changed is exactly what changed
    changed = {
        (code, field)
        for code, person in after["people"].items()
        for field, value in person.items()
        if value != before["people"][code][field]
    }
    assert changed == {(c.code, c.field) for c in done.changes}
