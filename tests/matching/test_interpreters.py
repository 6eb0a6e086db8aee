"""Interpreter assignment: the rules, maximum coverage, fewest booth moves, determinism."""

from __future__ import annotations

import functools
import random
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.interpreters import Gap, Interpreter, Need, assign, coverage, greedy

LANGUAGES = ("en", "ja", "zh", "ru")


# The strategies `fairs` draws from, each built once per argument: built afresh in every
# example, hypothesis validated and labelled them again each time (most of these tests' CPU).
LANGUAGE = st.sampled_from(LANGUAGES)
SPOKEN = st.sets(LANGUAGE, min_size=1, max_size=2)
ONE_TO_FOUR = st.integers(1, 4)


@functools.cache
def _used(booths: tuple[str, ...]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(booths), unique=True, max_size=len(booths))


@functools.cache
def _unavailable(slots: int) -> st.SearchStrategy[set[int]]:
    return st.sets(st.integers(0, slots - 1), max_size=1)


@st.composite
def fairs(draw: st.DrawFn) -> tuple[list[Need], list[Interpreter]]:
    slots = draw(ONE_TO_FOUR)
    booths = tuple(f"A{i}" for i in range(draw(ONE_TO_FOUR)))
    needs = []
    for slot in range(slots):
        # one meeting per booth and slot at most, as in the fair; online meetings need no booth
        used = draw(_used(booths))
        online = draw(st.integers(0, 2))
        for place in [*used, *([None] * online)]:
            needs.append(
                Need(
                    meeting=f"m{len(needs):02}",
                    day="d1" if slot < 2 else "d2",
                    slot=slot,
                    language=draw(LANGUAGE),
                    booth=place,
                )
            )
    people = [
        Interpreter(
            id=f"i{n}",
            languages=frozenset(draw(SPOKEN)),
            online=draw(st.booleans()),
            unavailable=frozenset(draw(_unavailable(slots))),
        )
        for n in range(draw(st.integers(0, 4)))
    ]
    return needs, people


def most_coverable(needs: list[Need], people: list[Interpreter]) -> int:
    """The largest number of meetings any assignment covers, by trying every one (small fairs)."""
    total = 0
    by_slot: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        by_slot[need.slot].append(need)

    def best(rest: list[Need], busy: frozenset[str]) -> int:
        if not rest:
            return 0
        need, *others = rest
        options = [best(others, busy)]
        for person in people:
            if person.id not in busy and person.can_take(need):
                options.append(1 + best(others, busy | {person.id}))
        return max(options)

    for slot_needs in by_slot.values():
        total += best(slot_needs, frozenset())
    return total


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(fairs())
def test_every_assignment_keeps_the_rules(fair: tuple[list[Need], list[Interpreter]]) -> None:
    needs, people = fair
    result = assign(needs, people)
    by_id = {p.id: p for p in people}
    seen: set[tuple[str, int]] = set()
    for need in needs:
        person = result.by_meeting.get(need.meeting)
        if person is None:
            assert need.meeting in result.gaps
            continue
        assert (person, need.slot) not in seen, "one interpreter in two meetings of a slot"
        seen.add((person, need.slot))
        assert by_id[person].can_take(need)
    assert len(result.by_meeting) + len(result.gaps) == len(needs)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(fairs())
def test_coverage_is_the_most_possible_and_never_below_greedy(
    fair: tuple[list[Need], list[Interpreter]],
) -> None:
    needs, people = fair
    result = assign(needs, people)
    assert result.covered == most_coverable(needs, people)
    assert result.covered >= greedy(needs, people).covered


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(fairs(), st.randoms(use_true_random=False))
def test_the_same_fair_in_any_order_gets_the_same_answer(
    fair: tuple[list[Need], list[Interpreter]], rng: random.Random
) -> None:
    needs, people = fair
    shuffled_needs, shuffled_people = list(needs), list(people)
    rng.shuffle(shuffled_needs)
    rng.shuffle(shuffled_people)
    first, again = assign(needs, people), assign(shuffled_needs, shuffled_people)
    assert (first.by_meeting, first.gaps, first.moves) == (
        again.by_meeting,
        again.gaps,
        again.moves,
    )


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(fairs())
def test_assigning_again_moves_nobody(fair: tuple[list[Need], list[Interpreter]]) -> None:
    needs, people = fair
    first = assign(needs, people)
    assert assign(needs, people, previous=first.by_meeting).by_meeting == first.by_meeting


