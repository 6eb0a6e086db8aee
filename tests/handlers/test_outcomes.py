"""Meeting outcomes through the fake Telegram server: the question when the slot ends, the
answer, an expected value and a note typed, a change, one reminder to those who did not
answer, nothing sent twice, nothing shown to the counterpart, and the end of the window."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from admin_helpers import chat_users, organizer, process
from sqlmodel import select

import builders
from fake_telegram import DEFAULT_TOKEN
from handlers.outcomes import stats_line
from jobs.schedule import schedule_all
from store.db import session_scope
from store.models import MeetingOutcome, OutcomeResult, Phase
from store.outcomes import OutcomeCounts

WAIT = 30.0
SEOUL = ZoneInfo("Asia/Seoul")
END = datetime(2024, 6, 20, 9, 30, tzinfo=SEOUL)  # D1-0900 ends
PEOPLE = {"B1": 1001, "B2": 1002, "S1": 2001, "S2": 2002}


@pytest.fixture
async def app(fake, engine, clock):
    with session_scope(engine) as session:
        builders.event(session)
        p = builders.bilingual_people(session, PEOPLE)
        builders.meeting(session, p["B1"], p["S1"], "D1-0900")
        builders.meeting(session, p["B2"], p["S2"], "D1-0900")
        builders.set_phase(session, Phase.announced)
    clock.now = END - timedelta(minutes=1)
    async with process(fake, engine, clock, DEFAULT_TOKEN) as application:
        yield application


def says(fragment):
    return lambda message: fragment in (message.text or "")


def sent(fake, user, fragment):
    """New messages (not edits) the bot sent the user with `fragment`."""
    return sum(
        call.method == "sendMessage"
        and call.chat_id == user.id
        and fragment in str(call.params.get("text"))
        for call in fake.calls
    )


async def test_outcomes_after_a_meeting(app, fake, engine, clock):
    people = chat_users(fake, PEOPLE)
    clock.now = END
    await schedule_all(app)
    await people["B1"].wait_for(says("How did your meeting with 국내기업 S1 go?"), timeout=WAIT)
    await people["S1"].wait_for(says("Buyer B1 업체와의 상담은 어떠셨습니까?"), timeout=WAIT)
    for code in ("B2", "S2"):
        await people[code].wait_for(lambda m: m.keyboard, timeout=WAIT)
    prompt = people["B1"].messages[-1]
    assert "booth T-B1" in prompt.text
    assert [row[0][0] for row in prompt.keyboard] == [
        "Did not take place (no-show)",
        "Not a fit",
        "Interested (will follow up)",
        "Quote or sample requested",
        "Contract likely",
    ]
    assert [row[0][0] for row in people["S1"].messages[-1].keyboard][-1] == "계약 가능성 높음"

    # B1 answers, then adds a value (a slip first) and a note.
    await people["B1"].press(prompt, "Interested (will follow up)")
    [summary] = await people["B1"].wait_reply()
    assert "Interested (will follow up)" in summary.text and "Expected deal value: not given" in (
        summary.text
    )
    await people["B1"].press(summary, "💵 Expected value (USD)")
    [question] = await people["B1"].wait_reply()
    assert "in US dollars" in question.text
    [slip] = await people["B1"].ask("about fifteen")
    assert slip.text.startswith("That is not an amount in US dollars")
    [saved] = await people["B1"].ask("$15k")
    assert "Expected deal value: US$15,000" in saved.text
    await people["B1"].press(saved, "🗒 Note")
    await people["B1"].wait_reply()
    [saved] = await people["B1"].ask("Wants samples of the <b>toner</b> by July")
    assert "Note: Wants samples of the <b>toner</b> by July" in saved.text

    # A change keeps the value and the note.
    await people["B1"].press(saved, "✏️ Change the answer")
    [again] = await people["B1"].wait_reply()
    await people["B1"].press(again, "Contract likely")
    [changed] = await people["B1"].wait_reply()
    assert "Contract likely" in changed.text and "US$15,000" in changed.text

    # S1 answers in Korean; neither side ever sees the other's answer.
    await people["S1"].press(people["S1"].messages[-1], "견적 또는 샘플 요청")
    [korean] = await people["S1"].wait_reply()
    assert "예상 거래 금액: 입력 안 함" in korean.text
    assert not any(
        "15,000" in (m.text or "") or "toner" in (m.text or "") for m in people["S1"].messages
    )
    assert not any("견적" in (m.text or "") for m in people["B1"].messages)
    with session_scope(engine) as session:
        rows = {(o.result, o.value_usd, o.note) for o in session.exec(select(MeetingOutcome))}
    assert rows == {
        (OutcomeResult.contract_likely, 15000, "Wants samples of the <b>toner</b> by July"),
        (OutcomeResult.quote_requested, None, ""),
    }

    # Again (a restart would do the same): nobody is asked twice.
    await schedule_all(app)
    # Two hours later one reminder goes to those asked who have not answered.
    clock.now = END + timedelta(hours=2)
    await schedule_all(app)
    for code in ("B2", "S2"):
        await people[code].wait_for(says("🔔"), timeout=WAIT)
    await schedule_all(app)
    admin = organizer(fake)
    [figures] = await admin.ask("/stats")
    assert "Meeting outcomes: 2 of 4 answered" in figures.text
    # Whole lines: the zero counts (blocked, given up, still to send) are left out.
    assert "Outcome questions: 4 delivered, 2 answered" in figures.text.splitlines()
    assert "Survey questions" not in figures.text  # none yet
    # an outcome counted is spelled as its button ("Contract likely"), one wording for one thing
    assert "1 × Contract likely" in figures.text
    assert "expected deal value US$15,000" in figures.text
    for code, user in people.items():
        asked = "did your meeting with" if code.startswith("B") else "상담은 어떠셨습니까"
        reminded = code in ("B2", "S2")
        assert sent(fake, user, asked) == 1 + reminded, code
        assert sent(fake, user, "🔔") == reminded, code

    # A week after the fair answers close.
    clock.now = datetime(2024, 6, 21, 12, 0, tzinfo=SEOUL) + timedelta(days=7)
    await people["B2"].press(people["B2"].messages[-1], "Not a fit")
    await people["B2"].wait_reply()
    assert people["B2"].callback_answers[-1].text.startswith("Answers about the meetings closed")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Meeting outcomes: 2 sides asked, no answer yet"),
        ("ko", "상담 결과: 요청 2건, 아직 답변이 없습니다"),
    ],
)
def test_stats_before_any_answer_says_so_instead_of_an_empty_list(
    language: str, expected: str
) -> None:
    nothing = OutcomeCounts(asked=2, results={"contract": 0, "interested": 0}, expected_usd=0)

    assert stats_line(language, nothing) == expected
