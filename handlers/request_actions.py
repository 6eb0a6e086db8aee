"""Acting on one meeting request by its id, and telling the other side.

Shared by 📋 My requests (handlers/requests.py), by the notification a target receives
when someone requests them (its Accept / Reject buttons are handled here, `RequestNotice`),
and by any other menu that shows a request, such as the company card of 🔎 Find companies.
To act from your own menu:

- Give your button kind (handlers/routes.py) a `RequestAction` field and the request's id,
  as `CardAction(key, action, request)` does; `action_button(language, action, data,
  number=...)` labels the button. Actions:
  `acc` accept, `rej` reject (both by the target), `can` cancel (by the requester, pending or
  accepted), `up` / `dn` move one of my pending requests up or down in my priorities.
- Your screen's store call runs the action with what the screen shows afterwards, in one
  transaction (`store.my_requests.act_on_request` inside it, as `act_on_page` and
  `store.company_card.act_on_card` do); then `await answered(update, context, person, action,
  involved, refused)` answers the button press (a short toast on success, an alert with the
  catalog sentence on refusal: closed, not yours, changed meanwhile, ...), tells the
  requester when their request was accepted or rejected, and the target when a request to
  them was withdrawn; then render. With nothing to show afterwards, `await act(update,
  context, person, action, request_id)` does both and returns the request with both sides
  (`Involved`), or None when refused.
- After a request was sent (`store.company_card.send_from_card`),
  `tell_new_request(context, involved)`: the target receives the request in their language,
  with the sender's company, country, industry, note and Accept / Reject buttons
  (`notify_new_request(context, request)` looks the sides up first).

The telling runs beside the update (`_deliver`): the press is answered without waiting for it.
A recipient who never opened the bot, blocked it or deleted the chat does not hold up the
action: the failed delivery is logged and the action stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.routes import Press, RequestNotice, Requests, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, keyboard, refuse, send_notice, show
from handlers.wording import error_text, escape
from locales import country_name, industry_name, moment, pick, t
from store.errors import StoreError
from store.models import MeetingRequest, RequestStatus
from store.my_requests import Involved, act_on_request, request_involved
from store.names import company_name
from store.requests import Party, Sent

log = logging.getLogger(__name__)


# The requester hears when the target answered; what the requester does is theirs to know.
ANSWERS = {
    RequestStatus.accepted: "requests.told.accepted",
    RequestStatus.rejected: "requests.told.rejected",
}


def language_of(context: ContextTypes.DEFAULT_TYPE, participant: Party) -> str:
    return pick(participant.language, services(context).default_language)


def describe(language: str, counterpart: Party, request: Sent, timezone: str) -> list[str]:
    """The lines that present a request from the viewer's side: the other company, the note,
    when it was sent."""
    lines = [
        t(
            language,
            "requests.company",
            company=escape(company_name(counterpart, language)),
            country=escape(country_name(language, counterpart.country)),
            industry=escape(industry_name(language, counterpart.industry)),
        )
    ]
    if request.note:
        lines.append(t(language, "requests.note", note=escape(request.note)))
    lines.append(t(language, "requests.sent", time=moment(request.sent_at, language, timezone)))
    return lines


def action_button(
    language: str, action: str, data: Press, **values: object
) -> InlineKeyboardButton:
    """A button for `action` (see the module docstring); `company` names the list entry's
    company (a notice is about one request, its buttons need no name)."""
    key = "requests.button" if "company" in values else "requests.notice.button"
    return button(language, f"{key}.{action}", data, **values)


def _deliver(
    context: ContextTypes.DEFAULT_TYPE,
    to: Party,
    involved: Involved,
    render: Callable[[str], tuple[str, InlineKeyboardMarkup]],
) -> None:
    """Tells the company: its main contact and each colleague who joined (read with the
    request, `involved`), each in their own language (`render(language)`), beside the update
    that caused it (a task of the application's, which waits for it when the bot stops).
    These are new messages to other chats, within Telegram's budget of about 30 a second for
    the whole bot (bot/ratelimit.py): a press that answers a request is answered and its menu
    edited without waiting for that budget, which the answers of many users at once would
    exhaust."""
    readers = [] if to.telegram_id is None else [(to.telegram_id, language_of(context, to))]
    for telegram_id, language in involved.chats_of(to):
        readers.append((telegram_id, pick(language, language_of(context, to))))
    context.application.create_task(_send_to_company(context, to, readers, render))


async def _send_to_company(
    context: ContextTypes.DEFAULT_TYPE,
    to: Party,
    readers: list[tuple[int, str]],
    render: Callable[[str], tuple[str, InlineKeyboardMarkup]],
) -> None:
    if not readers:
        log.info("participant %s has not opened the bot; not notified", to.code)
    for telegram_id, language in readers:
        try:
            await send_notice(context.bot, telegram_id, *render(language))
        except TelegramError as error:  # blocked the bot, chat gone, flood: the action stands
            log.warning("could not notify participant %s (%s): %s", to.code, telegram_id, error)


def _notice(language: str, involved: Involved) -> str:
    lines = [t(language, "requests.notice.title")]
    lines += describe(language, involved.requester, involved.request, involved.timezone)
    status = involved.request.status
    if status != RequestStatus.pending:
        lines.append(t(language, f"requests.notice.now.{status}"))
    return "\n".join(lines)


def _notice_markup(language: str, involved: Involved) -> InlineKeyboardMarkup:
    rows = []
    request_id = involved.request.id
    if involved.request.status == RequestStatus.pending:
        rows.append(
            [
                action_button(language, "acc", RequestNotice("acc", request_id)),
                action_button(language, "rej", RequestNotice("rej", request_id)),
            ]
        )
    rows.append([button(language, "requests.open", Requests())])
    return keyboard(*rows)


async def notify_new_request(context: ContextTypes.DEFAULT_TYPE, request: MeetingRequest) -> None:
    """Tells the target of a request just sent, in their language, with Accept / Reject."""
    tell_new_request(context, await services(context).run(request_involved, request.id))


def tell_new_request(context: ContextTypes.DEFAULT_TYPE, involved: Involved) -> None:
    """`notify_new_request` for a request whose sides the store call returned already."""
    _deliver(
        context,
        involved.target,
        involved,
        lambda language: (_notice(language, involved), _notice_markup(language, involved)),
    )


def _tell(
    context: ContextTypes.DEFAULT_TYPE,
    recipient: Party,
    counterpart: Party,
    involved: Involved,
    key: str,
) -> None:
    """One side hears what the other did to the request, in their own language."""

    def render(language: str) -> tuple[str, InlineKeyboardMarkup]:
        lines = [t(language, key)]
        lines += describe(language, counterpart, involved.request, involved.timezone)
        return "\n".join(lines), keyboard([button(language, "requests.open", Requests())])

    _deliver(context, recipient, involved, render)


async def answered(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    action: str,
    involved: Involved | None,
    refused: StoreError | None = None,
) -> None:
    """Answers the press of `action` (a toast, or the refusal as an alert) and tells the other
    side what it needs to know."""
    if involved is None:
        assert refused is not None
        await refuse(update, error_text(person.language, refused))
        return
    await answer_press(update.callback_query, t(person.language, f"requests.done.{action}"))
    answer = ANSWERS.get(involved.request.status)
    if action in ("acc", "rej") and answer is not None:
        _tell(context, involved.requester, involved.target, involved, answer)
    elif action == "can":
        # The target may hold Accept / Reject buttons or count on a mutual meeting.
        _tell(context, involved.target, involved.requester, involved, "requests.told.withdrawn")


async def act(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    action: str,
    request_id: int,
) -> Involved | None:
    """Runs `action` on the request for the person who pressed; see the module docstring."""
    svc = services(context)
    try:
        involved = await svc.run(
            act_on_request, person.participant.id, action, request_id, svc.clock(), person.by
        )
    except StoreError as error:
        await answered(update, context, person, action, None, error)
        return None
    await answered(update, context, person, action, involved)
    return involved


@participant(data=RequestNotice)
async def answer_notice(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: RequestNotice
) -> None:
    """Accept / Reject pressed on the notification: act, then show the request as it is now."""
    if pressed.action not in ("acc", "rej"):
        await refuse(update, t(person.language, "error.bad_button"))
        return
    involved = await act(update, context, person, pressed.action, pressed.request)
    if involved is not None:
        await show(
            update, _notice(person.language, involved), _notice_markup(person.language, involved)
        )


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(answer_notice, pattern=route("requests.notice"))]


FEATURE = Feature(
    others=handlers,
)
