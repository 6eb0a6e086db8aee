from datetime import timedelta

from sqlmodel import select

import builders
from builders import NOW
from store.availability import toggle_slot
from store.db import session_scope
from store.event import slots
from store.exchange import export_instance, store_schedule
from store.models import Meeting, Participant, Tier, UnscheduledPair
from store.requests import accept_request, cancel_request, send_request


def test_the_instance_file_carries_everything_the_engine_needs(engine):
    with session_scope(engine) as session:
        builders.event(session, daily_cap=6)
        b1 = builders.participant(session, "B1", daily_cap=3)
        s1 = builders.participant(session, "S1", company="한빛화장품")
        s2 = builders.participant(session, "S2")
        toggle_slot(session, s1.id, slots(session)[1].id, NOW)
        accept_request(session, send_request(session, s1.id, b1.id, NOW).id, b1.id, NOW)
        later = NOW + timedelta(minutes=5)
        cancel_request(session, send_request(session, b1.id, s2.id, later).id, b1.id, later)
        session.add(
            Meeting(
                buyer_id=b1.id,
                seller_id=s2.id,
                slot_id=slots(session)[0].id,
                booth=b1.booth,
                tier=Tier.fixed,
            )
        )
    with session_scope(engine) as session:
        instance = export_instance(session)
    assert instance["format"] == "matchbot-instance/1" and instance["daily_cap"] == 6
    assert instance["slots"][0] == {
        "id": "D1-0900",
        "day": "2024-06-20",
        "start": "09:00",
        "end": "09:30",
    }
    assert len(instance["slots"]) == 10
    participants = {p["id"]: p for p in instance["participants"]}
    assert participants["B1"] == {
        "id": "B1",
        "role": "buyer",
        "company": "Company B1",
        "country": "US",
        "industry": "cosmetics",
        "booth": "T-B1",
        "daily_cap": 3,
    }
    assert participants["S1"]["unavailable"] == ["D1-0930"]
    assert instance["requests"] == [
        {
            "from": "S1",
            "to": "B1",
            "at": "2024-06-01T09:00:00+00:00",
            "rank": 1,
            "status": "accepted",
        },
        {
            "from": "B1",
            "to": "S2",
            "at": "2024-06-01T09:05:00+00:00",
            "rank": 1,
            "status": "cancelled",
        },
    ]
    assert instance["fixed"] == [{"buyer": "B1", "seller": "S2", "slot": "D1-0900"}]


def test_storing_a_schedule_replaces_automatic_meetings_and_keeps_fixed_ones(engine):
    with session_scope(engine) as session:
        builders.event(session)
        for code in ("B1", "B2", "S1", "S2"):
            builders.participant(session, code)
    schedule = {
        "meetings": [
            {"buyer": "B1", "seller": "S1", "slot": "D1-0900", "booth": "T-B1", "tier": "fixed"},
            {"buyer": "B2", "seller": "S1", "slot": "D1-0930", "booth": "T-B2", "tier": "mutual"},
        ],
        "unscheduled": [{"buyer": "B2", "seller": "S2", "tier": "seller", "reason": "buyer_full"}],
    }
    with session_scope(engine) as session:
        fixed_pair = {p.code: p.id for p in session.exec(select(Participant)).all()}
        session.add(
            Meeting(
                buyer_id=fixed_pair["B1"],
                seller_id=fixed_pair["S1"],
                slot_id=slots(session)[0].id,
                booth="T-B1",
                tier=Tier.fixed,
            )
        )
    for _ in range(2):  # storing twice gives the same result
        with session_scope(engine) as session:
            assert store_schedule(session, schedule) == 1
    with session_scope(engine) as session:
        tiers = sorted(m.tier for m in session.exec(select(Meeting)).all())
        assert tiers == [Tier.fixed, Tier.mutual]
        reasons = [u.reason for u in session.exec(select(UnscheduledPair)).all()]
        assert reasons == ["buyer_full"]
