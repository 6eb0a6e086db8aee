"""Steps several handler tests take through the bot."""

from __future__ import annotations

from fake_telegram.users import FakeUser


async def begin_application(user: FakeUser, role_label: str = "Buyer"):
    """A stranger opens the bot, presses Apply and picks a side; returns the form message."""
    [welcome] = await user.ask("/start")
    await user.press_data(welcome, "apply")
    [form] = await user.wait_reply()
    await user.press(form, role_label)
    await user.wait_reply()
    return form
