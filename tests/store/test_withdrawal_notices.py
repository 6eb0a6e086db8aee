"""A withdrawal's notices are queued with its claim (store/withdrawal.py claim_announcement):
a process that dies after claiming it cannot leave anyone untold."""

import pytest
from sqlmodel import select

import builders
from builders import NOW
from store.db import session_scope
from store.models import DeliveryStatus, Notice, NoticeKind
from store.notices import Draft
from store.withdrawal import Withdrawal, claim_announcement, untold, withdraw


@pytest.fixture
def withdrawn(engine) -> int:
    with session_scope(engine) as session:
        builders.event(session)
        buyer, seller = builders.participant(session, "B1"), builders.participant(session, "S1")
        builders.meeting(session, buyer, seller, "D1-0930")
        withdraw(session, builders.ADMIN, "S1", "left", NOW)
        return seller.id


def _told(done: Withdrawal, timezone: str) -> list[Draft | None]:
    others = [freed.other.participant_id for freed in done.meetings]
    return [None, *(Draft(NoticeKind.withdrawal, o, f"{done.key}-m", timezone) for o in others)]


def _pending(engine) -> list[str]:
    with session_scope(engine) as session:
        rows = session.exec(select(Notice).where(Notice.status == DeliveryStatus.pending))
        return [row.text for row in rows]


def test_the_notices_are_queued_with_the_claim_or_neither_is(engine, withdrawn):
    def failing(done: Withdrawal, timezone: str) -> list[Draft | None]:
        raise RuntimeError("killed between the claim and its notices")

    with pytest.raises(RuntimeError), session_scope(engine) as session:
        claim_announcement(session, withdrawn, NOW, failing)
    with session_scope(engine) as session:
        assert untold(session) == [withdrawn]  # not claimed: told by the next try
    assert _pending(engine) == []
    with session_scope(engine) as session:
        assert claim_announcement(session, withdrawn, NOW, _told) is not None
        assert untold(session) == []
    assert _pending(engine) == ["Asia/Seoul"]  # the counterpart's, in the fair's zone
