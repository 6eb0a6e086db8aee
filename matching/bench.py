"""Benchmark: both modes on generated events, with their meetings, idle periods, time and memory.

    bench(sizes: Sequence[str] = ("S", "M", "MR", "L"), repeat: int = 3) -> None   # prints a table

Per size, one row per mode with the meetings per tier and idle periods (runs of free slots
between two meetings of one participant on one day), then the bound that mode optimal computed
and, where the size asks for it, the exact optimum of the whole event as one integer program.
`MR` is size M with restricted hours: each participant is there for one window of 3 to 6 slots.

Each solve runs as its own process, so the figures include interpreter start-up, reading the
instance file and writing the schedule file, as an organizer would see them. Wall time is the
best of `repeat` runs; peak memory is the child's own maximum resident set (from `wait4`, so
one run does not inherit another's peak, measured from a small middle process: see `_MEASURE`).
Each schedule is then audited with `check`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matching
from matching.candidates import candidates
from matching.check import check
from matching.generate import generate
from matching.grid import Grid
from matching.instance_file import dump_instance
from matching.model import CANDIDATE_TIERS, Instance, Schedule
from matching.repair import exact
from matching.schedule_file import load_schedule

EXACT_SECONDS = 600.0


@dataclass(frozen=True)
class Target:
    max_seconds: float | None = None
    max_mib: float | None = None
    of_bound: float | None = None
    """The least share of the bound to reach in every tier."""
    fewer_idle: float | None = None
    """The least cut in idle periods against greedy, as a share of greedy's."""
    of_exact: float | None = None
    """The least share of the exact optimum, in mutual and in all meetings, when it is known;
    else `of_bound` applies."""

    def limits(self) -> list[str]:
        said = []
        if self.max_seconds is not None:
            said.append(f"< {self.max_seconds:g} s")
        if self.max_mib is not None:
            said.append(f"< {self.max_mib:g} MiB")
        if self.of_exact is not None:
            said.append(f"≥ {self.of_exact:.0%} of exact, else of bound")
        elif self.of_bound is not None:
            said.append(f"≥ {self.of_bound:.1%} of bound")
        if self.fewer_idle is not None:
            said.append(f"≥ {self.fewer_idle:.0%} fewer idle")
        return said


@dataclass(frozen=True)
class Size:
    buyers: int
    sellers: int
    days: int
    slots_per_day: int
    requests: int
    window: tuple[int, int] | None = None
    exact: bool = False
    """Whether to compute the exact optimum as a reference (fast only with restricted hours)."""
    targets: dict[str, Target] = field(default_factory=dict)


SIZES = {
    "S": Size(100, 300, 2, 14, 3_000),
    "M": Size(
        1_200,
        3_000,
        2,
        14,
        30_000,
        targets={
            "greedy": Target(max_seconds=1.0),
            "optimal": Target(max_seconds=5.0, max_mib=1024.0, of_bound=0.995, fewer_idle=0.15),
        },
    ),
    "MR": Size(
        1_200,
        3_000,
        2,
        14,
        30_000,
        window=(3, 6),
        exact=True,
        targets={"optimal": Target(of_exact=0.99, of_bound=0.99)},
    ),
    "L": Size(
        10_000,
        30_000,
        3,
        14,
        270_000,
        targets={
            "greedy": Target(max_seconds=5.0, max_mib=1024.0),
            "optimal": Target(max_seconds=30.0, max_mib=1024.0),
        },
    ),
}
MODES = ("greedy", "optimal")
SEED = 2023

# Runs the solve and reports its wall time and peak memory. Linux counts in a child's peak the
# memory of the process it was forked from, so the solve must not be forked from this one,
# which holds the generated events: this small middle process forks it instead.
_MEASURE = """
import os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - started
cpu = usage.ru_utime + usage.ru_stime
sys.exit(status) if os.waitstatus_to_exitcode(status) else print(wall, usage.ru_maxrss, cpu)
"""


def bench(sizes: Sequence[str] = tuple(SIZES), repeat: int = 3) -> None:
    tiers = " ".join(f"{tier.value:>7}" for tier in CANDIDATE_TIERS)
    print(
        f"{'size':<4} {'buyers':>7} {'sellers':>7} {'slots':>5} {'requests':>8} {'row':<8} "
        f"{tiers} {'idle':>6} {'wall s':>7} {'cpu s':>6} {'peak MiB':>8} {'load':>4}  target"
    )
    with tempfile.TemporaryDirectory(prefix="matching-bench-") as work:
        for name in sizes:
            size = SIZES[name]
            instance = generate(
                size.buyers,
                size.sellers,
                size.days,
                size.slots_per_day,
                SEED,
                size.requests,
                size.window,
            )
            instance_path = Path(work, f"{name}.instance.json")
            instance_path.write_text(dump_instance(instance), encoding="utf-8")
            lead = (
                f"{name:<4} {size.buyers:>7,} {size.sellers:>7,} {len(instance.slots):>5} "
                f"{len(instance.requests):>8,}"
            )
            _Rows(name, size, instance, instance_path, lead).print(repeat)


