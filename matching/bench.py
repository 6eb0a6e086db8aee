"""Benchmark: wall time and peak memory of `python -m matching solve` on generated events.

    bench(sizes: Sequence[str] = ("S", "M", "L"), repeat: int = 3) -> None   # prints a table

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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matching
from matching.check import check
from matching.generate import generate
from matching.instance_file import dump_instance
from matching.schedule_file import load_schedule


@dataclass(frozen=True)
class Size:
    buyers: int
    sellers: int
    days: int
    slots_per_day: int
    requests: int
    max_seconds: float | None = None
    max_mib: float | None = None


SIZES = {
    "S": Size(100, 300, 2, 14, 3_000),
    "M": Size(1_200, 3_000, 2, 14, 30_000, max_seconds=1.0),
    "L": Size(10_000, 30_000, 3, 14, 270_000, max_seconds=10.0, max_mib=1024.0),
}
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
sys.exit(status) if os.waitstatus_to_exitcode(status) else print(wall, usage.ru_maxrss)
"""


def bench(sizes: Sequence[str] = tuple(SIZES), repeat: int = 3) -> None:
    header = (
        f"{'size':<4} {'buyers':>7} {'sellers':>7} {'slots':>5} {'requests':>8} "
        f"{'meetings':>8} {'unsched.':>8} {'wall s':>7} {'peak MiB':>8}  target"
    )
    print(header)
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
            )
            instance_path = Path(work, f"{name}.instance.json")
            schedule_path = Path(work, f"{name}.schedule.json")
            instance_path.write_text(dump_instance(instance), encoding="utf-8")
            runs = [_solve(instance_path, schedule_path) for _ in range(repeat)]
            seconds = min(wall for wall, _ in runs)
            mib = max(peak for _, peak in runs)
            schedule = load_schedule(schedule_path)
            problems = check(instance, schedule)
            print(
                f"{name:<4} {size.buyers:>7,} {size.sellers:>7,} {len(instance.slots):>5} "
                f"{len(instance.requests):>8,} {len(schedule.meetings):>8,} "
                f"{len(schedule.unscheduled):>8,} {seconds:>7.2f} {mib:>8.1f}  "
                f"{_verdict(size, seconds, mib, problems)}",
                flush=True,
            )


def _solve(instance_path: Path, schedule_path: Path) -> tuple[float, float]:
    """Run one solve in a child process; return its wall seconds and peak MiB."""
    solve = [
        sys.executable,
        "-m",
        "matching",
        "solve",
        str(instance_path),
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
    wall, max_rss_kib = done.stdout.split()
    return float(wall), int(max_rss_kib) / 1024


def _verdict(size: Size, seconds: float, mib: float, problems: list[str]) -> str:
    failures = []
    if problems:
        failures.append(f"check found {len(problems)} problems")
    if size.max_seconds is not None and seconds >= size.max_seconds:
        failures.append(f"over {size.max_seconds:g} s")
    if size.max_mib is not None and mib >= size.max_mib:
        failures.append(f"over {size.max_mib:g} MiB")
    limits = [f"< {size.max_seconds:g} s"] if size.max_seconds is not None else []
    limits += [f"< {size.max_mib:g} MiB"] if size.max_mib is not None else []
    if failures:
        return "MISSED: " + ", ".join(failures)
    return "ok" + (f" ({', '.join(limits)})" if limits else "")
