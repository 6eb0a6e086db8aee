from datetime import date, timedelta

import pytest
from sqlmodel import select

import builders
from builders import DEADLINE
from store.availability import unavailable_slot_ids
from store.db import session_scope
from store.event import slots
from store.models import Event, Phase

DAY_ONE, DAY_TWO = date(2024, 6, 20), date(2024, 6, 21)


@pytest.fixture
def seller(bot, engine):
    """S1 (Korean) and B1 (English), both linked to Telegram."""
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", telegram_id=1002, language="en")
        return builders.participant(session, "S1", telegram_id=1001, language="ko").id


def slot_ids(engine, day):
    with session_scope(engine) as session:
        return [s.id for s in slots(session) if s.day == day]


def unavailable(engine, participant_id):
    with session_scope(engine) as session:
        return unavailable_slot_ids(session, participant_id)


def labels(message):
    return [label for row in message.keyboard for label, _ in row]


async def open_grid(user):
    [menu] = await user.ask("/menu")
    await user.press_data(menu, "avail")
    return await user.wait_reply()


async def test_one_message_per_day_everything_available_at_first(seller, fake):
    kim = fake.user(1001, "Kim", language_code="ko")
    intro, first, second = await open_grid(kim)
    assert "상담가능시간" in intro.text and "가능" in intro.text
    assert "6월 20일" in first.text and "6월 21일" in second.text
    assert labels(first)[:5] == ["✅ 09:00", "✅ 09:30", "✅ 10:00", "✅ 11:00", "✅ 11:30"]
    assert "✅ 가능 5개\n" in first.text and "0개" not in first.text  # no "불가 0개"
    assert all(len(data.encode()) < 64 for row in first.keyboard for _, data in row)


async def test_a_press_switches_one_slot_and_edits_that_day_in_place(seller, fake, engine):
    kim = fake.user(1001, "Kim", language_code="ko")
    _, first, second = await open_grid(kim)
    await kim.press(first, "✅ 09:30")
    [edited] = await kim.wait_reply()
    assert edited.message_id == first.message_id
    assert labels(edited)[:3] == ["✅ 09:00", "⛔ 09:30", "✅ 10:00"]
    assert "✅ 가능 4개, ⛔ 불가 1개" in edited.text
    assert unavailable(engine, seller) == {slot_ids(engine, DAY_ONE)[1]}
    await kim.press(edited, "⛔ 09:30")
    [again] = await kim.wait_reply()
    assert labels(again)[1] == "✅ 09:30"
    assert unavailable(engine, seller) == set()
    assert labels(second)[1] == "✅ 09:30"  # the other day's message was left alone


async def test_all_off_and_all_on_switch_one_day(seller, fake, engine):
    lee = fake.user(1001, "Lee", language_code="ko")
    _, first, _ = await open_grid(lee)
    await lee.press(first, "⛔ 전체 불가")
    [edited] = await lee.wait_reply()
    assert labels(edited)[:5] == ["⛔ 09:00", "⛔ 09:30", "⛔ 10:00", "⛔ 11:00", "⛔ 11:30"]
    assert unavailable(engine, seller) == set(slot_ids(engine, DAY_ONE))
    await lee.press(edited, "✅ 전체 가능")
    [edited] = await lee.wait_reply()
    assert labels(edited)[:5] == ["✅ 09:00", "✅ 09:30", "✅ 10:00", "✅ 11:00", "✅ 11:30"]
    assert unavailable(engine, seller) == set()


async def test_english_grid(seller, fake, engine):
    ann = fake.user(1002, "Ann", language_code="en")
    intro, first, _ = await open_grid(ann)
    assert "Available times" in intro.text and "Jun 20" in first.text
    await ann.press(first, "⛔ None available")
    [edited] = await ann.wait_reply()
    assert "⛔ 5 unavailable" in edited.text and "0 available" not in edited.text


