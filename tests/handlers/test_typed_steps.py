"""A step waiting for text ends when the user leaves it (handlers/typed.py): the mixes of
issue 12, driven through the bot."""

import pytest
from flows import begin_application
from sqlmodel import select

import builders
from store.db import session_scope
from store.models import JoinApplication, MeetingRequest, Participant


@pytest.fixture
def fair(bot, engine):
    """Kim buys for Acme Trading (English); Lee sells for 한빛화장품 and has opened the bot."""
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", company="Acme Trading", telegram_id=1001, language="en")
        builders.participant(session, "S1", company="한빛화장품", telegram_id=1002)
        builders.participant(session, "S2", company="Busan Foods", industry="food")


@pytest.fixture
def kim(fair, fake):
    return fake.user(1001, "Kim", language_code="en")


def stored(engine, code):
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == code)).one()


def request_count(engine):
    with session_scope(engine) as session:
        return len(session.exec(select(MeetingRequest)).all())


async def press(user, message, label):
    await user.press(message, label)
    [shown] = await user.wait_reply()
    return shown


async def ask_to_edit(user, section_label, field_label):
    [menu] = await user.ask("/menu")
    section = await press(user, menu, section_label)
    await user.press(section, field_label)
    [prompt] = await user.wait_reply()
    assert "send the new value" in prompt.text
    return prompt


async def open_card(user, company):
    [menu] = await user.ask("/menu")
    found = await press(user, menu, "🔎 Find companies")
    label = next(label for row in found.keyboard for label, _ in row if company in label)
    return await press(user, found, label)


async def test_a_keyword_typed_after_leaving_a_profile_edit_searches(kim, engine):
    await ask_to_edit(kim, "🏢 Participation info", "✏️ Company name")
    [menu] = await kim.ask("/menu")
    found = await press(kim, menu, "🔎 Find companies")
    await kim.press(found, "🔤 Search by keyword")
    [prompt] = await kim.wait_reply()
    assert "Send a word to look for" in prompt.text
    [result] = await kim.ask("foods")
    assert "Keyword: foods" in result.text and "Busan Foods" in str(result.keyboard)
    assert "saved" not in result.text
    assert stored(engine, "B1").company == "Acme Trading"


async def test_a_text_after_leaving_a_request_note_is_the_new_job_title(kim, fake, engine):
    lee = fake.user(1002, "Lee", language_code="ko")
    await lee.ask("/start")
    lee_heard = len(lee.messages)
    card = await open_card(kim, "한빛화장품")
    await kim.press(card, "📨 Request a meeting")
    [note_prompt] = await kim.wait_reply()
    assert "short note" in note_prompt.text
    await ask_to_edit(kim, "👤 Account info", "✏️ Job title")
    saved, view = await kim.ask("thanks")
    assert "Job title saved" in saved.text and "Job title: thanks" in view.text
    assert stored(engine, "B1").contact_title == "thanks"
    assert request_count(engine) == 0
    assert len(lee.messages) == lee_heard  # the target was not notified
    # The note's Skip button belongs to the step that ended: it sends nothing now.
    await kim.press(note_prompt, "⏭️ Skip the note")
    await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert
    assert request_count(engine) == 0


async def test_a_keyword_step_ends_when_a_profile_edit_begins(kim, engine):
    [menu] = await kim.ask("/menu")
    found = await press(kim, menu, "🔎 Find companies")
    await kim.press(found, "🔤 Search by keyword")
    await kim.wait_reply()
    await ask_to_edit(kim, "🏢 Participation info", "✏️ Products")
    saved, _ = await kim.ask("cosmetics")
    assert "Products saved" in saved.text
    assert stored(engine, "B1").products == "cosmetics"


@pytest.mark.parametrize("command", ["/menu", "/schedule", "/language", "/start", "/nonsense"])
async def test_any_command_ends_a_profile_edit(kim, engine, command):
    await ask_to_edit(kim, "🏢 Participation info", "✏️ Company name")
    await kim.ask(command)
    [stray] = await kim.ask("cosmetics")
    assert "/menu" in stray.text and "saved" not in stray.text
    assert stored(engine, "B1").company == "Acme Trading"


async def test_a_button_of_another_menu_ends_a_profile_edit(kim, engine):
    await ask_to_edit(kim, "👤 Account info", "✏️ E-mail")
    [menu] = await kim.ask("/menu")
    await kim.press(menu, "🕒 Available times")
    await kim.wait_reply()
    [stray] = await kim.ask("kim@acme.example")
    assert "/menu" in stray.text
    assert stored(engine, "B1").email == ""


async def test_a_note_step_ends_on_another_menu_and_the_text_is_not_a_request(kim, engine):
    card = await open_card(kim, "한빛화장품")
    await kim.press(card, "📨 Request a meeting")
    await kim.wait_reply()
    [menu] = await kim.ask("/menu")
    await press(kim, menu, "📋 My requests")
    [stray] = await kim.ask("thanks")
    assert "/menu" in stray.text
    assert request_count(engine) == 0


async def test_cancel_with_nothing_to_cancel_says_so(kim):
    [answer] = await kim.ask("/cancel")
    assert "nothing to cancel" in answer.text


async def test_an_application_left_for_the_menu_is_not_continued(fair, fake, engine):
    an = fake.user(3001, "An", language_code="en")
    form = await begin_application(an)
    await an.ask("Saigon Imports")
    await an.ask("/menu")
    [stray] = await an.ask("Vietnam")
    assert "/menu" in stray.text
    await an.press_data(form, "apply:seller")  # a role button of the ended application
    await an.wait_reply()
    assert an.callback_answers[-1].show_alert
    with session_scope(engine) as session:
        assert session.exec(select(JoinApplication)).all() == []


async def test_text_before_choosing_a_role_asks_for_the_role(fair, fake):
    an = fake.user(3001, "An", language_code="en")
    [welcome] = await an.ask("/start")
    await an.press_data(welcome, "apply")
    await an.wait_reply()
    [answer] = await an.ask("Saigon Imports")
    assert "buttons above" in answer.text
