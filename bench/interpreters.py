"""Assigning interpreters at size M: 1,200 buyers, about 25,000 meetings over 2 days × 14 slots,
30% of them needing one of 8 languages, 250 interpreters.

`python -m bench.interpreters [--seeds N] [--interpreters 150,250,350]` prints, per
configuration and seed, the time `matching.interpreters.assign` takes, the meetings it covers
and the booth moves, beside the simple greedy's. Target: under 2 s at M.

The fair is drawn here, not from our matching generator: popularity of languages is skewed
(English and Chinese most asked), a fifth of the buyers join online, interpreters speak one or
two languages in proportion to the demand and each misses a few slots.
"""

from __future__ import annotations

import argparse
import os
import random
import time

from matching.interpreters import Interpreter, Need, assign, greedy

LANGUAGES = ("en", "zh", "ja", "es", "ru", "ar", "vi", "id")
WEIGHTS = (30, 20, 14, 10, 9, 7, 6, 4)
SLOTS_PER_DAY = 14
DAYS = 2


def fair(
    seed: int, buyers: int, interpreters: int, share: float
) -> tuple[list[Need], list[Interpreter]]:
    rng = random.Random(seed)
    slots = SLOTS_PER_DAY * DAYS
    needs: list[Need] = []
    meetings = 0
    for buyer in range(buyers):
        online = rng.random() < 0.2
        language = rng.choices(LANGUAGES, WEIGHTS)[0] if rng.random() < share else None
        for slot in sorted(rng.sample(range(slots), rng.randint(17, slots - 3))):
            meetings += 1
            if language:
                day = f"d{slot // SLOTS_PER_DAY + 1}"
                booth = None if online else f"B{buyer:04}"
                needs.append(Need(f"m{meetings:06}", day, slot, language, booth))
    people = []
    for n in range(interpreters):
        speaks = set(rng.choices(LANGUAGES, WEIGHTS, k=rng.choice((1, 1, 2))))
        off = frozenset(rng.sample(range(slots), rng.randint(0, 4)))
        people.append(Interpreter(f"i{n:04}", frozenset(speaks), rng.random() < 0.15, off))
    return needs, people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--buyers", type=int, default=1200)
    parser.add_argument("--interpreters", default="150,250,350")
    parser.add_argument("--share", type=float, default=0.3, help="share of buyers needing one")
    args = parser.parse_args()
    print("interpreters seed needs  assign: s   cpu s covered moves | greedy: covered moves")
    worst = 0.0
    for count in (int(c) for c in args.interpreters.split(",")):
        for seed in range(args.seeds):
            needs, people = fair(seed, args.buyers, count, args.share)
            started, cpu = time.perf_counter(), time.process_time()
            result = assign(needs, people)
            took, cpu = time.perf_counter() - started, time.process_time() - cpu
            worst = max(worst, took)
            simple = greedy(needs, people)
            print(
                f"{count:>12} {seed:>4} {len(needs):>5}  {took:>9.2f} {cpu:>7.2f}"
                f" {result.covered:>7} {result.moves:>5} | {simple.covered:>14} {simple.moves:>5}"
            )
    print(f"worst time: {worst:.2f} s (target 2 s); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