async def test_after_the_deadline_the_grid_is_read_only(seller, fake, engine, clock):
    kim = fake.user(1001, "Kim", language_code="en")
    _, first, _ = await open_grid(kim)
    clock.now = DEADLINE + timedelta(minutes=1)
    await kim.press(first, "✅ 09:00")
    [edited] = await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert
    assert "마감" in kim.callback_answers[-1].text
    # read-only: the day's times as text, split at the break, nothing to press but the way back
    assert "누르면" not in edited.text and labels(edited) == ["⬅️ 뒤로"]
    assert "✅ 09:00~10:30 가능\n✅ 11:00~12:00 가능" in edited.text
    assert unavailable(engine, seller) == set()
    [closed] = await open_grid(kim)  # one message: both days, no toggles
    assert "마감" in closed.text and "6월 20일" in closed.text and "6월 21일" in closed.text
    assert labels(closed) == ["⬅️ 뒤로"]
    await kim.press_data(first, f"avail:t:20240620:{slot_ids(engine, DAY_ONE)[-1]}")
    await kim.wait_reply()
    assert "마감" in kim.callback_answers[-1].text
    assert unavailable(engine, seller) == set()


async def test_once_the_phase_moves_on_the_grid_is_read_only(seller, fake, engine):
    kim = fake.user(1001, "Kim", language_code="ko")
    _, first, _ = await open_grid(kim)
    with session_scope(engine) as session:
        session.exec(select(Event)).one().phase = Phase.closed
    await kim.press(first, "⛔ 전체 불가")
    await kim.wait_reply()
    assert "마감" in kim.callback_answers[-1].text
    assert unavailable(engine, seller) == set()


@pytest.mark.parametrize(
    "forged",
    [
        "avail:t:20240620:999999",  # no such slot
        "avail:t:20240620:{other_day}",  # a slot of the other day
        "avail:t:20240622:{this_day}",  # a day that is not part of the fair
        "avail:t:20241399:{this_day}",  # not a date
        "avail:on:20240619",
        "avail:off:",
        "avail:x",
        "avail:t:20240620:1:2",
        "avail:t:20240620:-1",
    ],
)
async def test_forged_buttons_are_refused_and_change_nothing(seller, fake, engine, forged):
    kim = fake.user(1001, "Kim", language_code="en")
    _, first, _ = await open_grid(kim)
    data = forged.format(
        other_day=slot_ids(engine, DAY_TWO)[0], this_day=slot_ids(engine, DAY_ONE)[0]
    )
    await kim.press_data(first, data)
    await kim.wait_reply()
    answer = kim.callback_answers[-1]
    assert answer.show_alert and answer.text
    assert unavailable(engine, seller) == set()
    assert labels(first)[0] == "✅ 09:00"


async def test_strangers_are_told_to_join_first(seller, fake, engine):
    eve = fake.user(3003, "Eve", language_code="en")
    [welcome] = await eve.ask("/start")
    await eve.press_data(welcome, f"avail:t:20240620:{slot_ids(engine, DAY_ONE)[0]}")
    await eve.wait_reply()
    assert "not registered" in eve.callback_answers[-1].text
    await eve.press_data(welcome, "avail")
    await eve.wait_reply()
    assert "not registered" in eve.callback_answers[-1].text


async def test_a_press_on_the_read_only_grid_sends_no_edit_that_changes_nothing(
    seller, fake, clock, engine
):
    kim = fake.user(1001, "Kim", language_code="en")
    clock.now = DEADLINE + timedelta(minutes=1)
    [closed] = await open_grid(kim)  # already read-only
    edits_before = [c for c in fake.calls if c.method.startswith("edit")]
    await kim.press_data(closed, f"avail:t:20240620:{slot_ids(engine, DAY_ONE)[0]}")
    await kim.wait_reply()
    assert "마감" in kim.callback_answers[-1].text
    edits = [c for c in fake.calls if c.method.startswith("edit")]
    assert edits == edits_before  # the alert is the whole answer: no "message is not modified"
