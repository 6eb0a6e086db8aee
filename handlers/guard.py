"""The opening every handler shares, written once: who is asking, may they, what did they
press, and the catalog's refusal when the store says no.

    @participant(data=AvailabilityPress, answer=True)
    async def toggle(update, context, person: Who, pressed: AvailabilityPress) -> None:
        ...  # one store call -> render

`participant` lets in registered participants (a stranger is told to join first), and their
colleagues (store/colleagues.py), `main_contact` the participants' main contacts (a colleague is
told that the main contact may), `organizer` the admins (anyone else is told the command is
for organizers). With `data` (a kind of button from handlers/routes.py, or a tuple of kinds),
the button's callback data is decoded once (forged or stale data: "this button is not valid
(any more)") and the object is passed on. With `answer`, the button press is answered before
the handler runs (the handlers that answer later, or with a text, leave it off). A
`StoreError` the handler does not catch itself becomes the catalog's sentence for it.

`participant_step` opens a typed step's handler (handlers/typed.py): a stranger's text ends the
step; the handler itself decides which refusals leave it armed for another try.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from handlers import typed
from handlers.routes import Press, decode_any
from handlers.services import Who, member, who
from handlers.ui import answer_press, refuse
from handlers.wording import error_text
from locales import t
from store.errors import StoreError

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Awaitable[None]]
Guarded = Callable[..., Awaitable[None]]
Resolve = Callable[[Update, Context], Awaitable[Who | None]]
Kinds = type[Press] | tuple[type[Press], ...]


async def admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who | None:
    """The admin behind the update, or None after telling anyone else it is for organizers.
    The command menu only hides admin commands; this is the guard."""
    person = await who(update, context)
    if not person.is_admin:
        await refuse(update, t(person.language, "error.admins_only"))
        return None
    return person


def _guard(resolve: Resolve, data: Kinds | None, answer: bool) -> Callable[[Guarded], Callback]:
    kinds = data if isinstance(data, tuple) else (data,) if data is not None else ()

    def decorate(handler: Guarded) -> Callback:
        @functools.wraps(handler)
        async def guarded(update: Update, context: Context) -> None:
            person = await resolve(update, context)
            if person is None:
                return
            extra: list[Any] = []
            if kinds:
                pressed = decode_any(kinds, update.callback_query.data)
                if pressed is None:
                    await refuse(update, t(person.language, "error.bad_button"))
                    return
                extra.append(pressed)
            if answer and update.callback_query is not None:
                await answer_press(update.callback_query)
            try:
                await handler(update, context, person, *extra)
            except StoreError as error:
                await refuse(update, error_text(person.language, error))

        return guarded

    return decorate


def participant(
    *, data: Kinds | None = None, answer: bool = False
) -> Callable[[Guarded], Callback]:
    """For registered participants: `handler(update, context, person[, pressed])`."""
    return _guard(member, data, answer)


async def _main_contact(update: Update, context: Context) -> Who | None:
    person = await member(update, context)
    if person is not None and not person.main_contact:
        await refuse(update, t(person.language, "error.main_contact_only"))
        return None
    return person


def main_contact(
    *, data: Kinds | None = None, answer: bool = False
) -> Callable[[Guarded], Callback]:
    """For a participant's main contact only (the company's profile, its colleagues): a
    colleague is told who may; `handler(update, context, person[, pressed])`."""
    return _guard(_main_contact, data, answer)


def organizer(*, data: Kinds | None = None, answer: bool = False) -> Callable[[Guarded], Callback]:
    """For admins only: `handler(update, context, person[, pressed])`."""
    return _guard(admin, data, answer)


Step = Callable[[Update, Context, dict], Awaitable[None]]


def participant_step(handler: Callable[[Update, Context, Who, dict], Awaitable[None]]) -> Step:
    """For a typed step of participants: `handler(update, context, person, step)`."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: Context, step: dict) -> None:
        person = await member(update, context)
        if person is None:
            typed.disarm(context)
            return
        await handler(update, context, person, step)

    return guarded
