"""Only messages to chats spend the flood budget; interactive edits and answers do not."""

import asyncio

import pytest

from bot.ratelimit import BroadcastRateLimiter


async def call(limiter, endpoint):
    async def request(*args, **kwargs):
        return True

    return await limiter.process_request(request, (), {}, endpoint, {"chat_id": 42}, None)


@pytest.fixture
async def limiter():
    # One message a minute: a second throttled call would wait about a minute.
    limiter = BroadcastRateLimiter(overall_max_rate=1, overall_time_period=60, max_retries=1)
    await limiter.initialize()
    yield limiter
    await limiter.shutdown()


async def test_edits_and_answers_skip_the_broadcast_budget(limiter):
    for endpoint in ("sendMessage", "editMessageText", "answerCallbackQuery", "editMessageText"):
        assert await asyncio.wait_for(call(limiter, endpoint), timeout=5)


async def test_new_messages_wait_for_the_budget(limiter):
    assert await call(limiter, "sendMessage")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(call(limiter, "sendPhoto"), timeout=0.5)