def test_an_interpreter_stays_at_their_booth() -> None:
    people = [Interpreter("i1", frozenset({"ja"})), Interpreter("i2", frozenset({"ja"}))]
    needs = [
        Need("a1", "d1", 0, "ja", "A"),
        Need("b1", "d1", 0, "ja", "B"),
        Need("c2", "d1", 1, "ja", "B"),
        Need("d2", "d1", 1, "ja", "A"),
    ]
    result = assign(needs, people)
    assert result.by_meeting == {"a1": "i1", "b1": "i2", "d2": "i1", "c2": "i2"}
    assert result.moves == 0
    assert greedy(needs, people).moves == 2  # in id order i1 takes c2 at booth B, i2 d2 at A


def test_online_meetings_take_online_interpreters_first_and_on_site_ones_when_free() -> None:
    booth = Interpreter("i1", frozenset({"en"}))
    remote = Interpreter("i2", frozenset({"en"}), online=True)
    both = [Need("on", "d1", 0, "en", "A"), Need("web", "d1", 0, "en", None)]
    assert assign(both, [booth, remote]).by_meeting == {"on": "i1", "web": "i2"}
    alone = [Need("web", "d1", 0, "en", None)]
    assert assign(alone, [booth]).by_meeting == {"web": "i1"}
    on_site = [Need("on", "d1", 0, "en", "A")]
    assert assign(on_site, [remote]).gaps == {"on": Gap.NO_SPEAKER}


def test_a_declined_meeting_goes_to_someone_else_and_the_rest_stay() -> None:
    people = [Interpreter("i1", frozenset({"zh"})), Interpreter("i2", frozenset({"zh"}))]
    needs = [Need("m1", "d1", 0, "zh", "A"), Need("m2", "d1", 1, "zh", "A")]
    first = assign(needs, people)
    assert first.by_meeting == {"m1": "i1", "m2": "i1"}
    again = assign(needs, people, previous=first.by_meeting, declined=[("i1", "m2")])
    assert again.by_meeting == {"m1": "i1", "m2": "i2"}


def test_gaps_say_why_and_coverage_says_how_many_more_a_day_needs() -> None:
    people = [Interpreter("i1", frozenset({"ru"}))]
    needs = [
        Need("r1", "d1", 0, "ru", "A"),
        Need("r2", "d1", 0, "ru", "B"),
        Need("r3", "d1", 0, "ru", "C"),
        Need("v1", "d1", 0, "vi", "D"),
    ]
    result = assign(needs, people)
    assert result.gaps == {"r2": Gap.ALL_BUSY, "r3": Gap.ALL_BUSY, "v1": Gap.NO_SPEAKER}
    summary = {
        (c.language, c.day): (c.needed, c.covered, c.short_by) for c in coverage(needs, result)
    }
    assert summary == {("ru", "d1"): (3, 1, 2), ("vi", "d1"): (1, 0, 1)}


def test_a_long_chain_of_swaps_needs_no_recursion() -> None:
    """Each interpreter speaks the language of their meeting and the next one's; taken in id
    order the first meeting grabs the last meeting's only interpreter, so covering everything
    needs one augmenting path through all of them."""
    size = 3000
    languages = [f"l{n:04}" for n in range(size)]
    people = [
        Interpreter(f"i{n:04}", frozenset({languages[n], languages[(n + 1) % size]}))
        for n in range(size)
    ]
    needs = [Need(f"m{n:04}", "d1", 0, languages[n], f"B{n}") for n in range(size)]
    assert assign(needs, people).covered == size
