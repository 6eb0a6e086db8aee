"""The command line as organizers and benchmarks use it, in a child process where it matters."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from matching_cases import DATA, load_json

from matching.cli import main


def test_solve_writes_to_standard_output_without_o(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["solve", str(DATA / "tiny.instance.json"), "--mode", "greedy"]) == 0
    assert json.loads(capsys.readouterr().out) == load_json("tiny.greedy.json")


def test_solve_refuses_an_unknown_mode(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["solve", str(DATA / "tiny.instance.json"), "--mode", "magic"])
    assert exited.value.code == 2
    assert "invalid choice: 'magic'" in capsys.readouterr().err


def test_an_output_that_cannot_be_written_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "missing" / "schedule.json"
    assert main(["solve", str(DATA / "tiny.instance.json"), "-o", str(output)]) == 2
    assert "No such file or directory" in capsys.readouterr().err


@pytest.mark.processes
def test_python_dash_m_matching_runs_and_reports_invalid_input(tmp_path: Path) -> None:
    instance = tmp_path / "instance.json"
    doc = load_json("tiny.instance.json")
    doc["requests"][3]["to"] = "S09999"
    instance.write_text(json.dumps(doc), encoding="utf-8")
    output = tmp_path / "schedule.json"
    done = subprocess.run(
        [sys.executable, "-m", "matching", "solve", str(instance), "-o", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (2, 'requests[3]: unknown participant "S09999"\n')
    assert not output.exists()


@pytest.mark.slow
def test_bench_prints_each_mode_and_the_bound_per_size(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--sizes", "S", "--repeat", "1"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split()[:9] == [
        "size",
        "buyers",
        "sellers",
        "slots",
        "requests",
        "row",
        "mutual",
        "buyer",
        "seller",
    ]
    assert [row.split()[:6] for row in rows] == [
        ["S", "100", "300", "28", "3,000", label] for label in ("greedy", "optimal", "bound")
    ]
    assert all(row.endswith("ok") for row in rows[:2])
    greedy, optimal, bound = ([int(n.replace(",", "")) for n in row.split()[6:9]] for row in rows)
    assert greedy <= optimal and all(o <= b for o, b in zip(optimal, bound, strict=True))


def test_solve_optimal_takes_a_time_limit_and_writes_a_schedule_check_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance, output = str(DATA / "tiny.instance.json"), str(tmp_path / "schedule.json")
    assert main(["solve", instance, "--mode", "optimal", "--time-limit", "5", "-o", output]) == 0
    assert json.loads(Path(output).read_text(encoding="utf-8"))["mode"] == "optimal"
    assert main(["check", instance, output]) == 0
    assert main(["solve", instance, "--time-limit", "5"]) == 2
    assert "mode greedy takes no time limit" in capsys.readouterr().err
