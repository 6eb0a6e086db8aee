"""Interpreters for the meetings that need one: who sits in which meeting.

KOTRA's consultations are three-party meetings: the buyer, the Korean company and an
interpreter (통역원). Given the meetings that need an interpreter (a language, a slot, a booth
or online) and the interpreters (their languages, on site or online, the slots they can't
make), `assign` gives each meeting at most one interpreter so that

- an interpreter is never in two meetings of one slot, speaks the meeting's language, and an
  online interpreter only takes online meetings (an on-site one may take an online meeting
  from the fair's video room when free);
- as many meetings as possible are covered: slots are independent for coverage, so a maximum
  bipartite matching in each slot is a maximum for the whole fair (Kuhn's augmenting paths);
- among maximum matchings the search prefers, in this order: the interpreter the meeting had
  before (a re-assignment after a change moves nobody it need not move), the interpreter who
  was at the same booth in the slot before (fewest booth moves), a free online interpreter for
  an online meeting (keeping on-site ones at their booths), then anyone;
- everything is taken in the order of the ids, so the same input gives the same answer.

Each meeting left without one gets a reason: nobody speaks its language at all, or everyone
who does is busy or unavailable in that slot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Gap(StrEnum):
    """Why a meeting has no interpreter."""

    NO_SPEAKER = "no_speaker"  # nobody at the fair speaks the language (for this kind of meeting)
    ALL_BUSY = "all_busy"  # everyone who could is in another meeting, unavailable or declined it


@dataclass(frozen=True, slots=True)
class Need:
    """A meeting that needs an interpreter. `slot` orders the slots in time; `booth` is None
    for an online meeting."""

    meeting: str
    day: str
    slot: int
    language: str
    booth: str | None


@dataclass(frozen=True, slots=True)
class Interpreter:
    id: str
    languages: frozenset[str]
    online: bool = False
    unavailable: frozenset[int] = frozenset()

    def can_take(self, need: Need) -> bool:
        return (
            need.language in self.languages
            and need.slot not in self.unavailable
            and not (self.online and need.booth is not None)
        )


@dataclass(slots=True)
class Assignment:
    by_meeting: dict[str, str] = field(default_factory=dict)
    gaps: dict[str, Gap] = field(default_factory=dict)
    moves: int = 0

    @property
    def covered(self) -> int:
        return len(self.by_meeting)


def assign(
    needs: Iterable[Need],
    interpreters: Iterable[Interpreter],
    previous: Mapping[str, str] | None = None,
    declined: Iterable[tuple[str, str]] = (),
) -> Assignment:
    """Interpreters for `needs`. `previous` maps meeting → interpreter from the last assignment
    (kept where still possible); `declined` holds (interpreter, meeting) pairs that must not be
    made again (an interpreter who pressed ❌)."""
    people = sorted(interpreters, key=lambda i: i.id)
    speakers = _speakers(people)
    kept = dict(previous or {})
    refused: defaultdict[str, set[str]] = defaultdict(set)
    for person, meeting in declined:
        refused[meeting].add(person)
    result = Assignment()
    booth_of: dict[str, str] = {}  # an on-site interpreter's booth in their last on-site meeting
    day_of: dict[str, str] = {}
    for slot_needs in _by_slot(needs):
        day = slot_needs[0].day
        for person, seen in list(day_of.items()):
            if seen != day:  # a new day starts anywhere
                booth_of.pop(person, None)
                del day_of[person]
        pools: dict[str, _Pool] = {}
        for need in slot_needs:
            if need.language not in pools:
                pools[need.language] = _pool(speakers[need.language], need.slot, booth_of)
        options = {
            need.meeting: _ranked(need, pools[need.language], kept, refused) for need in slot_needs
        }
        taken = _maximum_matching(slot_needs, options)
        for need in slot_needs:
            person = taken.get(need.meeting)
            if person is None:
                result.gaps[need.meeting] = gap_reason(need, people)
                continue
            result.by_meeting[need.meeting] = person
            if need.booth is not None:
                if booth_of.get(person, need.booth) != need.booth:
                    result.moves += 1
                booth_of[person] = need.booth
                day_of[person] = day
    return result


def greedy(needs: Iterable[Need], interpreters: Iterable[Interpreter]) -> Assignment:
    """The simple rule `assign` is measured against: each meeting, in slot and id order, takes
    the first free interpreter (by id) who can take it."""
    people = sorted(interpreters, key=lambda i: i.id)
    result = Assignment()
    booth_of: dict[str, str] = {}
    for slot_needs in _by_slot(needs):
        busy: set[str] = set()
        for need in slot_needs:
            person = next((p.id for p in people if p.id not in busy and p.can_take(need)), None)
            if person is None:
                result.gaps[need.meeting] = gap_reason(need, people)
                continue
            busy.add(person)
            result.by_meeting[need.meeting] = person
            if need.booth is not None:
                if booth_of.get(person, need.booth) != need.booth:
                    result.moves += 1
                booth_of[person] = need.booth
    return result


def _by_slot(needs: Iterable[Need]) -> list[list[Need]]:
    slots: dict[int, list[Need]] = defaultdict(list)
    for need in needs:
        slots[need.slot].append(need)
    return [sorted(slots[s], key=lambda n: n.meeting) for s in sorted(slots)]


def _speakers(people: list[Interpreter]) -> defaultdict[str, list[Interpreter]]:
    """Language → the interpreters who speak it, in id order."""
    speakers: defaultdict[str, list[Interpreter]] = defaultdict(list)
    for person in people:
        for language in person.languages:
            speakers[language].append(person)
    return speakers


@dataclass(slots=True)
class _Pool:
    """One language's interpreters free to work in one slot, by preference: each list in id
    order."""

    online: list[str] = field(default_factory=list)  # online interpreters
    fresh: list[str] = field(default_factory=list)  # on site, at no booth yet today
    placed: list[str] = field(default_factory=list)  # on site, at some booth
    at_booth: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def has(self, person: str, on_site: bool) -> bool:
        return (
            person in self.fresh or person in self.placed or (not on_site and person in self.online)
        )


def _pool(people: list[Interpreter], slot: int, booth_of: Mapping[str, str]) -> _Pool:
    pool = _Pool()
    for person in people:
        if slot in person.unavailable:
            continue
        booth = booth_of.get(person.id)
        if person.online:
            pool.online.append(person.id)
        elif booth is None:
            pool.fresh.append(person.id)
        else:
            pool.placed.append(person.id)
            pool.at_booth[booth].append(person.id)
    return pool


def _ranked(
    need: Need, pool: _Pool, kept: Mapping[str, str], refused: Mapping[str, set[str]]
) -> list[str]:
    """The interpreters who can take `need`, most preferred first: the one it had before, then
    for a meeting at a booth whoever was at that booth, else (online) an online interpreter,
    then on-site ones at no booth yet, then the rest. Someone may come twice in the list,
    which the matching's visited marks make harmless."""
    on_site = need.booth is not None
    before = kept.get(need.meeting)
    first = [before] if before is not None and pool.has(before, on_site) else []
    near = pool.at_booth.get(need.booth, []) if on_site else pool.online
    ranked = [*first, *near, *pool.fresh, *pool.placed]
    unwanted = refused.get(need.meeting)
    return [p for p in ranked if p not in unwanted] if unwanted else ranked


