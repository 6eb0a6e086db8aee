"""Standby refill in the chat: a freed place is offered at once to both sides of the first
candidate pair (Accept / Decline, until a time limit); both accepting books the meeting and
sends both their updated timetable and calendar file (queued with the booking, so a process
killed right after it leaves them to the senders); a decline, a timeout or a booking that
could not be made moves on to the next pair. The rules and the atomic booking live in
store/refill.py; each offer's expiry is a job, re-created from the database at start-up."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.routes import RefillAnswer, route
from handlers.services import Services, Who, services
from handlers.ui import answer_press, button, keyboard, show
from handlers.wording import escape
from jobs.notify import drafted, send_queued
from jobs.sending import replace_job
from jobs.table import TimedJob
from locales import clock, country_name, moment, t
from store.fairday import Side
from store.models import NoticeKind
from store.names import company_name
from store.notices import Draft, Queued
from store.refill import (
    Ended,
    Offered,
    OfferView,
    Outcome,
    Telling,
    answer_offer,
    expire_and_offer,
    freed_while_down,
    offer_and_tell,
    offers_due,
    open_offers,
    unoffered_places,
    withdraw_offer,
)
from views.meeting_place import plain_place

MAX_TRIES = 50  # pairs tried in a row for one place when offers cannot be delivered
EXPIRY_JOB = "refill-expire"


def _job_name(offer_id: int) -> str:
    return f"{EXPIRY_JOB}-{offer_id}"


def _seconds(when: datetime, now: datetime) -> float:
    return (when - now).total_seconds()


def telling(svc: Services) -> Telling:
    """The refill's notices, which the store queues with the change they tell of: an offer
    to both sides of a pair (each person in their language), and how an offer ended."""
    language = svc.default_language

    def offer(view: OfferView) -> list[Draft | None]:
        return [
            drafted(
                me,
                view.timezone,
                language,
                (NoticeKind.refill, f"offer-{view.id}"),
                "refill.offer",
                partial(_offer_buttons, view.id),  # in each reader's language
                not_after=view.expires_at,
                company=other,
                country=partial(_country, country),
                start=view.start,
                place=partial(_place, view),
                until=clock(
                    view.expires_at.astimezone(ZoneInfo(me.recipient_zone or view.timezone)).time()
                ),
            )
            for me, other, country in view.sides()
        ]

    def ended(view: OfferView, how: Ended, sides: Sequence[Side]) -> list[Draft | None]:
        buyer = view.buyer.participant_id
        return [
            drafted(
                side,
                view.timezone,
                language,
                _outcome(view),
                ENDED[how],
                not_after=view.end,
                company=view.seller if side.participant_id == buyer else view.buyer,
                start=view.start,
            )
            for side in sides
        ]

    return Telling(offer, ended)


ENDED = {
    Ended.declined: "refill.declined_by_other",
    Ended.void: "refill.void",
    Ended.booked: "refill.booked",
    Ended.expired: "refill.expired",
    Ended.withdrawn: "refill.withdrawn",
}


async def send_offer(
    application: Application, offered: Offered | None, told: Queued | None = None
) -> None:
    """Sends at once how the last offer ended (`told`) and the next offer, both queued by the
    store call that closed the one and made the other; an offer a side cannot be sent goes to
    the next pair."""
    svc: Services = application.bot_data["services"]
    if told is not None:
        await send_queued(application, told.drafts, told.ids)
    for _ in range(MAX_TRIES):
        if offered is None:
            return
        view = offered.view
        replace_job(
            application.job_queue,
            _job_name(view.id),
            expiry_job,
            _seconds(view.expires_at, svc.clock()),
            view.id,
        )
        delivered = await send_queued(application, offered.notices.drafts, offered.notices.ids)
        if all(delivered):
            return
        # One side cannot be reached: the offer is void and the next pair gets the place.
        reached = [
            side.participant_id
            for side, ok in zip((view.buyer, view.seller), delivered, strict=True)
            if ok
        ]
        told, offered = await svc.run(withdraw_offer, view.id, svc.clock(), reached, telling(svc))
        await send_queued(application, told.drafts, told.ids)


def _zone(side: Side, timezone: str) -> str:
    return side.recipient_zone or timezone


def _offer_buttons(offer_id: int, language: str) -> InlineKeyboardMarkup:
    return keyboard(
        [
            button(language, "refill.accept_button", RefillAnswer("y", offer_id)),
            button(language, "refill.decline_button", RefillAnswer("n", offer_id)),
        ]
    )


def _country(code: str, language: str) -> str:
    return escape(country_name(language, code))


def _place(view: OfferView, language: str) -> str:
    return escape(plain_place(view, language))


def _outcome(view: OfferView) -> tuple[NoticeKind, str]:
    """The notice of how an offer ended (one per side), of use until the slot ends."""
    return NoticeKind.refill, f"offer-{view.id}-end"


async def expiry_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The offer's time is up: both sides hear it, and the next pair is offered the place."""
    svc = services(context)
    told, offered = await svc.run(expire_and_offer, context.job.data, svc.clock(), telling(svc))
    await send_offer(context.application, offered, told)


@participant(data=RefillAnswer)
async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: RefillAnswer
) -> None:
    accept, offer_id = pressed.answer == "y", pressed.offer
    svc = services(context)
    language = person.language
    done = await svc.run(
        answer_offer,
        offer_id,
        person.participant.id,
        accept,
        svc.clock(),
        person.by,
        telling(svc),
    )
    view, me = done.offer, done.me
    other = view.seller if me.participant_id == view.buyer.participant_id else view.buyer
    values = {
        "company": escape(company_name(other, language)),
        "start": moment(view.start, language, view.timezone, reader_zone=me.recipient_zone),
    }
    await answer_press(update.callback_query)
    if done.outcome == Outcome.waiting:
        await show(update, t(language, "refill.waiting", **values))
        return
    if done.outcome == Outcome.declined:
        await show(update, t(language, "refill.you_declined", **values))
    elif done.outcome == Outcome.void:
        await show(update, t(language, "refill.void", **values))
    else:
        await show(update, t(language, "refill.booked", **values))
        # The other side's notice, then both sides' updated timetables.
        await send_queued(context.application, done.told.drafts, done.told.ids)
        return
    for job in context.job_queue.get_jobs_by_name(_job_name(view.id)):
        job.schedule_removal()
    await send_offer(context.application, done.next, done.told)


async def expire_overdue(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every few seconds in every process: offers past their time whose expiry job went with
    the process that made them (killed, and not started again); of two processes expiring one,
    one does (store/refill.py `expire_offer`)."""
    svc = services(context)
    now = svc.clock()
    for offer_id, expires in await svc.run(open_offers):
        if expires <= now:
            told, offered = await svc.run(expire_and_offer, offer_id, now, telling(svc))
            await send_offer(context.application, offered, told)


async def offer_unoffered(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start-up: offers for places freed while the bot was down."""
    svc = services(context)
    for place_id in await svc.run(unoffered_places, svc.clock()):
        offered = await svc.run(offer_and_tell, place_id, svc.clock(), telling(svc))
        await send_offer(context.application, offered)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_button, pattern=route("refill"))]


FEATURE = Feature(
    others=handlers,
    jobs=(
        TimedJob(EXPIRY_JOB, expiry_job, offers_due),
        TimedJob("refill-unoffered", offer_unoffered, freed_while_down),
        TimedJob("refill-overdue", expire_overdue),  # every few seconds
    ),
)
