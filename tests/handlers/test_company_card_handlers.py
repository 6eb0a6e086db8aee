"""The company card of 🔎 Find companies, end to end: its four states, requesting with and
without a note, answering and cancelling, forged data and the deadline."""

from datetime import timedelta

import pytest
from sqlmodel import select

import builders
from builders import DEADLINE, NOW
from store.db import session_scope
from store.models import MeetingRequest, RequestStatus
from store.requests import accept_request, send_request

CONTACT = {"contact_name": "Lee Minji", "email": "minji@hanbit.kr", "phone": "+82 10 1234 5678"}


@pytest.fixture
def fair(bot, engine):
    """Kim, a buyer (English); Lee's company 한빛화장품 (Korean); two more sellers, a buyer."""
    with session_scope(engine) as session:
        builders.event(session)
        made = [
            builders.participant(
                session, "B1", company="Acme Trading", telegram_id=1001, language="en"
            ),
            builders.participant(session, "B2", company="Zeta Imports", telegram_id=1003),
            builders.participant(
                session,
                "S1",
                company="한빛화장품",
                products="마스크팩",
                website="hanbit.kr",
                description="Since 1998 <b>&</b>",
                telegram_id=1002,
                language="ko",
                **CONTACT,
            ),
            builders.participant(session, "S2", company="Seoul Beauty"),
            builders.participant(session, "S3", company="Busan Foods", industry="food"),
        ]
        return {p.code: p.id for p in made}


@pytest.fixture
def kim(fair, fake):
    return fake.user(1001, "Kim", language_code="en")


@pytest.fixture
async def lee(fair, fake):
    """Lee has opened the bot, so it can write to her."""
    user = fake.user(1002, "Lee", language_code="ko")
    await user.ask("/start")
    return user


def requests_between(engine, sender, target):
    with session_scope(engine) as session:
        query = select(MeetingRequest).where(
            MeetingRequest.from_id == sender, MeetingRequest.to_id == target
        )
        return list(session.exec(query).all())


def labels(message):
    return [label for row in message.keyboard for label, _ in row]


async def open_card(user, company):
    [menu] = await user.ask("/menu")
    await user.press_data(menu, "find")
    [found] = await user.wait_reply()
    label = next(label for label in labels(found) if company in label)
    await user.press(found, label)
    [card] = await user.wait_reply()
    assert card.message_id == found.message_id
    assert all(len(data.encode()) <= 64 for row in card.keyboard for _, data in row)
    return card


def key_of(card):
    return card.button("⬅️ Back to the list").callback_data.split(":")[1]


async def test_a_card_shows_the_catalogue_details_but_no_contact(kim):
    card = await open_card(kim, "한빛화장품")
    assert "한빛화장품" in card.text and "Korean company · South Korea · Cosmetics" in card.text
    assert "Products: 마스크팩" in card.text and "Website: hanbit.kr" in card.text
    assert "Since 1998 <b>&</b>" in card.text  # their own words, shown as typed
    assert "You have not requested" in card.text
    assert "minji" not in card.text and "Lee Minji" not in card.text
    assert labels(card) == ["📨 Request a meeting", "⬅️ Back to the list"]


async def test_requesting_with_a_note_tells_the_target(kim, lee, fair, engine):
    card = await open_card(kim, "한빛화장품")
    await kim.press(card, "📨 Request a meeting")
    [prompt] = await kim.wait_reply()
    assert "short note" in prompt.text and "300" in prompt.text
    [sent] = await kim.ask("We import 마스크팩 <for> the US")
    assert "Request sent" in sent.text and "📤 Sent: you asked" in sent.text
    assert "Your note: We import 마스크팩 <for> the US" in sent.text
    assert labels(sent) == ["✖️ Cancel my request", "⬅️ Back to the list"]
    [request] = requests_between(engine, fair["B1"], fair["S1"])
    assert (request.note, request.status) == ("We import 마스크팩 <for> the US", "pending")
    [notice] = await lee.wait_for(1)
    assert "Acme Trading" in notice.text and "We import 마스크팩 <for> the US" in notice.text


async def test_requesting_without_a_note(kim, lee, fair, engine):
    card = await open_card(kim, "한빛화장품")
    await kim.press(card, "📨 Request a meeting")
    [prompt] = await kim.wait_reply()
    skip = prompt.button("⏭️ Skip the note").callback_data
    await kim.press(prompt, "⏭️ Skip the note")
    [sent] = await kim.wait_reply()
    assert sent.message_id == prompt.message_id and "Request sent" in sent.text
    assert "Your note" not in sent.text
    [request] = requests_between(engine, fair["B1"], fair["S1"])
    assert request.note == ""
    [notice] = await lee.wait_for(1)
    assert "Acme Trading" in notice.text
    await kim.press_data(prompt, skip)  # a double tap sends nothing more
    await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert
    assert len(requests_between(engine, fair["B1"], fair["S1"])) == 1