def _maximum_matching(needs: list[Need], options: Mapping[str, list[str]]) -> dict[str, str]:
    """A maximum matching of one slot's meetings to interpreters: first every meeting takes
    its most preferred free interpreter, then Kuhn's augmenting paths (tried in preference
    order) cover whatever can still be covered. Each search marks an interpreter visited once,
    so one slot costs at most meetings × edges."""
    holder: dict[str, str] = {}  # interpreter → meeting
    taken: dict[str, str] = {}  # meeting → interpreter
    for need in needs:
        for person in options[need.meeting]:
            if person not in holder:
                holder[person], taken[need.meeting] = need.meeting, person
                break

    dead: set[str] = set()  # no augmenting path passes these until the matching changes
    for need in needs:
        covered = need.meeting in taken or not options[need.meeting]
        if not covered and _augment(need.meeting, options, holder, taken, dead):
            dead = set()
    return taken


def _augment(
    start: str,
    options: Mapping[str, list[str]],
    holder: dict[str, str],
    taken: dict[str, str],
    visited: set[str],
) -> bool:
    """One augmenting path from the uncovered meeting `start`, depth first without recursion
    (a slot may have more interpreters than Python's recursion limit). A search that fails
    leaves the matching as it was, so what it visited stays useless to the next search:
    the caller passes the same `visited` on until a search succeeds."""
    stack = [(start, iter(options[start]))]
    through: list[str] = []  # through[k]: the interpreter stack[k]'s meeting would take
    while stack:
        _, candidates = stack[-1]
        person = next((p for p in candidates if p not in visited), None)
        if person is None:
            stack.pop()
            if through:
                through.pop()
            continue
        visited.add(person)
        other = holder.get(person)
        if other is not None:
            through.append(person)
            stack.append((other, iter(options[other])))
            continue
        for (level_meeting, _), level_person in zip(stack, [*through, person], strict=True):
            holder[level_person], taken[level_meeting] = level_meeting, level_person
        return True
    return False


def gap_reason(need: Need, people: Iterable[Interpreter]) -> Gap:
    """Why `need` has no interpreter, given everyone who might have taken it."""
    speakers = (
        p
        for p in people
        if need.language in p.languages and not (p.online and need.booth is not None)
    )
    return Gap.ALL_BUSY if any(speakers) else Gap.NO_SPEAKER


@dataclass(frozen=True, slots=True)
class Coverage:
    language: str
    day: str
    needed: int
    covered: int
    short_by: int  # interpreters more of this language that day would have covered every gap


def coverage(needs: Iterable[Need], assignment: Assignment) -> list[Coverage]:
    """Per language and day: meetings that need one, meetings covered, and how many more
    interpreters of that language the day lacks (its busiest slot's uncovered meetings)."""
    needed: dict[tuple[str, str], int] = defaultdict(int)
    covered: dict[tuple[str, str], int] = defaultdict(int)
    gaps_in_slot: dict[tuple[str, str, int], int] = defaultdict(int)
    for need in needs:
        key = (need.language, need.day)
        needed[key] += 1
        if need.meeting in assignment.by_meeting:
            covered[key] += 1
        else:
            gaps_in_slot[(need.language, need.day, need.slot)] += 1
    short: dict[tuple[str, str], int] = defaultdict(int)
    for (language, day, _slot), count in gaps_in_slot.items():
        short[(language, day)] = max(short[(language, day)], count)
    return [
        Coverage(
            language, day, needed[(language, day)], covered[(language, day)], short[(language, day)]
        )
        for language, day in sorted(needed)
    ]
