"""🔎 Find companies, end to end: pages, filters, keywords, the recommended order, stale and
forged buttons."""

from datetime import timedelta

import pytest

import builders
from builders import NOW
from store.db import session_scope
from store.requests import send_request

FOOD = ("Busan Foods", "Daegu Snacks", "Jeju Tangerine", "Mokpo Seaweed", "Ulsan Noodles")


@pytest.fixture
def fair(bot, engine):
    """Kim, a cosmetics buyer (English), and twelve Korean companies; Lee is a seller."""
    with session_scope(engine) as session:
        builders.event(session)
        made = {
            "B1": builders.participant(
                session, "B1", company="Acme Trading", telegram_id=1001, language="en"
            ),
            "B2": builders.participant(session, "B2", company="Zeta Imports", industry="food"),
            "S1": builders.participant(
                session,
                "S1",
                company="한빛화장품",
                products="마스크팩, Sheet Masks",
                telegram_id=1002,
                language="ko",
            ),
            "S2": builders.participant(session, "S2", company="Seoul Beauty", products="lipstick"),
        }
        for number, name in enumerate(FOOD, start=3):
            code = f"S{number}"
            made[code] = builders.participant(
                session, code, company=name, industry="food", products="김치, kimchi"
            )
        for number in range(8, 13):
            code = f"S{number}"
            made[code] = builders.participant(
                session, code, company=f"Tech {number:02}", industry="it", country="JP"
            )
        builders.participant(session, "S99", company="Gone Cosmetics", active=False)
        return {code: p.id for code, p in made.items()}


@pytest.fixture
def kim(fair, fake):
    return fake.user(1001, "Kim", language_code="en")


def companies(message):
    """The company buttons of a list, without their marks, country and industry."""
    return [
        label.split(" · ")[0].lstrip("⭐📥📤 ")
        for row in message.keyboard
        for label, data in row
        if data.split(":")[2:3] == ["o"]
    ]


def assert_short_data(message):
    assert all(len(data.encode()) <= 64 for row in message.keyboard for _, data in row)


async def open_find(user):
    [menu] = await user.ask("/menu")
    await user.press(menu, "🔎 Find companies")
    [found] = await user.wait_reply()
    assert found.message_id == menu.message_id
    assert_short_data(found)
    return found


async def press(user, message, label):
    await user.press(message, label)
    [shown] = await user.wait_reply()
    assert_short_data(shown)
    return shown


async def test_pages_of_eight_in_the_recommended_order(kim, fair, engine):
    with session_scope(engine) as session:
        send_request(session, fair["S10"], fair["B1"], NOW)
    first = await open_find(kim)
    assert "Korean companies" in first.text
    assert "Industry: all · Country: all · Keyword: —" in first.text
    assert "12 found · page 1 of 2" in first.text
    assert companies(first) == ["Seoul Beauty", "한빛화장품", "Tech 10", *FOOD[:4], "Tech 08"]
    assert first.keyboard[0][0][0] == "⭐ Seoul Beauty · South Korea · Cosmetics"
    assert first.keyboard[2][0][0] == "📥 Tech 10 · Japan · IT and software"
    second = await press(kim, first, "Next ▶️")
    assert "page 2 of 2" in second.text
    assert companies(second) == ["Tech 09", "Tech 11", "Tech 12", "Ulsan Noodles"]
    assert "Next ▶️" not in str(second.keyboard)
    back = await press(kim, second, "◀️ Previous")
    assert companies(back) == companies(first)


async def test_sellers_see_buyers_in_korean(fair, fake):
    lee = fake.user(1002, "Lee", language_code="ko")
    [menu] = await lee.ask("/menu")
    await lee.press_data(menu, "find")
    [found] = await lee.wait_reply()
    assert "상담 신청 · 바이어" in found.text and "업체 2곳" in found.text
    assert companies(found) == ["Acme Trading", "Zeta Imports"]


