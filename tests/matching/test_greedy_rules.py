"""Each organizer's rule of mode greedy, on events small enough to reason about by hand."""

import pytest
from matching_cases import Event

from matching import Meeting, Reason, Schedule, Tier, Unscheduled


def placed(schedule: Schedule) -> dict[tuple[str, str], str]:
    return {(m.buyer, m.seller): m.slot for m in schedule.meetings}


def tiers(schedule: Schedule) -> dict[tuple[str, str], Tier]:
    return {(m.buyer, m.seller): m.tier for m in (*schedule.meetings, *schedule.unscheduled)}


def reasons(schedule: Schedule) -> dict[tuple[str, str], Reason]:
    return {(u.buyer, u.seller): u.reason for u in schedule.unscheduled}


# rules 1 and 2: live requests and tiers


@pytest.mark.parametrize(
    ("requests", "tier"),
    [
        ([("B1", "S1", "accepted")], Tier.mutual),
        ([("S1", "B1", "accepted")], Tier.mutual),
        ([("B1", "S1", "pending"), ("S1", "B1", "pending")], Tier.mutual),
        ([("B1", "S1", "pending")], Tier.buyer),
        ([("S1", "B1", "pending")], Tier.seller),
        ([("B1", "S1", "pending"), ("S1", "B1", "rejected")], Tier.buyer),
        ([("B1", "S1", "cancelled"), ("S1", "B1", "pending")], Tier.seller),
        ([("B1", "S1", "cancelled"), ("B1", "S1", "pending")], Tier.buyer),
    ],
)
def test_a_pair_tier_comes_from_its_live_requests(
    requests: list[tuple[str, str, str]], tier: Tier
) -> None:
    event = Event().buyer("B1").seller("S1")
    for requester, target, status in requests:
        event.request(requester, target, status=status)
    assert tiers(event.solve()) == {("B1", "S1"): tier}


@pytest.mark.parametrize("statuses", [("rejected",), ("cancelled",), ("rejected", "cancelled")])
def test_rejected_and_cancelled_requests_make_no_candidate(statuses: tuple[str, ...]) -> None:
    event = Event().buyer("B1").seller("S1")
    for requester, status in zip(("B1", "S1"), statuses, strict=False):
        event.request(requester, "S1" if requester == "B1" else "B1", status=status)
    schedule = event.solve()
    assert schedule.meetings == ()
    assert schedule.unscheduled == ()


# rules 3 and 5: the order candidates are taken in


def one_slot_buyer(*sellers: str) -> Event:
    """B1 has a single slot, so the first candidate taken gets it and the others are full."""
    event = Event(slots_per_day=1).buyer("B1")
    for seller in sellers:
        event.seller(seller)
    return event


def winner(event: Event) -> str:
    (meeting,) = event.solve().meetings
    return meeting.seller


def test_tiers_go_mutual_then_buyer_then_seller_whatever_the_rank() -> None:
    event = one_slot_buyer("S1", "S2", "S3")
    event.request("S1", "B1", rank=1)
    event.request("B1", "S2", rank=1)
    event.request("S3", "B1", rank=9, status="accepted")
    schedule = event.solve()
    assert placed(schedule) == {("B1", "S3"): "D1-0900"}
    assert [(u.seller, u.tier) for u in schedule.unscheduled] == [
        ("S2", Tier.buyer),
        ("S1", Tier.seller),
    ]


def test_within_a_tier_rank_comes_before_time() -> None:
    event = one_slot_buyer("S1", "S2")
    event.request("S1", "B1", rank=2, at="2023-05-01T09:00:00+09:00")
    event.request("S2", "B1", rank=1, at="2023-06-01T09:00:00+09:00")
    assert winner(event) == "S2"


def test_everyone_first_choice_comes_before_anyone_second() -> None:
    event = Event(slots_per_day=1).buyer("B1").buyer("B2").seller("S1")
    event.request("B1", "S1", rank=2, at="2023-05-01T09:00:00+09:00")
    event.request("B2", "S1", rank=1, at="2023-06-01T09:00:00+09:00")
    assert placed(event.solve()) == {("B2", "S1"): "D1-0900"}


def test_times_compare_as_instants_whatever_their_offsets() -> None:
    event = one_slot_buyer("S1", "S2")
    # 09:00 in Seoul is 00:00 UTC; 20:00 the day before in New York is 00:00 UTC too, plus one
    # minute later. Compared as text, the New York one would look earlier.
    event.request("S1", "B1", at="2023-06-01T09:00:00+09:00")
    event.request("S2", "B1", at="2023-05-31T20:01:00-04:00")
    assert winner(event) == "S1"


def test_z_is_utc() -> None:
    event = one_slot_buyer("S1", "S2")
    event.request("S1", "B1", at="2023-06-01T00:00:01Z")
    event.request("S2", "B1", at="2023-06-01T08:59:59+09:00")
    assert winner(event) == "S2"


