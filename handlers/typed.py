"""The one rule for steps that wait for a typed answer, in one place.

A button that asks for text (✏️ a profile field, 🔤 a keyword, 📨 Request's note, /apply's
questions) arms a *step*: a plain JSON-able dict in `user_data` under `AWAITING`, e.g.
`{"step": "profile_field", "field": "company"}`. The next text message goes to that step's
`on_text`, and only while the step is armed. The step ends when its own handler says it is
done, or as soon as the user does something else:

- any command ends it (`/cancel` first tells the step, so it can say what stayed as it was);
- any button ends it, except the step's own (e.g. Skip under the note question, the
  buyer/seller choice of /apply); a button that asks for text arms its own step afterwards.

So a keyword typed after leaving a half-done profile edit searches, and a "thanks" typed
after leaving a request note is not a request. Text that arrives with no step armed gets
"use the menu" from handlers/fallback.py. These handlers run in group -1, before every
menu's handlers, so no menu can claim a typed message before the step does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from handlers.routes import Press, decode_any
from handlers.services import who
from handlers.ui import refuse
from locales import t

AWAITING = "awaiting"  # user_data key of the armed step
GROUP = -1

Context = ContextTypes.DEFAULT_TYPE
StepHandler = Callable[[Update, Context, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Step:
    """What a kind of step does with the text typed, with /cancel, and which buttons are
    its own (pressing them does not end the step)."""

    on_text: StepHandler
    on_cancel: StepHandler
    text_only: str  # catalog key: the answer to a sticker, photo or file instead of text
    own_buttons: tuple[type[Press], ...] = ()  # its own buttons do not end it


STEPS: dict[str, Step] = {}


def register(kind: str, step: Step) -> None:
    """Each menu that asks for text registers its kind of step once, at import."""
    STEPS[kind] = step


def arm(context: Context, kind: str, **values: Any) -> None:
    """From now on the next text goes to `kind`; `values` must be JSON-able."""
    assert kind in STEPS, kind
    context.user_data[AWAITING] = {"step": kind, **values}


def armed(context: Context, kind: str | None = None) -> dict[str, Any] | None:
    """The armed step (of `kind`, when given), or None."""
    step = context.user_data.get(AWAITING) if context.user_data is not None else None
    if not isinstance(step, dict) or step.get("step") not in STEPS:
        return None
    if kind is not None and step["step"] != kind:
        return None
    return step


def disarm(context: Context) -> dict[str, Any] | None:
    """Ends the step; returns it as it was."""
    if context.user_data is None:
        return None
    return context.user_data.pop(AWAITING, None)


async def _on_command(update: Update, context: Context) -> None:
    step = disarm(context)
    text = update.effective_message.text or ""
    if text.split(maxsplit=1)[0].split("@")[0].lower() != "/cancel":
        return  # the command itself is handled by its menu, with the step ended
    if step is not None and step.get("step") in STEPS:
        await STEPS[step["step"]].on_cancel(update, context, step)
    else:
        person = await who(update, context)
        await refuse(update, t(person.language, "typed.nothing_to_cancel"))
    raise ApplicationHandlerStop


async def _on_button(update: Update, context: Context) -> None:
    step = armed(context)
    if step is None:
        return
    own = STEPS[step["step"]].own_buttons
    if decode_any(own, update.callback_query.data) is None:
        disarm(context)


async def _on_text(update: Update, context: Context) -> None:
    step = armed(context)
    if step is None:
        return  # nothing waits for text: the menus and the fallback answer it
    await STEPS[step["step"]].on_text(update, context, step)
    raise ApplicationHandlerStop


async def _on_other_message(update: Update, context: Context) -> None:
    """A sticker, photo or file where text is expected: say so and keep waiting."""
    step = armed(context)
    if step is None:
        return
    person = await who(update, context)
    await refuse(update, t(person.language, STEPS[step["step"]].text_only))
    raise ApplicationHandlerStop


def handlers() -> list[BaseHandler]:
    """Registered in `GROUP`, after handlers/fallback.py's early handlers (group chats and
    edited messages never reach a step)."""
    return [
        MessageHandler(filters.COMMAND, _on_command),
        MessageHandler(filters.TEXT, _on_text),
        MessageHandler(filters.ALL, _on_other_message),
        CallbackQueryHandler(_on_button),
    ]
