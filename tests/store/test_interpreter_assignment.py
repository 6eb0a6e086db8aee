"""Interpreters in the store: the meetings that need one, an assignment kept across changes,
an interpreter's ❌, and the organizers' coverage report."""

from datetime import timedelta

import pytest
from sqlmodel import select

import builders
from builders import NOW
from matching.interpreters import Gap
from store.db import session_scope
from store.event import parse_config, setup_event
from store.interpreters import decline, digest, needs, reassign, report, schedule
from store.models import Attendance, Interpreter, InterpreterAssignment, Meeting
from store.participants import new_invite_token


def interpreter(session, code: str, languages: str, **fields) -> Interpreter:
    person = Interpreter(
        code=code,
        name=f"통역 {code}",
        languages=languages,
        invite_token=new_invite_token(),
        **fields,
    )
    session.add(person)
    session.flush()
    return person


@pytest.fixture
def fair(engine):
    """B1 (Japanese) meets S1 and S2, B2 (Chinese, online) meets S3, B3 (no interpreter) meets
    S4; interpreters I1 (ja), I2 (ja, zh) and I3 (zh, online)."""
    with session_scope(engine) as session:
        builders.event(session)
        p = {
            "B1": builders.participant(session, "B1", interpreter_language="ja"),
            "B2": builders.participant(
                session, "B2", interpreter_language="zh", attendance=Attendance.online
            ),
            "B3": builders.participant(session, "B3"),
            **{code: builders.participant(session, code) for code in ("S1", "S2", "S3", "S4")},
        }
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.meeting(session, p["B1"], p["S2"], "D1-0930")
        builders.meeting(session, p["B2"], p["S3"], "D1-0900")
        builders.meeting(session, p["B3"], p["S4"], "D1-0900")
        people = {
            "I1": interpreter(session, "I1", "ja"),
            "I2": interpreter(session, "I2", "ja,zh"),
            "I3": interpreter(session, "I3", "zh", attendance=Attendance.online),
        }
        ids = {code: row.id for code, row in {**p, **people}.items()}
    return ids


def stored(session) -> dict[tuple[int, int], int]:
    return {
        (a.buyer_id, a.seller_id): a.interpreter_id
        for a in session.exec(select(InterpreterAssignment)).all()
    }


def test_only_meetings_with_a_side_that_needs_one_are_covered(engine, fair):
    with session_scope(engine) as session:
        wanted = {(n.meeting, n.language, n.booth) for n in needs(session)}
        changes = reassign(session, NOW)
        assignment = stored(session)
    b1, b2 = fair["B1"], fair["B2"]
    assert wanted == {
        (f"{b1}:{fair['S1']}", "ja", "T-B1"),
        (f"{b1}:{fair['S2']}", "ja", "T-B1"),
        (f"{b2}:{fair['S3']}", "zh", None),  # online: no booth
    }
    # I1 stays at B1's booth for both slots; the online meeting takes the online interpreter.
    assert assignment == {
        (b1, fair["S1"]): fair["I1"],
        (b1, fair["S2"]): fair["I1"],
        (b2, fair["S3"]): fair["I3"],
    }
    assert changes.covered == 3 and changes.moves == 0 and not changes.gaps
    assert set(changes.gained) == set(assignment) and not changes.lost


def test_a_change_to_the_schedule_moves_only_whom_it_must(engine, fair):
    with session_scope(engine) as session:
        reassign(session, NOW)
        # B1's second meeting moves to 09:00 of day 2; nothing else changed.
        moved = session.exec(select(Meeting).where(Meeting.seller_id == fair["S2"])).one()
        moved.slot_id += 5
        session.add(moved)
        session.flush()
        changes = reassign(session, NOW)
    assert changes.gained == {} and changes.lost == {}


def test_an_interpreters_no_goes_to_the_next_who_speaks_it(engine, fair):
    with session_scope(engine) as session:
        reassign(session, NOW)
        changes = decline(session, fair["I1"], fair["B1"], fair["S2"], NOW + timedelta(hours=1))
        assignment = stored(session)
    pair = (fair["B1"], fair["S2"])
    assert changes.lost == {pair: fair["I1"]} and changes.gained == {pair: fair["I2"]}
    assert assignment[pair] == fair["I2"]
    assert assignment[(fair["B1"], fair["S1"])] == fair["I1"]


def test_the_report_counts_per_language_and_day_and_names_the_gaps(engine, fair):
    with session_scope(engine) as session:
        reassign(session, NOW)
        decline(session, fair["I1"], fair["B1"], fair["S1"], NOW)
        decline(session, fair["I2"], fair["B1"], fair["S1"], NOW)
        seen = report(session)
    assert seen.interpreters == 3
    assert [(c.language, c.needed, c.covered, c.short_by) for c in seen.coverage] == [
        ("ja", 2, 1, 1),
        ("zh", 1, 1, 0),
    ]
    [(meeting, gap, language)] = seen.gaps
    assert (meeting.buyer_id, meeting.seller_id, gap, language) == (
        fair["B1"],
        fair["S1"],
        Gap.ALL_BUSY,
        "ja",
    )


def test_a_fair_without_interpreter_needs_costs_nothing(engine):
    with session_scope(engine) as session:
        builders.fair(session)
        assert needs(session) == []
        assert reassign(session, NOW).covered == 0


def test_a_re_assignment_marks_whose_schedule_it_changed_even_with_nobody_moved(engine, fair):
    """The fingerprint each re-assignment writes is the schedule as the interpreter reads it
    (`digest`), so the push job needs to read only those whose fingerprint moved: here B1's
    second meeting moves to another time, its interpreter stays, and only they are marked."""

    def fingerprints(session) -> dict[int, str]:
        return {i.id: i.schedule_fingerprint for i in session.exec(select(Interpreter)).all()}

    with session_scope(engine) as session:
        reassign(session, NOW)
        before = fingerprints(session)
        assert before == {i: digest(schedule(session, i)) for i in before}
        moved = session.exec(select(Meeting).where(Meeting.seller_id == fair["S2"])).one()
        moved.slot_id += 5
        session.add(moved)
        session.flush()
        reassign(session, NOW)
        session.expire_all()
        after = fingerprints(session)
        assert after == {i: digest(schedule(session, i)) for i in after}
    changed = {i for i in before if before[i] != after[i]}
    assert changed == {stored_interpreter(engine, fair["B1"], fair["S2"])}


def stored_interpreter(engine, buyer_id: int, seller_id: int) -> int:
    with session_scope(engine) as session:
        return session.get(InterpreterAssignment, (buyer_id, seller_id)).interpreter_id


def test_a_new_video_setting_has_every_schedule_looked_at_again(engine, fair):
    """The links are in the schedules: after `setup-event` changes them, every interpreter's
    schedule is read once more by the push job (and sent if it differs from the one sent)."""
    with session_scope(engine) as session:
        reassign(session, NOW)
        assert {i.schedule_fingerprint for i in session.exec(select(Interpreter))} != {""}
        setup_event(
            session, parse_config(builders.EVENT_FILE | {"video_link": "https://x.example/{room}"})
        )
        session.expire_all()
        assert {i.schedule_fingerprint for i in session.exec(select(Interpreter))} == {""}