async def test_overlong_notes_stickers_and_photos_are_refused(kim, fair, engine):
    card = await open_card(kim, "Seoul Beauty")
    await kim.press(card, "📨 Request a meeting")
    [prompt] = await kim.wait_reply()
    [refusal] = await kim.ask("x" * 5000)
    assert "longer than 300 characters" in refusal.text and "shorter note" in refusal.text
    await kim.send_sticker()
    [refusal] = await kim.wait_reply()
    assert "as a text message" in refusal.text
    await kim.send_photo()
    [refusal] = await kim.wait_reply()
    assert "as a text message" in refusal.text
    assert requests_between(engine, fair["B1"], fair["S2"]) == []
    await kim.press(prompt, "⏭️ Skip the note")
    [sent] = await kim.wait_reply()
    assert "Request sent" in sent.text


async def test_cancel_sends_nothing(kim, fair, engine):
    card = await open_card(kim, "Seoul Beauty")
    await kim.press(card, "📨 Request a meeting")
    await kim.wait_reply()
    [shown] = await kim.ask("/cancel")
    assert "No request was sent" in shown.text and "📨 Request a meeting" in labels(shown)
    assert requests_between(engine, fair["B1"], fair["S2"]) == []
    [stray] = await kim.ask("hello")
    assert "use the buttons" in stray.text


async def test_cancelling_my_request_on_the_card(kim, fair, engine):
    with session_scope(engine) as session:
        send_request(session, fair["B1"], fair["S2"], NOW, note="hi")
    card = await open_card(kim, "Seoul Beauty")
    assert "📤 Sent: you asked" in card.text and "Your note: hi" in card.text
    await kim.press(card, "✖️ Cancel my request")
    [after] = await kim.wait_reply()
    assert after.message_id == card.message_id
    assert "📨 Request a meeting" in labels(after)
    [request] = requests_between(engine, fair["B1"], fair["S2"])
    assert request.status == RequestStatus.cancelled


async def test_accepting_their_request_makes_it_mutual_and_shows_the_contact(
    kim, lee, fair, engine
):
    with session_scope(engine) as session:
        send_request(session, fair["S1"], fair["B1"], NOW, note="샘플 보내드릴게요")
    card = await open_card(kim, "한빛화장품")
    assert (
        "📥 Received: this company asked you" in card.text
        and "Their note: 샘플 보내드릴게요" in card.text
    )
    assert labels(card) == ["✅ Accept", "❌ Decline", "⬅️ Back to the list"]
    assert "Lee Minji" not in card.text
    await kim.press(card, "✅ Accept")
    [mutual] = await kim.wait_reply()
    assert "Mutual" in mutual.text and labels(mutual) == ["⬅️ Back to the list"]
    assert "Lee Minji" in mutual.text and "minji@hanbit.kr" in mutual.text
    [told] = await lee.wait_for(1)
    assert "Acme Trading" in told.text
    [request] = requests_between(engine, fair["S1"], fair["B1"])
    assert request.status == RequestStatus.accepted


async def test_declining_their_request(kim, fair, engine):
    with session_scope(engine) as session:
        send_request(session, fair["S2"], fair["B1"], NOW)
    card = await open_card(kim, "Seoul Beauty")
    await kim.press(card, "❌ Decline")
    [after] = await kim.wait_reply()
    assert "📨 Request a meeting" in labels(after)
    [request] = requests_between(engine, fair["S2"], fair["B1"])
    assert request.status == RequestStatus.rejected


async def test_both_requested_is_mutual_too(kim, fair, engine):
    with session_scope(engine) as session:
        send_request(session, fair["S2"], fair["B1"], NOW)
        send_request(session, fair["B1"], fair["S2"], NOW)
    card = await open_card(kim, "Seoul Beauty")
    assert "Mutual" in card.text and labels(card) == ["⬅️ Back to the list"]


async def test_a_declined_request_is_said_and_cannot_be_sent_again(kim, fair, engine):
    with session_scope(engine) as session:
        request = send_request(session, fair["B1"], fair["S3"], NOW)
        request.status = RequestStatus.rejected
        session.add(request)
    card = await open_card(kim, "Busan Foods")
    assert "declined your earlier request" in card.text
    assert labels(card) == ["⬅️ Back to the list"]
    await kim.press_data(card, f"fc:{key_of(card)}:r:{fair['S3']}")
    await kim.wait_reply()
    assert "declined your earlier request" in kim.callback_answers[-1].text


