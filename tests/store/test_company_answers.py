"""A company answers the outcome prompt and the follow-up survey once, whoever of it gave the
answer (each of its people gets a copy of the question): /results, /today and the results
workbook count it once; /stats counts the question as reached when any copy was."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.models import DeliveryStatus, Notice, NoticeKind, OutcomeResult, Signed
from store.notices import Draft, question_tallies, queue
from store.outcomes import record_outcome
from store.results import results, today
from store.survey import answer_survey

MAIN, KIM = 2001, 5001
START = datetime(2024, 6, 20, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # D1-0900
AFTER = START + timedelta(hours=1)


@pytest.fixture
def fair(engine) -> dict[str, int]:
    """S1 (main contact MAIN) with colleague Kim (KIM) met B1 in D1-0900."""
    with session_scope(engine) as session:
        builders.event(session)
        s1 = builders.participant(session, "S1", telegram_id=MAIN)
        b1 = builders.participant(session, "B1", telegram_id=1001)
        meeting = builders.meeting(session, b1, s1, "D1-0900")
        kim = builders.colleague(session, s1.id, MAIN, KIM, "Kim", "en")
        return {"S1": s1.id, "B1": b1.id, "meeting": meeting.id, "Kim": kim.id}


def test_a_colleagues_answers_count_once_for_the_company(fair, engine):
    meeting, s1 = fair["meeting"], fair["S1"]
    with session_scope(engine) as session:
        record_outcome(session, meeting, s1, OutcomeResult.no_show, AFTER, fair["Kim"])
        answer_survey(session, meeting, s1, Signed.mou, AFTER)  # Kim's press, for the company
        answer_survey(session, meeting, s1, Signed.contract, AFTER)  # the main contact's
    with session_scope(engine) as session:
        figures, day = results(session, AFTER), today(session, AFTER)
    by_code = {company.code: tally for company, tally in figures.companies}
    assert (by_code["S1"].asked, by_code["S1"].answered) == (1, 1)
    assert by_code["S1"].outcomes["no_show"] == 1 and by_code["S1"].no_show == 1
    assert (by_code["S1"].contracts, by_code["S1"].mous) == (1, 0)
    assert (figures.overall.answered, figures.overall.contracts) == (1, 1)
    assert day.no_shows == 1


@pytest.mark.parametrize("kind", [NoticeKind.outcome, NoticeKind.survey])
def test_a_question_reached_through_a_colleague_counts_as_sent(fair, engine, kind):
    """S1's main contact blocked the bot and Kim got the question; B1's copy is on its way."""
    with session_scope(engine) as session:
        for side in ("S1", "B1"):
            queue(session, [Draft(kind, fair[side], f"q-{fair['meeting']}", "?")])
        for notice in session.exec(select(Notice)).all():
            if notice.participant_id == fair["S1"]:
                notice.status = (
                    DeliveryStatus.sent if notice.colleague_id else DeliveryStatus.blocked
                )
            session.add(notice)
        counts = question_tallies(session)[kind]
    assert (counts.sent, counts.blocked, counts.left, counts.total) == (1, 0, 1, 2)
