"""The organizer's summaries list industries by the names the organizer reads, in that
language's order (Korean 가나다, English alphabetical), not by their codes: /match's summary,
/lowcount, /stats and /results, through the fake Telegram."""

import pytest
from admin_helpers import build_process

import builders
from builders import ADMIN
from fake_telegram import DEFAULT_TOKEN, running_bot
from store.db import session_scope
from store.requests import accept_request, send_request

# The codes' order (cosmetics, food, it, machinery) is neither language's order.
INDUSTRIES = ("machinery", "it", "food", "cosmetics")
IN_ORDER = {
    "ko": ["기계", "식품", "화장품", "IT·소프트웨어"],  # 가나다, then names in other letters
    "en": ["Cosmetics", "Food", "IT and software", "Machinery"],
}


@pytest.fixture
def industries_fair(engine):
    """A buyer and a Korean company in each industry, with a mutual request between them and
    a meeting at 09:00 on the first day."""
    with session_scope(engine) as session:
        builders.event(session)
        for n, industry in enumerate(INDUSTRIES, start=1):
            buyer = builders.participant(session, f"B{n}", industry=industry)
            seller = builders.participant(session, f"S{n}", industry=industry)
            sent = send_request(session, seller.id, buyer.id, builders.NOW)
            accept_request(session, sent.id, buyer.id, builders.NOW)
            builders.meeting(session, buyer, seller, "D1-0900")


def listed(text: str, names: list[str]) -> list[str]:
    """`names` in the order `text` first shows them (each must be there)."""
    assert all(name in text for name in names), text
    return sorted(names, key=text.index)


@pytest.mark.parametrize(
    ("bot_language", "admin_language"), [("en", "ko"), ("ko", "en")], ids=["ko admin", "en admin"]
)
async def test_industries_are_listed_by_name_in_the_admins_language(
    fake, engine, clock, industries_fair, bot_language, admin_language
):
    admin = fake.user(ADMIN, "Organizer", language_code=admin_language)
    admin.bot.open_chat(admin.profile)
    expected = IN_ORDER[admin_language]
    bot = build_process(fake, engine, clock, DEFAULT_TOKEN, default_language=bot_language)
    async with running_bot(bot, fake):
        summary = (await admin.ask("/match dry"))[-1]  # the summary without storing it
        assert listed(summary.text, expected) == expected
        [low] = await admin.ask("/lowcount")
        assert listed(low.text, expected) == expected
        [figures] = await admin.ask("/stats")
        assert listed(figures.text, expected) == expected
        text, _chart, _workbook = await admin.ask("/results")
        assert listed(text.text, expected) == expected