async def test_the_korean_side_sees_the_card_in_korean(lee, fair, engine):
    with session_scope(engine) as session:
        accept_request(
            session, send_request(session, fair["B1"], fair["S1"], NOW).id, fair["S1"], NOW
        )
    card = await open_card(lee, "Acme Trading")
    assert "상호 신청" in card.text and "바이어 · 미국 · 화장품" in card.text


@pytest.mark.parametrize(
    ("target", "sentence"),
    [
        ("B2", "can't request your own side"),
        ("B1", "with yourself"),
        (None, "not taking part"),
    ],
)
async def test_forged_cards_and_requests_are_refused(kim, fair, engine, target, sentence):
    card = await open_card(kim, "Seoul Beauty")
    key = key_of(card)
    company = fair[target] if target else 987654
    for data in (f"fd:{key}:o:{company}", f"fc:{key}:r:{company}"):
        await kim.press_data(card, data)
        await kim.wait_reply()
        answer = kim.callback_answers[-1]
        assert answer.show_alert and sentence in answer.text
    with session_scope(engine) as session:
        assert session.exec(select(MeetingRequest)).all() == []


async def test_forged_actions_on_someone_elses_request_change_nothing(kim, fair, engine):
    with session_scope(engine) as session:
        theirs = send_request(session, fair["B2"], fair["S2"], NOW).id
    card = await open_card(kim, "Seoul Beauty")
    key = key_of(card)
    for data in (f"fc:{key}:can:{theirs}", f"fc:{key}:acc:{theirs}", f"fc:{key}:up:{theirs}"):
        await kim.press_data(card, data)
        await kim.wait_reply()
        assert kim.callback_answers[-1].show_alert
    assert "isn't yours" in kim.callback_answers[-2].text
    assert "not valid" in kim.callback_answers[-1].text
    [request] = requests_between(engine, fair["B2"], fair["S2"])
    assert request.status == RequestStatus.pending


async def test_a_stale_skip_button_is_refused(kim, fair, engine):
    card = await open_card(kim, "Seoul Beauty")
    await kim.press(card, "📨 Request a meeting")
    [prompt] = await kim.wait_reply()
    await kim.ask("/cancel")
    await kim.press(prompt, "⏭️ Skip the note")
    await kim.wait_reply()
    assert "not valid" in kim.callback_answers[-1].text
    assert requests_between(engine, fair["B1"], fair["S2"]) == []


async def test_after_the_deadline_the_buttons_refuse(kim, fair, engine, clock):
    with session_scope(engine) as session:
        send_request(session, fair["S1"], fair["B1"], NOW)
    card = await open_card(kim, "Seoul Beauty")
    theirs = await open_card(kim, "한빛화장품")
    clock.now = DEADLINE + timedelta(minutes=1)
    await kim.press(theirs, "✅ Accept")
    await kim.wait_reply()
    assert "Requests are closed" in kim.callback_answers[-1].text
    await kim.press_data(card, f"fc:{key_of(theirs)}:r:{fair['S2']}")
    await kim.wait_reply()
    assert "Requests are closed" in kim.callback_answers[-1].text
    closed = await open_card(kim, "Seoul Beauty")
    assert "Requests are closed" in closed.text
    assert labels(closed) == ["⬅️ Back to the list"]
    assert len(requests_between(engine, fair["B1"], fair["S2"])) == 0
    [request] = requests_between(engine, fair["S1"], fair["B1"])
    assert request.status == RequestStatus.pending


async def test_the_deadline_passing_while_typing_a_note(kim, fair, engine, clock):
    card = await open_card(kim, "Seoul Beauty")
    await kim.press(card, "📨 Request a meeting")
    await kim.wait_reply()
    clock.now = DEADLINE
    [refusal] = await kim.ask("see you there")
    assert "Requests are closed" in refusal.text
    assert requests_between(engine, fair["B1"], fair["S2"]) == []
    [stray] = await kim.ask("hello?")
    assert "use the buttons" in stray.text


async def test_back_to_the_list_keeps_the_filters(kim):
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "🔎 Find companies")
    [found] = await kim.wait_reply()
    await kim.press(found, "🏭 Industry")
    [choices] = await kim.wait_reply()
    await kim.press(choices, "Food")
    [food] = await kim.wait_reply()
    await kim.press(food, labels(food)[0])
    [card] = await kim.wait_reply()
    assert "Busan Foods" in card.text
    await kim.press(card, "⬅️ Back to the list")
    [back] = await kim.wait_reply()
    assert "Industry: Food" in back.text