class _Rows:
    """The rows of one size: each mode, the bound, and the exact optimum where asked."""

    def __init__(self, name: str, size: Size, instance: Instance, path: Path, lead: str) -> None:
        self.name, self.size, self.instance, self.path, self.lead = name, size, instance, path, lead

    def print(self, repeat: int) -> None:
        runs = {mode: self.run(mode, repeat) for mode in MODES}
        optimal = runs["optimal"][0]
        idle = {
            "greedy": optimal.details["idle_periods"]["greedy"],
            "optimal": optimal.details["idle_periods"]["polished"],
        }
        bound = tuple(optimal.details["bound"][tier] for tier in CANDIDATE_TIERS)
        optimum = self.exact() if self.size.exact else None
        for mode, (schedule, seconds, cpu, mib, load) in runs.items():
            counts = _counts(schedule)
            problems = check(self.instance, schedule)
            failures = [f"check found {len(problems)} problems"] if problems else []
            target = self.size.targets.get(mode, Target())
            failures += _missed(target, seconds, mib, counts, bound, optimum, idle)
            verdict = "MISSED: " + ", ".join(failures) if failures else _ok(target)
            figures = f"{seconds:>7.2f} {cpu:>6.2f} {mib:>8.1f} {load:>4.1f}"
            self.row(mode, counts, idle[mode], f"{figures}  {verdict}")
        self.row("bound", bound)
        if optimum is not None:
            counts, proven, seconds = optimum
            how = "integer program, proven" if proven else "integer program, best found"
            self.row("exact", counts, None, f"{seconds:>7.2f} {'':>6} {'':>8} {'':>4}  {how}")

    def run(self, mode: str, repeat: int) -> tuple[Schedule, float, float, float, float]:
        """The schedule of `repeat` solves, their best wall time and its CPU time, their
        highest peak, and the machine's load average (the last minute's) after them."""
        schedule_path = self.path.with_name(f"{self.name}.{mode}.json")
        runs = [_solve(self.path, schedule_path, mode) for _ in range(repeat)]
        seconds, _, cpu = min(runs)
        peak = max(peak for _, peak, _ in runs)
        return load_schedule(schedule_path), seconds, cpu, peak, os.getloadavg()[0]

    def row(
        self, label: str, counts: tuple[int, ...], idle: int | None = None, rest: str = ""
    ) -> None:
        tiers = " ".join(f"{count:>7,}" for count in counts)
        idle_text = f"{idle:>6,}" if idle is not None else " " * 6
        print(f"{self.lead} {label:<8} {tiers} {idle_text} {rest}".rstrip(), flush=True)

    def exact(self) -> tuple[tuple[int, ...], bool, float]:
        started = time.perf_counter()
        pairs = candidates(self.instance)
        meetings, proven = exact(Grid(self.instance), pairs, started + EXACT_SECONDS)
        counts = tuple(sum(pairs[i].tier is tier for i in meetings) for tier in CANDIDATE_TIERS)
        return counts, proven, time.perf_counter() - started


def _counts(schedule: Schedule) -> tuple[int, ...]:
    return tuple(sum(m.tier is tier for m in schedule.meetings) for tier in CANDIDATE_TIERS)


def _solve(instance_path: Path, schedule_path: Path, mode: str) -> tuple[float, float, float]:
    """Run one solve in a child process; return its wall seconds, peak MiB and CPU seconds."""
    solve = [
        sys.executable,
        "-m",
        "matching",
        "solve",
        str(instance_path),
        "--mode",
        mode,
        "-o",
        str(schedule_path),
    ]
    env = dict(os.environ)
    # the child must import this very package, installed or not
    package_parent = str(Path(matching.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (package_parent, env.get("PYTHONPATH"))))
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *solve],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(solve)} failed: {done.stderr.strip()}")
    wall, max_rss_kib, cpu = done.stdout.split()
    return float(wall), int(max_rss_kib) / 1024, float(cpu)


def _missed(
    target: Target,
    seconds: float,
    mib: float,
    counts: tuple[int, ...],
    bound: tuple[int, ...],
    optimum: tuple[tuple[int, ...], bool, float] | None,
    idle: dict[str, int],
) -> list[str]:
    failures = []
    if target.max_seconds is not None and seconds >= target.max_seconds:
        failures.append(f"over {target.max_seconds:g} s")
    if target.max_mib is not None and mib >= target.max_mib:
        failures.append(f"over {target.max_mib:g} MiB")
    if target.of_exact is not None and optimum is not None and optimum[1]:
        best = optimum[0]
        if counts[0] < target.of_exact * best[0] or sum(counts) < target.of_exact * sum(best):
            failures.append(f"under {target.of_exact:.0%} of exact")
    elif target.of_bound is not None and any(
        count < target.of_bound * most for count, most in zip(counts, bound, strict=True)
    ):
        failures.append(f"under {target.of_bound:.1%} of bound")
    if target.fewer_idle is not None and idle["optimal"] > (1 - target.fewer_idle) * idle["greedy"]:
        failures.append(f"under {target.fewer_idle:.0%} fewer idle periods")
    return failures


def _ok(target: Target) -> str:
    limits = target.limits()
    return "ok" + (f" ({', '.join(limits)})" if limits else "")