async def test_a_korean_seller_filters_and_searches_industries_in_korean(fair, fake):
    lee = fake.user(1002, "Lee", language_code="ko")
    [menu] = await lee.ask("/menu")
    await lee.press_data(menu, "find")
    [found] = await lee.wait_reply()
    buttons = [label for row in found.keyboard for label, _ in row]
    assert buttons[:2] == ["⭐ Acme Trading · 미국 · 화장품", "Zeta Imports · 미국 · 식품"]
    choices = await press(lee, found, "🏭 업종")
    assert [label for row in choices.keyboard[:1] for label, _ in row] == ["식품", "화장품"]
    food = await press(lee, choices, "식품")
    assert "업종: 식품" in food.text and companies(food) == ["Zeta Imports"]
    cleared = await press(lee, await press(lee, food, "🏭 업종"), "전체 업종")
    await lee.press(cleared, "🔤 검색어로 찾기")
    await lee.wait_reply()
    [result] = await lee.ask("식품")  # the industry's Korean name finds the food buyer
    assert companies(result) == ["Zeta Imports"]


async def test_filter_by_industry_and_country(kim):
    found = await open_find(kim)
    choices = await press(kim, found, "🏭 Industry")
    assert "Choose an industry" in choices.text
    assert [label for row in choices.keyboard[:3] for label, _ in row] == [
        "Cosmetics",
        "Food",
        "IT and software",
        "All industries",
    ]
    food = await press(kim, choices, "Food")
    assert "Industry: Food" in food.text and companies(food) == list(FOOD)
    countries = await press(kim, food, "🌍 Country")
    jp_food = await press(kim, countries, "Japan")
    assert (
        "Industry: Food · Country: Japan" in jp_food.text and "No company matches" in jp_food.text
    )
    countries = await press(kim, jp_food, "🌍 Country")
    kr_food = await press(kim, countries, "South Korea")
    assert companies(kr_food) == list(FOOD)
    choices = await press(kim, kr_food, "🏭 Industry")
    everything = await press(kim, choices, "All industries")
    assert "Industry: all · Country: South Korea" in everything.text
    assert companies(everything) == ["Seoul Beauty", "한빛화장품", *FOOD]
    choices = await press(kim, everything, "🏭 Industry")
    unchanged = await press(kim, choices, "⬅️ Back to the list")
    assert companies(unchanged) == companies(everything)


async def search_for(user, found, keyword):
    await user.press(found, "🔤 Search by keyword")
    [prompt] = await user.wait_reply()
    assert "Korean or English" in prompt.text
    [result] = await user.ask(keyword)
    assert_short_data(result)
    return result


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("마스크", ["한빛화장품"]),
        ("SHEET masks", ["한빛화장품"]),
        ("seoul", ["Seoul Beauty"]),
        ("김치 busan", ["Busan Foods"]),
        ("tech 1", ["Tech 10", "Tech 11", "Tech 12"]),
        ("Gone", []),
    ],
)
async def test_keyword_in_korean_and_english(kim, keyword, expected):
    result = await search_for(kim, await open_find(kim), keyword)
    assert f"Keyword: {keyword}" in result.text
    assert companies(result) == expected


async def test_a_keyword_combines_with_filters_and_can_be_cleared(kim):
    found = await open_find(kim)
    choices = await press(kim, found, "🏭 Industry")
    food = await press(kim, choices, "Food")
    result = await search_for(kim, food, "jeju")
    assert companies(result) == ["Jeju Tangerine"]
    cleared = await press(kim, result, "✖️ Clear keyword")
    assert "Keyword: —" in cleared.text and companies(cleared) == list(FOOD)
    assert "✖️ Clear keyword" not in str(cleared.keyboard)


async def test_stickers_photos_and_overlong_keywords_are_refused(kim):
    found = await open_find(kim)
    await kim.press(found, "🔤 Search by keyword")
    await kim.wait_reply()
    await kim.send_sticker()
    [refusal] = await kim.wait_reply()
    assert "as a text message" in refusal.text
    await kim.send_photo()
    [refusal] = await kim.wait_reply()
    assert "as a text message" in refusal.text
    [refusal] = await kim.ask("가" * 5000)
    assert "Keyword: it is longer than 100 characters" in refusal.text
    [result] = await kim.ask("tech")
    assert len(companies(result)) == 5


async def test_cancel_keeps_the_search(kim):
    found = await open_find(kim)
    result = await search_for(kim, found, "food")
    await kim.press(result, "🔤 Search by keyword")
    await kim.wait_reply()
    unchanged, shown = await kim.ask("/cancel")
    assert "not changed" in unchanged.text
    assert "Keyword: food" in shown.text
    [stray] = await kim.ask("beauty")
    assert "use the buttons" in stray.text  # typing is over


