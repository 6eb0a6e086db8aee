"""The fair day's buttons as store calls: "I'll be there" and giving a meeting up, with what
their screens show (both sides, the event's time zone) and their refusals."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import select

import builders
from builders import NOW
from store.db import session_scope
from store.fairday import (
    AlreadyConfirmed,
    MeetingGone,
    MeetingSides,
    MeetingStarted,
    cancel,
    confirm,
)
from store.models import CancelReason, Meeting, MeetingConfirmation, Notice, NoticeKind
from store.notices import Draft

STARTED = datetime(2024, 6, 20, 1, 0, tzinfo=UTC)  # 10:00 in Seoul: D1-0930 is on


@pytest.fixture
def meeting(engine):
    with session_scope(engine) as session:
        builders.event(session)
        buyer, seller = builders.participant(session, "B1"), builders.participant(session, "S1")
        made = builders.meeting(session, buyer, seller, "D1-0930")
        return made.id, buyer.id, seller.id


def test_confirming_returns_both_sides_and_the_event_time_zone_and_only_once(engine, meeting):
    meeting_id, buyer, _ = meeting
    with session_scope(engine) as session:
        sides = confirm(session, meeting_id, buyer, NOW)
    assert (sides.me.code, sides.other.code, sides.timezone) == ("B1", "S1", "Asia/Seoul")
    with session_scope(engine) as session, pytest.raises(AlreadyConfirmed):
        confirm(session, meeting_id, buyer, NOW)


def test_a_meeting_given_up_is_gone_for_both_and_not_someone_elses_to_touch(engine, meeting):
    meeting_id, buyer, seller = meeting
    with session_scope(engine) as session:
        stranger = builders.participant(session, "S2").id
    with session_scope(engine) as session, pytest.raises(MeetingGone):
        cancel(session, meeting_id, stranger, CancelReason.cant_attend, NOW)
    with session_scope(engine) as session:
        done = cancel(session, meeting_id, buyer, CancelReason.cant_attend, NOW)
    assert done.sides.other.code == "S1" and done.place_id
    with session_scope(engine) as session, pytest.raises(MeetingGone):
        confirm(session, meeting_id, seller, NOW)


def test_nothing_changes_once_the_meeting_started(engine, meeting):
    meeting_id, buyer, _ = meeting
    with session_scope(engine) as session, pytest.raises(MeetingStarted):
        confirm(session, meeting_id, buyer, STARTED)


def _told(sides: MeetingSides) -> Draft:
    return Draft(NoticeKind.fairday, sides.other.participant_id, f"m-{sides.meeting_id}", "told")


def _notices(engine) -> list[tuple[int, str]]:
    with session_scope(engine) as session:
        return [(n.participant_id, n.key) for n in session.exec(select(Notice)).all()]


@pytest.mark.parametrize("answer", ["confirm", "cancel"])
def test_the_counterparts_notice_is_queued_with_the_answer_or_not_at_all(engine, meeting, answer):
    meeting_id, buyer, seller = meeting

    def answering(notice: Callable[[MeetingSides], Draft]) -> None:
        with session_scope(engine) as session:
            if answer == "confirm":
                confirm(session, meeting_id, buyer, NOW, notice=notice)
            else:
                cancel(session, meeting_id, buyer, CancelReason.cant_attend, NOW, notice=notice)

    def failing(sides: MeetingSides) -> Draft:
        raise RuntimeError("killed between the change and its notice")

    with pytest.raises(RuntimeError):
        answering(failing)
    with session_scope(engine) as session:
        assert session.get(Meeting, meeting_id) is not None
        assert session.exec(select(MeetingConfirmation)).all() == []
    assert _notices(engine) == []
    answering(_told)
    assert _notices(engine) == [(seller, f"m-{meeting_id}")]
