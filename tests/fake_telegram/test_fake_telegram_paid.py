"""The fake's model of Telegram's paid broadcasts, on the arrival times it is given: up to
1,000 messages a second, 0.1 Star for each beyond the free 30 a second, refused without a
balance of 10,000 Stars."""

from __future__ import annotations

import pytest
from stock_ptb import stock_bot
from telegram.error import BadRequest

from fake_telegram import ApiError, FakeTelegram
from fake_telegram.failures import Failures


def test_paid_messages_go_up_to_1000_a_second_and_those_beyond_30_are_charged():
    failures = Failures(rate_limit_per_second=30, stars=20_000)
    for n in range(1000):  # 1,000 within 0.999 s
        failures.check("sendphoto", n, arrived=100.0 + n / 1000, paid=True)
    assert failures.paid_messages == 970 and failures.stars == 20_000 - 97
    for paid in (True, False):  # the 1,001st in that second waits, paid or not
        with pytest.raises(ApiError) as refused:
            failures.check("sendmessage", 1, arrived=100.9995, paid=paid)
        assert refused.value.code == 429
    failures.check("sendmessage", 1, arrived=102.0, paid=False)  # a new second, free again
    assert failures.paid_messages == 970


def test_a_steady_60_a_second_paid_pays_for_those_beyond_30_a_second():
    failures = Failures(rate_limit_per_second=30, stars=20_000)
    for n in range(600):  # 10 s
        failures.check("sendphoto", n, arrived=100.0 + n / 60, paid=True)
    # 30 a second go free, the other 30 are charged: not every message after the first 30.
    assert 290 <= failures.paid_messages <= 310


def test_free_messages_keep_the_free_limit():
    failures = Failures(rate_limit_per_second=30, stars=20_000)
    for n in range(30):
        failures.check("sendmessage", n, arrived=100.0 + n / 100)
    with pytest.raises(ApiError) as refused:
        failures.check("sendmessage", 31, arrived=100.5)
    assert refused.value.code == 429 and failures.paid_messages == 0


async def test_a_paid_message_without_the_balance_is_refused_and_a_free_one_goes():
    async with FakeTelegram(stars=9_999) as fake:
        user = fake.user(1, "Kim")
        user.bot.open_chat(user.profile)
        bot = stock_bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        async with bot:
            with pytest.raises(BadRequest):
                await bot.send_message(1, "paid", allow_paid_broadcast=True)
            await bot.send_message(1, "free")
        assert [m.text for m in user.messages] == ["free"]
