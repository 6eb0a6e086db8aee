"""The event's matching mode: its setting, both modes' figures, and storing the chosen one."""

import json

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

import builders
from builders import DEADLINE, NOW
from store.db import alembic_config, make_engine, session_scope
from store.errors import EventConfigError
from store.event import get_event, parse_config, setup_event
from store.matching_run import (
    ApplicationsOpen,
    close_at_deadline,
    run_matching,
    set_match_mode,
)
from store.models import AuditLog, MatchMode, Meeting, Phase, Tier

ADMIN = 9000
# builders.fair(3, 3, daily_cap=1): nine candidate pairs, one meeting a day over two days each.
GREEDY = {"fixed": 0, "mutual": 1, "buyer": 0, "seller": 4}
OPTIMAL = {"fixed": 0, "mutual": 1, "buyer": 0, "seller": 5}


def stored_tiers(engine):
    with session_scope(engine) as session:
        tiers = [m.tier.value for m in session.exec(select(Meeting)).all()]
    return {tier.value: tiers.count(tier.value) for tier in Tier}


def test_the_event_file_sets_the_mode_and_time_limit_and_refuses_bad_ones(engine):
    assert parse_config(builders.EVENT_FILE).match_mode == MatchMode.greedy
    assert parse_config(builders.EVENT_FILE).match_time_limit == 30
    config = parse_config(builders.EVENT_FILE | {"match_mode": "optimal", "match_time_limit": 90})
    with session_scope(engine) as session:
        setup_event(session, config)
    with session_scope(engine) as session:
        event = get_event(session)
        assert (event.match_mode, event.match_time_limit) == (MatchMode.optimal, 90)
    for change, reason in (
        ({"match_mode": "fastest"}, "unknown_mode"),
        ({"match_mode": "Optimal"}, "unknown_mode"),
        ({"match_time_limit": 0}, "bad_time_limit"),
        ({"match_time_limit": 601}, "bad_time_limit"),
        ({"match_time_limit": "thirty"}, "bad_time_limit"),
        ({"match_time_limit": "30"}, "quoted_number"),  # TOML's text: say so
        ({"match_time_limit": True}, "bad_time_limit"),
    ):
        with pytest.raises(EventConfigError) as error:
            parse_config(builders.EVENT_FILE | change)
        assert error.value.values["reason"] == reason, change


def test_a_greedy_run_carries_the_optimal_figures_side_by_side(engine, small_fair):
    with session_scope(engine) as session:
        summary = run_matching(session, DEADLINE, ADMIN)
    assert summary.mode == MatchMode.greedy and summary.meetings == GREEDY
    comparison = summary.comparison
    assert comparison.greedy.meetings == GREEDY and comparison.optimal.meetings == OPTIMAL
    assert comparison.bound == {"mutual": 1, "buyer": 0, "seller": 5}
    assert comparison.ratio == {"mutual": 1.0, "buyer": 1.0, "seller": 1.0}
    assert comparison.time_limit == 30
    assert comparison.greedy.idle_periods >= comparison.optimal.idle_periods >= 0
    assert comparison.greedy.seconds >= 0 and comparison.optimal.seconds >= 0
    assert stored_tiers(engine) == GREEDY


def test_match_optimal_stores_the_optimal_schedule_and_says_so_in_the_audit_log(engine, small_fair):
    with session_scope(engine) as session, pytest.raises(ApplicationsOpen):
        run_matching(session, NOW, ADMIN, mode=MatchMode.optimal)
    with session_scope(engine) as session:
        preview = run_matching(session, NOW, ADMIN, dry=True, mode=MatchMode.optimal)
    assert preview.mode == MatchMode.optimal and preview.meetings == OPTIMAL
    assert not preview.stored and stored_tiers(engine)["seller"] == 0
    with session_scope(engine) as session:
        summary = run_matching(session, DEADLINE, ADMIN, mode=MatchMode.optimal)
    assert summary.stored and summary.meetings == OPTIMAL and summary.added == 6
    assert summary.event_mode == MatchMode.greedy  # a one-off: the event's mode is unchanged
    assert stored_tiers(engine) == OPTIMAL
    with session_scope(engine) as session:
        again = run_matching(session, DEADLINE, ADMIN, mode=MatchMode.optimal)
        [first, second] = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
    assert again.added == again.removed == 0
    assert json.loads(first.detail)["mode"] == "optimal" and second.action == "match"


def test_the_deadline_runs_the_events_mode(engine, small_fair):
    with session_scope(engine) as session:
        event = set_match_mode(session, ADMIN, MatchMode.optimal, 5)
        assert (event.match_mode, event.match_time_limit) == (MatchMode.optimal, 5)
    with session_scope(engine) as session:
        summary = close_at_deadline(session, DEADLINE)
    assert summary is not None and summary.mode == MatchMode.optimal
    assert summary.comparison.time_limit == 5
    assert stored_tiers(engine) == OPTIMAL
    with session_scope(engine) as session:
        assert get_event(session).phase == Phase.matched
        # a plain /match afterwards keeps to the event's mode
        assert run_matching(session, DEADLINE, ADMIN).mode == MatchMode.optimal


def test_an_event_from_before_the_modes_gets_greedy_and_30_seconds(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO event (name, timezone, deadline, daily_cap, phase, reminder_minutes,"
                " matching_runs, announce_round, announce_reported)"
                " VALUES ('Old fair', 'Asia/Seoul', '2024-06-10 09:00:00', 8, 'open', 10, 0, 0, 0)"
            )
        )
    command.upgrade(alembic_config(engine), "head")
    with session_scope(engine) as session:
        event = get_event(session)
        assert (event.match_mode, event.match_time_limit) == (MatchMode.greedy, 30)
    engine.dispose()
