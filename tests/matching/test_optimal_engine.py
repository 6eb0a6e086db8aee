"""The optimal mode's engine on HiGHS: the bound against CP-SAT, the repair's shortcuts, and
nothing but the schedule on standard output."""

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from matching_cases import events

from matching import dump_instance, generate, parse_instance, parse_schedule, solve
from matching.candidates import Candidate, candidates
from matching.grid import Grid
from matching.model import CANDIDATE_TIERS
from matching.relaxation import relax
from matching.repair import exact
from matching.timetable import Timetable

SMALL = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def lexicographic_b_matching(grid: Grid, pairs: list[Candidate]) -> tuple[int, ...]:
    """CP-SAT on the relaxation's own model: pairs sharing an open slot, each participant at
    most its capacity; most mutual, then buyer, then seller meetings."""
    # Imported here: OR-Tools takes half a second to load, in every test worker that collects
    # this file (`scripts/test --fast` too, which runs none of the tests that use it).
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    chosen: dict[int, cp_model.IntVar] = {}
    per_side: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for i, c in enumerate(pairs):
        if grid.open_slots(c.buyer) & grid.open_slots(c.seller):
            chosen[i] = x = model.new_bool_var(str(i))
            per_side[c.buyer].append(x)
            per_side[c.seller].append(x)
    for side, group in per_side.items():
        model.add(sum(group) <= grid.capacity(side))
    best = []
    for tier in CANDIDATE_TIERS:
        mine = [x for i, x in chosen.items() if pairs[i].tier is tier]
        model.maximize(sum(mine))
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        assert solver.solve(model) == cp_model.OPTIMAL
        best.append(round(solver.objective_value))
        model.add(sum(mine) >= best[-1])
    return tuple(best)


@pytest.mark.slow
@SMALL
@given(events())
def test_the_bound_is_the_lexicographic_b_matching_cp_sat_finds(doc: dict[str, Any]) -> None:
    instance = parse_instance(doc)
    grid, pairs = Grid(instance), candidates(instance)
    relaxation = relax(grid, pairs)
    bound = tuple(relaxation.bound[tier] for tier in CANDIDATE_TIERS)
    assert bound == lexicographic_b_matching(grid, pairs)
    # the chosen pairs reach the bound and respect every capacity
    chosen = [pairs[i] for i in relaxation.chosen]
    assert tuple(sum(c.tier is t for c in chosen) for t in CANDIDATE_TIERS) == bound
    load: dict[str, int] = defaultdict(int)
    for c in chosen:
        load[c.buyer] += 1
        load[c.seller] += 1
    assert all(count <= grid.capacity(side) for side, count in load.items())


def restricted_event() -> Any:
    return generate(40, 100, 2, 8, seed=4, requests=900, window=(2, 5), fixed=6, rank_levels=2)


def test_the_exact_program_proves_its_counts_without_time_for_the_order() -> None:
    instance = restricted_event()
    grid, pairs = Grid(instance), candidates(instance)
    meetings, proven = exact(grid, pairs, deadline=float("inf"))
    assert proven
    table = Timetable(grid)
    for i, slot in meetings.items():
        table.put(pairs[i].buyer, pairs[i].seller, slot)  # raises on a broken rule
    counts = tuple(sum(pairs[i].tier is t for i in meetings) for t in CANDIDATE_TIERS)
    bound = relax(grid, pairs).bound
    assert all(c <= bound[t] for c, t in zip(counts, CANDIDATE_TIERS, strict=True))
    # the optimal mode, which repairs this event, reaches at least greedy and passes check
    schedule = solve(instance, mode="optimal")
    greedy = solve(instance)
    assert [sum(m.tier is t for m in schedule.meetings) for t in CANDIDATE_TIERS] >= [
        sum(m.tier is t for m in greedy.meetings) for t in CANDIDATE_TIERS
    ]


def test_a_tiny_time_limit_still_gives_a_schedule_no_worse_than_greedy() -> None:
    instance = restricted_event()
    schedule = solve(instance, mode="optimal", time_limit=0.05)
    greedy = solve(instance)
    assert [sum(m.tier is t for m in schedule.meetings) for t in CANDIDATE_TIERS] >= [
        sum(m.tier is t for m in greedy.meetings) for t in CANDIDATE_TIERS
    ]


@pytest.mark.processes
def test_solve_to_standard_output_prints_only_the_schedule(tmp_path: Path) -> None:
    # HiGHS prints a banner on the process's standard output unless kept quiet
    instance_path = tmp_path / "event.json"
    instance_path.write_text(dump_instance(restricted_event()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "matching", "solve", str(instance_path), "--mode", "optimal"],
        capture_output=True,
        text=True,
        check=True,
    )
    schedule = parse_schedule(json.loads(done.stdout))
    assert schedule.mode == "optimal"
    assert schedule.details["meetings_from"] in {"optimizer", "greedy"}