def test_a_pair_takes_its_best_rank_and_earliest_time_among_live_requests_only() -> None:
    event = one_slot_buyer("S1", "S2")
    # S1's pair: rank min(3, 1) = 1 through B1's own request, time the earliest live one
    event.request("S1", "B1", rank=3, at="2023-06-02T09:00:00+09:00")
    event.request("B1", "S1", rank=1, at="2023-06-03T09:00:00+09:00")
    # S2's pair: the rejected request would have ranked it first, but it does not count
    event.request("B1", "S2", rank=1, at="2023-05-01T09:00:00+09:00", status="rejected")
    event.request("S2", "B1", rank=2, status="accepted")
    event.request("B1", "S2", rank=2, at="2023-06-04T09:00:00+09:00")
    # both mutual; S1's pair has rank 1 against S2's rank 2
    assert winner(event) == "S1"


def test_same_rank_and_instant_goes_by_buyer_id_then_seller_id_by_code_point() -> None:
    event = Event(slots_per_day=1)
    for buyer in ("B9", "B10"):
        event.buyer(buyer)
    for seller in ("S9", "S10", "Sé"):
        event.seller(seller)
    for buyer in ("B9", "B10"):
        for seller in ("S9", "S10", "Sé"):
            event.request(seller, buyer, at="2023-06-01T09:00:00+09:00")
    schedule = event.solve()
    # "B10" < "B9" and "S10" < "S9" < "Sé" as strings
    assert placed(schedule) == {("B10", "S10"): "D1-0900", ("B9", "S9"): "D1-0900"}
    assert [(u.buyer, u.seller) for u in schedule.unscheduled] == [
        ("B10", "S9"),
        ("B10", "Sé"),
        ("B9", "S10"),
        ("B9", "Sé"),
    ]


# rule 6: the earliest slot where both can meet


def test_a_candidate_takes_the_earliest_slot_both_can_use() -> None:
    event = Event(days=2, slots_per_day=3, daily_cap=2)
    event.buyer("B1", unavailable=["D1-0900"]).seller("S1", unavailable=["D1-1000"])
    event.buyer("B2").seller("S2").fix("B2", "S2", "D1-0900")
    event.request("B1", "S1").request("B1", "S2")
    assert placed(event.solve()) == {
        ("B2", "S2"): "D1-0900",
        ("B1", "S1"): "D1-1100",
        ("B1", "S2"): "D1-1000",
    }


def test_the_daily_cap_moves_meetings_to_the_next_day() -> None:
    event = Event(days=2, slots_per_day=3, daily_cap=2).buyer("B1")
    for i in range(1, 5):
        event.seller(f"S{i}").request("B1", f"S{i}", rank=i)
    assert placed(event.solve()) == {
        ("B1", "S1"): "D1-0900",
        ("B1", "S2"): "D1-1000",
        ("B1", "S3"): "D2-0900",
        ("B1", "S4"): "D2-1000",
    }


@pytest.mark.parametrize("own_cap", [1, 3])
def test_a_participant_cap_overrides_the_event_cap(own_cap: int) -> None:
    event = Event(days=1, slots_per_day=4, daily_cap=2).buyer("B1", daily_cap=own_cap)
    for i in range(1, 5):
        event.seller(f"S{i}").request(f"S{i}", "B1", rank=i)
    schedule = event.solve()
    assert len(schedule.meetings) == own_cap
    assert {u.reason for u in schedule.unscheduled} == {Reason.BUYER_FULL}


def test_a_null_cap_means_the_event_cap() -> None:
    event = Event(slots_per_day=3, daily_cap=1).buyer("B1", daily_cap=None)
    event.seller("S1").seller("S2").request("B1", "S1").request("B1", "S2", rank=2)
    assert len(event.solve().meetings) == 1


def test_meetings_take_place_at_the_buyer_booth() -> None:
    event = Event().buyer("B1", booth="T-07").buyer("B2").seller("S1", booth="ignored")
    event.request("B1", "S1").request("B2", "S1")
    assert {m.buyer: m.booth for m in event.solve().meetings} == {"B1": "T-07", "B2": None}


def test_meetings_are_listed_by_slot_then_buyer() -> None:
    event = Event(slots_per_day=2).buyer("B2").buyer("B1").seller("S1").seller("S2")
    event.request("S1", "B2", rank=1).request("S2", "B1", rank=1)
    event.request("S2", "B2", rank=2).request("S1", "B1", rank=2)
    assert [(m.slot, m.buyer) for m in event.solve().meetings] == [
        ("D1-0900", "B1"),
        ("D1-0900", "B2"),
        ("D1-1000", "B1"),
        ("D1-1000", "B2"),
    ]


# rule 4: fixed meetings


