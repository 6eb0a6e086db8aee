"""One message to one participant outside their own conversation (the other side of a
meeting, a refill offer's pair), in their language and the event's time zone."""

from __future__ import annotations

import logging

from babel import Locale
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from handlers.admin_sending import paced
from handlers.services import services
from handlers.ui import escape
from locales import moment, pick, t
from store.announce import set_blocked
from store.event import get_event
from store.fairday import Side
from store.models import NoticeKind
from store.names import company_name
from store.reminders import Recipient, claim_notice, notice_sent

log = logging.getLogger(__name__)


async def tell(
    context: ContextTypes.DEFAULT_TYPE,
    side: Side,
    key: str,
    markup: InlineKeyboardMarkup | None = None,
    **values: object,
) -> bool:
    """A message to one side in their language (a `start` value is shown as a local time, a
    `company` value, a `Side`, by its name in that language); False if it could not be
    delivered (a blocked bot is noted), never an exception."""
    if side.recipient is None:
        return False
    svc = services(context)
    event = await svc.run(get_event)
    language = pick(side.recipient.language, svc.default_language)
    shown = {
        "start": lambda value: moment(value, language, event.timezone),
        "company": lambda value: escape(company_name(value, language)),
    }
    text = t(
        language,
        key,
        **{name: shown.get(name, lambda v: v)(value) for name, value in values.items()},
    )
    try:
        await context.bot.send_message(
            side.recipient.telegram_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    except Forbidden:
        await svc.run(set_blocked, side.participant_id, svc.clock())
        return False
    except TelegramError:
        log.warning("fair-day message %s to %s failed", key, side.participant_id)
        return False
    return True


def country_name(code: str, language: str) -> str:
    """An ISO country code in the reader's language (US: 미국 / United States); other values
    as they are."""
    return Locale(pick(language)).territories.get(code.strip().upper(), code)


async def send_once(
    context: ContextTypes.DEFAULT_TYPE,
    recipient: Recipient,
    kind: NoticeKind,
    key: str,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """A reminder-like message sent at most once: the notice row (kind, participant, key) is
    claimed first, the send is paced with the other bulk sends, a blocked bot is noted."""
    svc = services(context)
    now = svc.clock()
    if not await svc.run(claim_notice, kind, recipient.participant_id, key, now):
        return
    try:
        await paced(
            context.application,
            recipient.telegram_id,
            lambda: context.bot.send_message(
                recipient.telegram_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            ),
        )
    except Forbidden:
        await svc.run(set_blocked, recipient.participant_id, now)
        return
    except TelegramError:
        log.warning("reminder %s %s to %s failed", kind, key, recipient.participant_id)
        return
    await svc.run(notice_sent, kind, recipient.participant_id, key, now)
