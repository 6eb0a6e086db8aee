"""/announce: every participant's timetable (one picture with the timetable as its caption, in
their language), with one progress message for the admin; /broadcast; who blocked the bot.
The organizer's side: the commands and the choice of pace. The sending is jobs/announce.py's."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from telegram import ChatMember, Message, Update
from telegram.constants import MessageLimit, ParseMode
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
)

from handlers.admin_pace import (
    ANNOUNCE_PAID_PER_SECOND,
    BROADCAST_PAID_PER_SECOND,
    offer,
    worth_offering,
)
from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.routes import AnnouncePace, BroadcastPace, route
from handlers.services import Who, services
from handlers.ui import answer_press, refuse, show
from handlers.wording import counted_items, error_text, escape
from jobs.announce import start_broadcast, start_sending
from locales import t, tn
from store import broadcast as broadcasts
from store.announce import Plan, Round, announce_round, start_round
from store.errors import StoreError
from store.models import Role
from store.readers import account_blocked

R = TypeVar("R")
GROUPS = {"all": None, "buyers": Role.buyer, "sellers": Role.seller}
DRAFT = "broadcast_draft"  # in the organizer's state: the message waiting for its pace


@organizer()
async def announce(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/announce: the round starts at once, or, if the free pace would take long, after the
    organizer chose the pace (handlers/admin_pace.py). One message answers: it says the round
    is being prepared, then shows its progress, the choice of pace or the refusal. It is sent
    first because the round records it (whichever process sends edits it)."""
    svc = services(context)
    # Every edit of this message is in the organizer's language: the round records it, and
    # the job, which edits the message later, reads it there.
    status = await update.effective_chat.send_message(t(person.language, "announce.preparing"))
    offer_pace = partial(worth_offering, offer_after=svc.paid_offer_after)
    planned = await _on_status(context, person, status, announce_round, offer_pace)
    if planned is None:
        return
    if isinstance(planned, Plan):
        title = tn(person.language, "pace.announce_title", planned.count)
        text, buttons = offer(
            person.language,
            title,
            planned.count,
            ANNOUNCE_PAID_PER_SECOND,
            partial(AnnouncePace, after=planned.round),
        )
        await status.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=buttons)
        return
    await round_started(context, status, planned, person.language)


@organizer(data=AnnouncePace, answer=True)
async def announce_pace(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: AnnouncePace
) -> None:
    """The organizer's choice of pace for the round offered after round `pressed.after`."""
    choice, after = pressed.choice, pressed.after
    message = update.callback_query.message
    if choice == "no" or not isinstance(message, Message):
        await show(update, t(person.language, "pace.cancelled"))
        return
    await show(update, t(person.language, "announce.preparing"))
    await begin_round(context, person, message, paid=choice == "paid", after=after)


async def begin_round(
    context: ContextTypes.DEFAULT_TYPE, person: Who, status: Message, paid: bool, after: int
) -> None:
    """Starts the round after round `after`; `status` shows its progress, in the
    organizer's language."""
    started_round = await _on_status(context, person, status, start_round, paid, after)
    if started_round is not None:
        await round_started(context, status, started_round, person.language)


async def _on_status(
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    status: Message,
    operation: Callable[..., R],
    *args: object,
) -> R | None:
    """Runs the store's `operation` for a round whose progress `status` will show (the
    organizer, the message, `args`, the organizer's language); on a refusal, `status` turns
    into the refusal's sentence and the answer is None."""
    try:
        return await services(context).run(
            operation,
            person.telegram_id,
            status.chat_id,
            status.message_id,
            *args,
            person.language,
        )
    except StoreError as error:
        await status.edit_text(
            escape(error_text(person.language, error)), parse_mode=ParseMode.HTML
        )
        return None


async def round_started(
    context: ContextTypes.DEFAULT_TYPE, status: Message, begun: Round, language: str
) -> None:
    """The round's status message says, in the organizer's `language`, what was queued, and
    the sending begins."""
    await status.edit_text(
        t(
            language,
            "announce.started",
            round=begun.number,
            items=counted_items(
                language,
                "announce.started",
                {
                    "queued": begun.queued,
                    "never_joined": begun.never_joined,
                    "blocked": begun.blocked,
                },
            )
            or t(language, "announce.nobody"),
        ),
        parse_mode=ParseMode.HTML,
    )
    start_sending(context.application, "announce", begun.number)


@organizer()
async def broadcast(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/broadcast all|buyers|sellers TEXT: the text, as typed, to every reachable participant
    of the group, sent by a job; the admin gets the counts at the end. To many participants,
    the organizer first chooses the pace (handlers/admin_pace.py)."""
    text = update.message.text.split(maxsplit=2)
    if len(text) < 3 or text[1].lower() not in GROUPS:
        await refuse(update, t(person.language, "broadcast.usage"))
        return
    group, body = text[1].lower(), text[2]
    if len(body) > MessageLimit.MAX_TEXT_LENGTH:
        await refuse(
            update, t(person.language, "broadcast.too_long", limit=MessageLimit.MAX_TEXT_LENGTH)
        )
        return
    svc = services(context)
    count = await svc.run(broadcasts.audience, GROUPS[group])
    if worth_offering(count, svc.paid_offer_after):
        key = secrets.token_hex(3)
        context.user_data[DRAFT] = {"key": key, "group": group, "text": body}
        title = tn(person.language, "pace.broadcast_title", count)
        question, buttons = offer(
            person.language,
            title,
            count,
            BROADCAST_PAID_PER_SECOND,
            partial(BroadcastPace, key=key),
        )
        await update.effective_chat.send_message(
            question, parse_mode=ParseMode.HTML, reply_markup=buttons
        )
        return
    status = await update.effective_chat.send_message(t(person.language, "broadcast.started"))
    await _queue_broadcast(context, person, group, body, status, paid=False)


@organizer(data=BroadcastPace)
async def broadcast_pace(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: BroadcastPace
) -> None:
    """The organizer's choice of pace for the message they typed (kept with their state)."""
    draft = context.user_data.get(DRAFT)
    message = update.callback_query.message
    if not isinstance(draft, dict) or draft.get("key") != pressed.key:
        await refuse(update, t(person.language, "error.pace_stale"))
        return
    del context.user_data[DRAFT]
    await answer_press(update.callback_query)
    if pressed.choice == "no" or not isinstance(message, Message):
        await show(update, t(person.language, "pace.cancelled"))
        return
    await show(update, t(person.language, "broadcast.started"))
    paid = pressed.choice == "paid"
    await _queue_broadcast(context, person, draft["group"], draft["text"], message, paid)


async def _queue_broadcast(
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    group: str,
    body: str,
    status: Message,
    paid: bool,
) -> None:
    audit = (person.telegram_id, {"group": group, "text": body, "paid": paid})
    await start_broadcast(
        context, GROUPS[group], escape(body), status, person.language, audit=audit, paid=paid
    )


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Telegram tells the bot when a user blocks or unblocks it: reminders and announcements
    skip blocked participants, and start again once they come back."""
    change = update.my_chat_member
    svc = services(context)
    gone = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    await svc.run(account_blocked, change.from_user.id, svc.clock() if gone else None)


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(announce_pace, pattern=route("announce.pace")),
        CallbackQueryHandler(broadcast_pace, pattern=route("broadcast.pace")),
        ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER),
    ]


FEATURE = Feature(
    commands=(
        Command("announce", announce, ADMINS),
        Command("broadcast", broadcast, ADMINS),
    ),
    others=handlers,
)
