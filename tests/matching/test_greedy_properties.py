"""Properties of mode greedy on random small events."""

import random
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_cases import events

from matching import Reason, Schedule, check, parse_instance, schedule_to_dict, solve

pytestmark = pytest.mark.slow


def greedy(doc: dict[str, Any]) -> Schedule:
    return solve(parse_instance(doc))


@given(events())
def test_every_greedy_schedule_passes_check(doc: dict[str, Any]) -> None:
    instance = parse_instance(doc)
    assert check(instance, solve(instance)) == []


@given(events(), st.randoms(use_true_random=False))
def test_the_order_of_entries_in_the_file_changes_nothing(
    doc: dict[str, Any], rng: random.Random
) -> None:
    shuffled = {**doc, "participants": [dict(p) for p in doc["participants"]]}
    for key in ("participants", "requests", "fixed"):
        shuffled[key] = rng.sample(shuffled[key], len(shuffled[key]))
    for participant in shuffled["participants"]:
        participant["unavailable"] = rng.sample(
            participant["unavailable"], len(participant["unavailable"])
        )
    assert schedule_to_dict(greedy(shuffled)) == schedule_to_dict(greedy(doc))


@given(events())
def test_nobody_is_double_booked_or_over_the_cap_beyond_fixed_meetings(doc: dict[str, Any]) -> None:
    schedule = greedy(doc)
    day = {slot["id"]: slot["day"] for slot in doc["slots"]}
    cap = {p["id"]: p.get("daily_cap", doc["daily_cap"]) for p in doc["participants"]}
    per_slot = Counter()
    per_day = Counter()
    fixed_per_day = Counter()
    for m in schedule.meetings:
        for pid in (m.buyer, m.seller):
            per_slot[pid, m.slot] += 1
            per_day[pid, day[m.slot]] += 1
            fixed_per_day[pid, day[m.slot]] += m.tier == "fixed"
    assert set(per_slot.values()) <= {1}
    for (pid, when), count in per_day.items():
        assert count <= max(cap[pid], fixed_per_day[pid, when])


@given(events())
def test_no_unscheduled_candidate_could_still_be_added(doc: dict[str, Any]) -> None:
    """Greedy is maximal: usable slots only shrink, so a candidate left out stays left out."""
    schedule = greedy(doc)
    participants = {p["id"]: p for p in doc["participants"]}
    day = {slot["id"]: slot["day"] for slot in doc["slots"]}
    busy = defaultdict(set)
    for m in schedule.meetings:
        busy[m.buyer].add(m.slot)
        busy[m.seller].add(m.slot)

    def usable(pid: str, slot: str) -> bool:
        p = participants[pid]
        count = sum(day[taken] == day[slot] for taken in busy[pid])
        return slot not in busy[pid] and count < p.get("daily_cap", doc["daily_cap"])

    for u in schedule.unscheduled:
        both = [
            s
            for s in day
            if s not in participants[u.buyer]["unavailable"]
            and s not in participants[u.seller]["unavailable"]
        ]
        assert not any(usable(u.buyer, s) and usable(u.seller, s) for s in both)
        assert (u.reason is Reason.NO_COMMON_AVAILABILITY) == (not both)


@settings(max_examples=300)
@given(events())
def test_greedy_agrees_with_the_rules_read_literally(doc: dict[str, Any]) -> None:
    assert schedule_to_dict(greedy(doc)) == reference(doc)


def reference(doc: dict[str, Any]) -> dict[str, Any]:
    """Rules 1 to 7 of the spec, written as plainly as possible with sets and loops."""
    participants = {p["id"]: p for p in doc["participants"]}
    role = {pid: p["role"] for pid, p in participants.items()}
    cap = {pid: p.get("daily_cap", doc["daily_cap"]) for pid, p in participants.items()}
    slots = [slot["id"] for slot in doc["slots"]]
    day = {slot["id"]: slot["day"] for slot in doc["slots"]}
    fixed_pairs = {(f["buyer"], f["seller"]) for f in doc["fixed"]}

    live = defaultdict(list)
    for r in doc["requests"]:
        if r["status"] in ("pending", "accepted"):
            pair = (r["from"], r["to"]) if role[r["from"]] == "buyer" else (r["to"], r["from"])
            live[pair].append(r)
    candidates = []
    for (buyer, seller), requests in live.items():
        if (buyer, seller) in fixed_pairs:
            continue
        askers = {role[r["from"]] for r in requests}
        accepted = any(r["status"] == "accepted" for r in requests)
        tier = "mutual" if accepted or len(askers) == 2 else askers.pop()
        rank = min(r["rank"] for r in requests)
        at = min(datetime.fromisoformat(r["at"]) for r in requests)
        candidates.append(
            (["mutual", "buyer", "seller"].index(tier), rank, at, buyer, seller, tier)
        )
    candidates.sort(key=lambda c: c[:5])

    meetings = [(f["buyer"], f["seller"], f["slot"], "fixed") for f in doc["fixed"]]
    unscheduled = []

    def available(pid: str, slot: str) -> bool:
        return slot not in participants[pid].get("unavailable", [])

    def usable(pid: str, slot: str) -> bool:
        mine = [m[2] for m in meetings if pid in m[:2]]
        return slot not in mine and sum(day[s] == day[slot] for s in mine) < cap[pid]

    for *_, buyer, seller, tier in candidates:
        both = [s for s in slots if available(buyer, s) and available(seller, s)]
        fits = [s for s in both if usable(buyer, s) and usable(seller, s)]
        if fits:
            meetings.append((buyer, seller, fits[0], tier))
            continue
        by_buyer = any(usable(buyer, s) for s in both)
        by_seller = any(usable(seller, s) for s in both)
        if not both:
            reason = "no_common_availability"
        elif not by_buyer and not by_seller:
            reason = "both_full"
        elif not by_buyer:
            reason = "buyer_full"
        elif not by_seller:
            reason = "seller_full"
        else:
            reason = "no_common_free_slot"
        unscheduled.append({"buyer": buyer, "seller": seller, "tier": tier, "reason": reason})

    meetings.sort(key=lambda m: (slots.index(m[2]), m[0]))
    scheduled = Counter(m[3] for m in meetings)
    left = Counter(u["tier"] for u in unscheduled)
    return {
        "format": "matchbot-schedule/1",
        "mode": "greedy",
        "meetings": [
            {
                "buyer": b,
                "seller": s,
                "slot": slot,
                "booth": participants[b].get("booth"),
                "tier": t,
            }
            for b, s, slot, t in meetings
        ],
        "unscheduled": unscheduled,
        "stats": {
            "scheduled": {t: scheduled[t] for t in ("fixed", "mutual", "buyer", "seller")},
            "unscheduled": {t: left[t] for t in ("mutual", "buyer", "seller")},
        },
    }
