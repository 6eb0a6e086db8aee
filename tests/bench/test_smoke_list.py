"""CI runs every benchmark at its smallest size (scripts/bench-smoke, a step of .ci/run after
the tests): a bench nobody runs broke unnoticed once (bench.announce, after a screen changed).
This keeps the list complete: a new bench in bench/ must be added there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_BENCHES = {"__init__", "fair"}  # the package, and what the benches share


def test_the_smoke_run_runs_every_benchmark() -> None:
    script = (ROOT / "scripts" / "bench-smoke").read_text()
    smoked = set(re.findall(r"^\s*smoke bench\.(\w+)", script, re.MULTILINE))
    benches = {path.stem for path in (ROOT / "bench").glob("*.py")} - NOT_BENCHES
    assert benches == smoked


def test_ci_runs_the_smoke_run_on_both_databases() -> None:
    steps = (ROOT / ".ci" / "run").read_text()
    assert "./scripts/bench-smoke" in steps
    assert "./scripts/with-postgres ./scripts/bench-smoke" in steps
