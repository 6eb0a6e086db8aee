"""The command line: `python -m matching solve | check | generate | bench`.

Exit status: 0 when all is well; 1 when `check` finds the schedule breaks the rules; 2 when an
input is invalid or the output cannot be written (one line per problem on standard error; no
output file is written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from matching.bench import SIZES, bench
from matching.check import check
from matching.errors import InputError
from matching.generate import MAX_SLOTS_PER_DAY, generate
from matching.instance_file import dump_instance, load_instance
from matching.modes import MODES, TIME_LIMITED, solve
from matching.optimal import DEFAULT_TIME_LIMIT
from matching.schedule_file import dump_schedule, load_schedule
from matching.varied import varied

INVALID_INPUT = 2
BROKEN_SCHEDULE = 1


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return INVALID_INPUT
    except OSError as error:  # an output file that cannot be written
        print(error, file=sys.stderr)
        return INVALID_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m matching", description="Schedule the 1:1 meetings of an export fair."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    solve_cmd = commands.add_parser("solve", help="write the schedule of an instance file")
    solve_cmd.add_argument("instance", type=Path)
    solve_cmd.add_argument("-o", "--output", type=Path, help="schedule file (default: stdout)")
    solve_cmd.add_argument("--mode", choices=sorted(MODES), default="greedy")
    solve_cmd.add_argument(
        "--time-limit",
        type=_seconds,
        metavar="S",
        help=f"seconds mode optimal may spend improving (default {DEFAULT_TIME_LIMIT:g})",
    )
    solve_cmd.set_defaults(run=_solve)

    check_cmd = commands.add_parser("check", help="audit a schedule file against its instance")
    check_cmd.add_argument("instance", type=Path)
    check_cmd.add_argument("schedule", type=Path)
    check_cmd.set_defaults(run=_check)

    generate_cmd = commands.add_parser("generate", help="write a synthetic instance file")
    generate_cmd.add_argument("--buyers", type=_positive, required=True)
    generate_cmd.add_argument("--sellers", type=_positive, required=True)
    generate_cmd.add_argument("--days", type=_positive, default=2)
    generate_cmd.add_argument(
        "--slots-per-day", type=_positive, default=14, help=f"at most {MAX_SLOTS_PER_DAY}"
    )
    generate_cmd.add_argument("--seed", type=int, default=0)
    generate_cmd.add_argument(
        "--requests", type=int, help="how many requests (default: 7 per participant)"
    )
    generate_cmd.add_argument(
        "--window",
        nargs=2,
        type=_positive,
        metavar=("SHORTEST", "LONGEST"),
        help="restricted hours: everyone is there for one run of this many slots on one day",
    )
    generate_cmd.add_argument("-o", "--output", type=Path, help="instance file (default: stdout)")
    generate_cmd.set_defaults(run=_generate)

    bench_cmd = commands.add_parser(
        "bench", help="both modes on generated events: meetings, bound, idle periods, time"
    )
    bench_cmd.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    bench_cmd.add_argument("--repeat", type=_positive, default=3, help="runs per size or event")
    bench_cmd.add_argument(
        "--varied",
        action="store_true",
        help="instead, size M in 14 variants (density, fixed meetings, days, hours, cap, ranks, "
        "generator)",
    )
    bench_cmd.add_argument(
        "--events", nargs="+", type=int, metavar="N", help="with --varied: only these variants"
    )
    bench_cmd.add_argument(
        "--seeds", type=_positive, default=1, metavar="N", help="with --varied: events per variant"
    )
    bench_cmd.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="with --varied: the first seed (default: 15 + the variant's number)",
    )
    bench_cmd.set_defaults(run=_bench)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _solve(args: argparse.Namespace) -> int:
    instance = load_instance(args.instance)
    if args.time_limit is not None and args.mode not in TIME_LIMITED:
        print(f"mode {args.mode} takes no time limit", file=sys.stderr)
        return INVALID_INPUT
    schedule = solve(instance, args.mode, args.time_limit)
    _write(dump_schedule(schedule), args.output)
    return 0


def _check(args: argparse.Namespace) -> int:
    instance = load_instance(args.instance)
    schedule = load_schedule(args.schedule)
    stats = schedule.stats()
    for kind, counts in stats.items():
        tiers = ", ".join(f"{tier} {count}" for tier, count in counts.items())
        print(f"{kind}: {tiers} (total {sum(counts.values())})")
    problems = check(instance, schedule)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem" + ("s" if len(problems) > 1 else ""))
        return BROKEN_SCHEDULE
    print("ok")
    return 0


def _generate(args: argparse.Namespace) -> int:
    try:
        window = tuple(args.window) if args.window else None
        instance = generate(
            args.buyers,
            args.sellers,
            args.days,
            args.slots_per_day,
            args.seed,
            args.requests,
            window,
        )
    except ValueError as error:
        print(error, file=sys.stderr)
        return INVALID_INPUT
    _write(dump_instance(instance), args.output)
    return 0


def _bench(args: argparse.Namespace) -> int:
    if args.varied:
        met = varied(args.repeat, args.events, args.seeds, args.seed)
        return 0 if met else BROKEN_SCHEDULE
    bench(args.sizes, args.repeat)
    return 0
