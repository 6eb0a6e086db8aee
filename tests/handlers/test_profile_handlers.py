import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.models import Participant


@pytest.fixture
def kim(bot, fake, engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", company="한빛화장품", telegram_id=1001, language="en")
    return fake.user(1001, "Kim", language_code="en")


def stored(engine) -> Participant:
    with session_scope(engine) as session:
        return session.exec(select(Participant).where(Participant.code == "S1")).one()


async def open_section(kim, label):
    [menu] = await kim.ask("/menu")
    await kim.press(menu, label)
    [section] = await kim.wait_reply()
    assert section.message_id == menu.message_id  # edited in place, not re-sent
    return section


async def test_account_info_shows_and_edits_the_email(kim, engine):
    section = await open_section(kim, "👤 Account info")
    assert "E-mail: —" in section.text
    await kim.press(section, "✏️ E-mail")
    [prompt] = await kim.wait_reply()
    assert "E-mail: send the new value" in prompt.text
    saved, view = await kim.ask("kim@hanbit.kr")
    assert "E-mail saved" in saved.text
    assert "E-mail: kim@hanbit.kr" in view.text
    assert stored(engine).email == "kim@hanbit.kr"


async def test_an_invalid_answer_is_explained_and_nothing_is_stored(kim, engine):
    """Each refusal is checked at the use-case level (tests/store/test_participants.py)."""
    section = await open_section(kim, "👤 Account info")
    await kim.press(section, "✏️ Phone")
    await kim.wait_reply()
    [refusal] = await kim.ask("☎️ call me")
    assert "doesn't look right" in refusal.text and "Nothing was saved" in refusal.text
    before = stored(engine)
    cancelled, view = await kim.ask("/cancel")
    assert "Nothing was changed" in cancelled.text and "Account info" in view.text
    assert stored(engine) == before
    assert (before.email, before.phone) == ("", "")


async def test_company_name_in_hangul_and_emoji_is_saved(kim, engine):
    section = await open_section(kim, "🏢 Participation info")
    await kim.press(section, "✏️ Company name")
    await kim.wait_reply()
    _, view = await kim.ask("한빛 코스메틱 🌸 <b>&")
    assert "한빛 코스메틱 🌸 <b>&" in view.text
    assert stored(engine).company == "한빛 코스메틱 🌸 <b>&"


async def test_stickers_and_photos_where_text_is_expected(kim, engine):
    section = await open_section(kim, "🏢 Participation info")
    await kim.press(section, "✏️ Products")
    await kim.wait_reply()
    await kim.send_sticker()
    [refusal] = await kim.wait_reply()
    assert "text message" in refusal.text
    await kim.send_photo()
    [refusal] = await kim.wait_reply()
    assert "text message" in refusal.text
    _, view = await kim.ask("마스크팩, sheet masks")
    assert "마스크팩, sheet masks" in view.text


async def test_forged_edit_buttons_change_nothing(kim, engine):
    section = await open_section(kim, "👤 Account info")
    for data in ("pe:telegram_id", "pe:", "pe:" + "x" * 40, "acct:zzz"):
        await kim.press_data(section, data)
        await kim.wait_reply()
    assert all(answer.show_alert for answer in kim.callback_answers[-4:])
    assert "not valid" in kim.callback_answers[-1].text
    assert stored(engine).telegram_id == 1001


async def test_an_unknown_country_or_industry_is_refused_with_the_nearest_name(kim, engine):
    """Nothing changes, and the one sentence says what would be understood."""
    before = stored(engine)
    section = await open_section(kim, "🏢 Participation info")
    await kim.press(section, "✏️ Country")
    await kim.wait_reply()
    [refusal] = await kim.ask("Vietnan")
    assert "Country: not a country we know (the closest: Vietnam)." in refusal.text
    assert "Nothing was saved" in refusal.text
    await kim.ask("/cancel")
    section = await open_section(kim, "🏢 Participation info")
    await kim.press(section, "✏️ Industry")
    await kim.wait_reply()
    [refusal] = await kim.ask("gardening")
    assert "Industry: not in the list of industries (Auto parts, Beverages," in refusal.text
    assert stored(engine) == before