def test_fixed_meetings_stay_even_unavailable_and_over_the_cap() -> None:
    event = Event(slots_per_day=3, daily_cap=1).buyer("B1", booth="T-1", unavailable=["D1-0900"])
    event.seller("S1").seller("S2").seller("S3")
    event.fix("B1", "S1", "D1-0900").fix("B1", "S2", "D1-1000")
    event.request("S3", "B1")
    schedule = event.solve()
    assert schedule.meetings == (
        Meeting("B1", "S1", "D1-0900", "T-1", Tier.fixed),
        Meeting("B1", "S2", "D1-1000", "T-1", Tier.fixed),
    )
    assert schedule.unscheduled == (Unscheduled("B1", "S3", Tier.seller, Reason.BUYER_FULL),)


def test_a_fixed_pair_is_not_a_candidate() -> None:
    event = Event().buyer("B1").seller("S1").fix("B1", "S1", "D1-1100")
    event.request("B1", "S1", status="accepted")
    schedule = event.solve()
    assert placed(schedule) == {("B1", "S1"): "D1-1100"}
    assert schedule.unscheduled == ()


def test_fixed_meetings_occupy_their_slot() -> None:
    event = Event().buyer("B1").seller("S1").seller("S2").fix("B1", "S1", "D1-0900")
    event.request("S2", "B1")
    assert placed(event.solve())[("B1", "S2")] == "D1-1000"


# rule 7: the reason of each unscheduled candidate


def test_no_common_availability() -> None:
    event = Event(slots_per_day=2).buyer("B1", unavailable=["D1-0900"])
    event.seller("S1", unavailable=["D1-1000"]).request("B1", "S1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.NO_COMMON_AVAILABILITY}


def test_no_common_availability_wins_even_when_someone_is_full() -> None:
    event = Event(slots_per_day=2).buyer("B1", daily_cap=0, unavailable=["D1-0900"])
    event.seller("S1", unavailable=["D1-1000"]).request("B1", "S1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.NO_COMMON_AVAILABILITY}


def test_buyer_full() -> None:
    event = Event(slots_per_day=2, daily_cap=1).buyer("B1").seller("S1").seller("S2")
    event.request("B1", "S1", rank=1).request("B1", "S2", rank=2)
    assert reasons(event.solve()) == {("B1", "S2"): Reason.BUYER_FULL}


def test_seller_full() -> None:
    event = Event(slots_per_day=2, daily_cap=1).buyer("B1").buyer("B2").seller("S1")
    event.request("S1", "B1", rank=1).request("S1", "B2", rank=2)
    assert reasons(event.solve()) == {("B2", "S1"): Reason.SELLER_FULL}


def test_full_counts_only_slots_both_are_available_in() -> None:
    # B1 is free at 10:00, but S1 is not available then; where both are available B1 is busy
    event = Event(slots_per_day=2).buyer("B1").seller("S1", unavailable=["D1-1000"]).seller("S2")
    event.fix("B1", "S2", "D1-0900").request("B1", "S1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.BUYER_FULL}


def test_both_full() -> None:
    event = Event(slots_per_day=2, daily_cap=1).buyer("B1").buyer("B2").seller("S1").seller("S2")
    event.fix("B1", "S2", "D1-0900").fix("B2", "S1", "D1-1000").request("B1", "S1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.BOTH_FULL}


def test_no_common_free_slot() -> None:
    event = Event(slots_per_day=2).buyer("B1").buyer("B2").seller("S1").seller("S2")
    event.fix("B1", "S2", "D1-0900").fix("B2", "S1", "D1-1000").request("B1", "S1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.NO_COMMON_FREE_SLOT}


def test_a_zero_cap_makes_every_slot_unusable() -> None:
    event = Event().buyer("B1", daily_cap=0).seller("S1").request("S1", "B1")
    assert reasons(event.solve()) == {("B1", "S1"): Reason.BUYER_FULL}


def test_the_reason_is_judged_when_the_candidate_is_taken() -> None:
    event = Event(slots_per_day=2).buyer("B1").buyer("B2")
    event.seller("S1").seller("S2").seller("S3").fix("B2", "S2", "D1-1000")
    event.request("B1", "S1", rank=1)  # takes 09:00, leaving B1 only 10:00, where S2 is busy
    event.request("B1", "S2", rank=2)
    event.request("B1", "S3", rank=3)  # takes 10:00: by the end B1 has no usable slot at all
    schedule = event.solve()
    assert placed(schedule)[("B1", "S3")] == "D1-1000"
    assert reasons(schedule) == {("B1", "S2"): Reason.NO_COMMON_FREE_SLOT}


def test_unscheduled_candidates_are_listed_in_the_order_taken() -> None:
    event = one_slot_buyer("S1", "S2", "S3", "S4")
    event.request("S4", "B1", rank=1, at="2023-06-01T09:00:00+09:00")
    event.request("S3", "B1", rank=1, at="2023-06-01T10:00:00+09:00")
    event.request("S2", "B1", rank=2)
    event.request("B1", "S1", rank=5)  # tier buyer: taken first, whatever its rank
    schedule = event.solve()
    assert placed(schedule) == {("B1", "S1"): "D1-0900"}
    assert [u.seller for u in schedule.unscheduled] == ["S4", "S3", "S2"]
