from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import NotFound
from store.exchange import store_schedule
from store.models import Participant, Phase, Role, Slot, Tier, Unavailability
from store.requests import send_request
from store.timetable import (
    Requester,
    Why,
    digest,
    schedule_screen,
    timetable,
    timetables,
    unscheduled,
)

SEOUL = ZoneInfo("Asia/Seoul")


def _off(session, participant, code):
    slot = session.exec(select(Slot).where(Slot.code == code)).one()
    session.add(Unavailability(participant_id=participant.id, slot_id=slot.id))
    session.flush()


def test_a_buyer_sees_every_slot_of_every_day_with_meetings_and_own_unavailability(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1", company="Acme Trading")
        seller = builders.participant(
            session,
            "S1",
            company="한빛화장품",
            industry="cosmetics",
            contact_name="김민지",
            email="minji@hanbit.kr",
            phone="+82 10 1234 5678",
        )
        builders.meeting(session, buyer, seller, "D1-0930")
        _off(session, buyer, "D2-1130")
        buyer_id = buyer.id
    with session_scope(engine) as session:
        table = timetable(session, buyer_id)
    # The snapshot is plain data: it is read here, after its session closed.
    assert (table.company, table.role, table.event_name) == (
        "Acme Trading",
        Role.buyer,
        "Boom Up Korea 2024",
    )
    assert [day.date.isoformat() for day in table.days] == ["2024-06-20", "2024-06-21"]
    assert [e.code for e in table.days[0].slots] == [
        "D1-0900",
        "D1-0930",
        "D1-1000",
        "D1-1100",
        "D1-1130",
    ]
    first = table.days[0].slots[1]
    assert first.start == datetime(2024, 6, 20, 9, 30, tzinfo=SEOUL)
    assert first.end.time() == time(10, 0)
    assert first.meeting is not None
    assert first.meeting.booth == "T-B1"
    assert first.meeting.tier == Tier.mutual
    other = first.meeting.counterpart
    assert (other.company, other.country, other.industry) == ("한빛화장품", "KR", "cosmetics")
    assert (other.contact_name, other.email, other.phone) == (
        "김민지",
        "minji@hanbit.kr",
        "+82 10 1234 5678",
    )
    assert [e.code for e in table.meetings] == ["D1-0930"]
    assert [e.code for e in table.entries if not e.available] == ["D2-1130"]
    assert table.meeting(first.meeting.id) is first
    assert table.meeting(first.meeting.id + 1000) is None


def test_a_seller_sees_the_buyer_across_the_table_at_the_buyers_booth(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1", company="Acme Trading", country="US")
        seller = builders.participant(session, "S1")
        builders.meeting(session, buyer, seller, "D2-1100", tier=Tier.buyer)
        seller_id = seller.id
    with session_scope(engine) as session:
        table = timetable(session, seller_id)
    [entry] = table.meetings
    assert entry.code == "D2-1100"
    assert entry.meeting.counterpart.company == "Acme Trading"
    assert entry.meeting.counterpart.role == Role.buyer
    assert (entry.meeting.booth, entry.meeting.buyer_code, entry.meeting.seller_code) == (
        "T-B1",
        "B1",
        "S1",
    )


def test_a_full_schedule_over_three_days(engine):
    with session_scope(engine) as session:
        builders.three_day_event(session, daily_cap=5)
        seller = builders.participant(session, "S1")
        codes = [s.code for s in session.exec(select(Slot).order_by(Slot.ordinal)).all()]
        for number, code in enumerate(codes, start=1):
            buyer = builders.participant(session, f"B{number}", company=f"Buyer {number}")
            builders.meeting(session, buyer, seller, code)
        seller_id = seller.id
    with session_scope(engine) as session:
        table = timetable(session, seller_id)
    assert len(table.days) == 3
    assert [e.code for e in table.meetings] == codes
    assert len(codes) == 15
    assert {e.meeting.counterpart.company for e in table.meetings} == {
        f"Buyer {n}" for n in range(1, 16)
    }


def test_no_meetings_gives_an_empty_timetable_with_every_slot(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer_id = builders.participant(session, "B1").id
    with session_scope(engine) as session:
        table = timetable(session, buyer_id)
    assert table.meetings == ()
    assert len(table.entries) == 10
    assert all(e.available and e.meeting is None for e in table.entries)


def test_an_unknown_participant_is_not_found(engine):
    with session_scope(engine) as session:
        builders.event(session)
        with pytest.raises(NotFound):
            timetable(session, 999)
        with pytest.raises(NotFound):
            unscheduled(session, 999)


def _schedule(meetings, unscheduled_pairs=()):
    return {
        "format": "matchbot-schedule/1",
        "mode": "greedy",
        "meetings": [
            {"buyer": b, "seller": s, "slot": slot, "booth": booth, "tier": "mutual"}
            for b, s, slot, booth in meetings
        ],
        "unscheduled": [
            {"buyer": b, "seller": s, "tier": tier, "reason": reason}
            for b, s, tier, reason in unscheduled_pairs
        ],
    }


def test_the_digest_follows_the_meetings_only(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1")
        builders.participant(session, "S1")
        builders.participant(session, "S2")
        store_schedule(session, _schedule([("B1", "S1", "D1-0900", "T-B1")]))
        buyer_id = buyer.id
    with session_scope(engine) as session:
        first = digest(timetable(session, buyer_id))
        # Storing the same schedule again gives new meeting ids but the same digest.
        store_schedule(session, _schedule([("B1", "S1", "D1-0900", "T-B1")]))
        assert digest(timetable(session, buyer_id)) == first
        # Switching a free slot off is not news for an announcement.
        _off(session, session.get(Participant, buyer_id), "D2-1130")
        assert digest(timetable(session, buyer_id)) == first
        store_schedule(session, _schedule([("B1", "S1", "D1-0930", "T-B1")]))
        moved = digest(timetable(session, buyer_id))
        store_schedule(session, _schedule([("B1", "S1", "D1-0930", "T-9")]))
        rebooth = digest(timetable(session, buyer_id))
        store_schedule(session, _schedule([("B1", "S2", "D1-0930", "T-9")]))
        other = digest(timetable(session, buyer_id))
    assert len({first, moved, rebooth, other}) == 4
    assert len(first) == 64


def _id_of(session, code):
    return session.exec(select(Participant.id).where(Participant.code == code)).one()


def test_reasons_are_seen_from_the_participants_side(engine):
    with session_scope(engine) as session:
        builders.event(session)
        for code in ("B1", "B2", "B3", "S1", "S2", "S3"):
            builders.participant(session, code, company=f"Company {code}")
        store_schedule(
            session,
            _schedule(
                [("B3", "S3", "D1-0900", "T-B3")],
                [
                    ("B1", "S1", "mutual", "buyer_full"),
                    ("B1", "S2", "buyer", "seller_full"),
                    ("B2", "S1", "seller", "no_common_availability"),
                    ("B1", "S3", "seller", "both_full"),
                    ("B2", "S2", "buyer", "no_common_free_slot"),
                ],
            ),
        )
        b1, s1 = _id_of(session, "B1"), _id_of(session, "S1")
    with session_scope(engine) as session:
        for_buyer = unscheduled(session, b1)
        for_seller = unscheduled(session, s1)
    assert [(u.counterpart.code, u.requester, u.why, u.reason) for u in for_buyer] == [
        ("S1", Requester.both, Why.own_full, "buyer_full"),
        ("S2", Requester.me, Why.their_full, "seller_full"),
        ("S3", Requester.them, Why.both_full, "both_full"),
    ]
    assert [(u.counterpart.code, u.requester, u.why) for u in for_seller] == [
        ("B1", Requester.both, Why.their_full),
        ("B2", Requester.me, Why.no_common_availability),
    ]


def test_timetables_read_together_are_each_ones_own(engine):
    """/announce prepares its deliveries in batches: each timetable read with others' is the
    one read alone (meetings, unavailable times, requests and unscheduled pairs kept apart)."""
    codes = ("B1", "B2", "B3", "S1", "S2", "S3", "S4")
    with session_scope(engine) as session:
        builders.event(session)
        people = {code: builders.participant(session, code) for code in codes}
        meetings = [("B3", "S3", "D1-0900", "T-B3"), ("B1", "S3", "D1-0930", "T-B1")]
        pairs = [("B1", "S1", "mutual", "buyer_full"), ("B2", "S2", "buyer", "no_common_free_slot")]
        store_schedule(session, _schedule(meetings, pairs))
        _off(session, people["B1"], "D2-1130")
        send_request(session, people["S4"].id, people["B3"].id, builders.NOW)
        ids = {code: person.id for code, person in people.items()}
    with session_scope(engine) as session:
        together = timetables(session, [*ids.values(), max(ids.values()) + 1])
        alone = {i: timetable(session, i) for i in ids.values()}
    assert together == alone  # the unknown id left out
    seen = {
        code: (alone[i].requested, alone[i].unplaced, len(alone[i].meetings))
        for code, i in ids.items()
    }
    assert seen == {
        "B1": (True, 1, 1),
        "B2": (True, 1, 0),
        "B3": (True, 0, 1),
        "S1": (True, 1, 0),
        "S2": (True, 1, 0),
        "S3": (False, 0, 2),
        "S4": (True, 0, 0),
    }
    assert [e.code for e in alone[ids["B1"]].entries if not e.available] == ["D2-1130"]
    assert all(e.available for e in alone[ids["B2"]].entries)


def test_a_pair_placed_by_hand_after_the_run_is_no_longer_unscheduled(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1")
        seller = builders.participant(session, "S1")
        store_schedule(session, _schedule([], [("B1", "S1", "mutual", "buyer_full")]))
        assert len(unscheduled(session, buyer.id)) == 1
        builders.meeting(session, buyer, seller, "D2-0900", tier=Tier.fixed)
        assert unscheduled(session, buyer.id) == []
        assert unscheduled(session, seller.id) == []


def test_my_schedule_shows_the_event_alone_until_announced_then_the_timetable_or_why(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer = builders.participant(session, "B1")
        builders.meeting(session, buyer, builders.participant(session, "S1"), "D1-0930")
        buyer_id = buyer.id
    with session_scope(engine) as session:
        before = schedule_screen(session, buyer_id, why=False)
        builders.set_phase(session, Phase.announced)
    with session_scope(engine) as session:
        after = schedule_screen(session, buyer_id, why=False)
        why = schedule_screen(session, buyer_id, why=True)
    assert before.table is None and before.unscheduled is None
    assert [m.code for m in after.table.meetings] == ["D1-0930"]
    assert why.table is None and why.unscheduled == []