async def test_browsing_on_ends_the_keyword_step(kim):
    found = await open_find(kim)
    await kim.press(found, "🔤 Search by keyword")
    await kim.wait_reply()
    second = await press(kim, found, "Next ▶️")
    assert "page 2 of 2" in second.text
    [stray] = await kim.ask("beauty")
    assert "use the buttons" in stray.text


async def test_buttons_of_an_earlier_search_are_refused(kim):
    old = await open_find(kim)
    new = await open_find(kim)
    await kim.press(old, "Next ▶️")
    await kim.wait_reply()
    answer = kim.callback_answers[-1]
    assert answer.show_alert and "out of date" in answer.text
    assert companies(new)[0] == "Seoul Beauty"


async def _pressing_changes_nothing(kim, buttons, answer: str) -> None:
    """Presses each data (KEY: the search's key) on the list; each is refused with `answer`
    in an alert and the list goes on as before."""
    found = await open_find(kim)
    key = found.keyboard[0][0][1].split(":")[1]
    for data in buttons:
        await kim.press_data(found, data.replace("KEY", key))
        await kim.wait_reply()
    answers = kim.callback_answers[-len(buttons) :]
    assert all(a.show_alert and answer in a.text for a in answers)
    after = await press(kim, found, "Next ▶️")
    assert "page 2 of 2" in after.text and "Industry: all" in after.text


async def test_forged_list_buttons_change_nothing(kim):
    forged = [
        "fd:zzzzzz:p:0",
        "fd:KEY:p:-",
        "fd:KEY:p:",
        "fd:KEY:ind-pick:0",  # no industry list was shown yet
        "fd:KEY:ind-page:7",
        "fd:KEY:I-page:0",
        "fd:KEY:q:1",
        "fd:KEY:o:abc",
        "fd:" + "9" * 60,
    ]
    await _pressing_changes_nothing(kim, forged, "not valid")


async def test_buttons_of_the_single_letter_codes_are_out_of_date(kim):
    """Industry / country buttons were `I`/`i`/`C`/`c` before; one still on a screen is
    answered like a button of an earlier search."""
    old = ["fd:KEY:I:0", "fd:KEY:C:0", "fd:KEY:i:0", "fd:KEY:c:-"]
    await _pressing_changes_nothing(kim, old, "out of date")


async def test_an_offset_past_the_end_shows_the_last_page(kim):
    found = await open_find(kim)
    key = found.keyboard[0][0][1].split(":")[1]
    await kim.press_data(found, f"fd:{key}:p:9999999")
    [last] = await kim.wait_reply()
    assert "page 2 of 2" in last.text


async def test_strangers_are_told_to_join_first(fair, fake):
    stranger = fake.user(4242, "Stranger", language_code="en")
    [welcome] = await stranger.ask("/menu")
    await stranger.press_data(welcome, "find")
    await stranger.wait_reply()
    assert "not registered" in stranger.callback_answers[-1].text


async def test_many_industries_come_in_pages_of_choices(kim, engine):
    with session_scope(engine) as session:
        for number in range(25):
            builders.participant(session, f"S{100 + number}", industry=f"업종 {number:02}")
    found = await open_find(kim)
    choices = await press(kim, found, "🏭 Industry")
    first = [label for row in choices.keyboard for label, _ in row]
    assert first[:3] == ["Cosmetics", "Food", "IT and software"] and len(first) == 20 + 3
    more = await press(kim, choices, "Next ▶️")
    second = [label for row in more.keyboard for label, _ in row]
    assert second[:8] == [f"업종 {n:02}" for n in range(17, 25)]
    chosen = await press(kim, more, "업종 24")
    assert "Industry: 업종 24" in chosen.text and "1 found" in chosen.text


async def test_after_the_deadline_the_list_no_longer_invites_requests(kim, clock):
    clock.now = builders.DEADLINE + timedelta(minutes=1)
    closed = await open_find(kim)
    assert "Requests are closed. Open a company to see its details." in closed.text
    assert "request a meeting" not in closed.text
