"""/withdraw CODE [reason] and /restore CODE for organizers: what it would change, one button
to confirm. Whoever a withdrawal concerns is told once, by whichever bot process claims it
(`announce_withdrawals`, also run every few seconds, so a withdrawal made with
`scripts/run withdraw` is told too): the participant, the other side of each request closed
and of each meeting freed; each freed meeting is then offered to standby pairs."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ContextTypes,
)

from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.refill_offers import send_offer, telling
from handlers.routes import WithdrawConfirm, route
from handlers.services import Services, Who, services
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import changes, escape, withdrawn
from jobs import notify
from jobs.table import TimedJob
from locales import t
from store.errors import AlreadyWithdrawn, NotWithdrawn
from store.fairday import Side
from store.models import NoticeKind
from store.notices import Draft
from store.refill import announce_and_offer
from store.withdrawal import (
    Telling,
    Withdrawal,
    preview,
    restore,
    untold,
    withdraw,
)

REASON = "withdraw_reason"  # user_data: {"id": participant id, "reason": text}


@organizer()
async def withdraw_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    args = context.args or []
    if not args:
        await refuse(update, t(person.language, "withdraw.usage"))
        return
    svc = services(context)
    found = await svc.run(preview, args[0], svc.clock())
    if not found.active:
        raise AlreadyWithdrawn(code=found.code)
    reason = " ".join(args[1:])
    context.user_data[REASON] = {"id": found.participant_id, "reason": reason}
    values = changes(found, person.language)
    closes = (
        t(person.language, "withdraw.confirm_closes", items=values["items"])
        if values["items"]
        else t(person.language, "withdraw.confirm_nothing")
    )
    text = t(
        person.language,
        "withdraw.confirm",
        reason=escape(reason) or t(person.language, "withdraw.no_reason"),
        closes=closes,
        **values,
    )
    confirm = button(person.language, "withdraw.button", WithdrawConfirm("w", found.participant_id))
    await show(update, text, keyboard([confirm]))


@organizer()
async def restore_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    args = context.args or []
    if len(args) != 1:
        await refuse(update, t(person.language, "restore.usage"))
        return
    svc = services(context)
    found = await svc.run(preview, args[0], svc.clock())
    if found.active:
        raise NotWithdrawn(code=found.code)
    text = t(person.language, "restore.confirm", **changes(found, person.language))
    confirm = button(person.language, "restore.button", WithdrawConfirm("r", found.participant_id))
    await show(update, text, keyboard([confirm]))


@organizer(data=WithdrawConfirm)
async def confirmed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: WithdrawConfirm
) -> None:
    svc = services(context)
    participant_id = pressed.participant
    if pressed.action == "r":
        found = await svc.run(restore, person.telegram_id, participant_id, svc.clock())
        await answer_press(update.callback_query)
        await show(update, t(person.language, "restore.done", **changes(found, person.language)))
        return
    saved = context.user_data.get(REASON) or {}
    reason = str(saved.get("reason", "")) if saved.get("id") == participant_id else ""
    found = await svc.run(withdraw, person.telegram_id, participant_id, reason, svc.clock())
    context.user_data.pop(REASON, None)
    await answer_press(update.callback_query)
    await show(update, withdrawn(found, person.language))
    await announce_withdrawals(context.application)


async def announce_withdrawals(application: Application) -> None:
    """Tells each withdrawal not told yet to everyone it concerns, then offers its freed
    meetings to standby pairs (handlers/refill_offers.py)."""
    svc: Services = application.bot_data["services"]
    for participant_id in await svc.run(untold):
        told = _telling(svc.default_language)
        # The notices and the freed meetings' offers, queued with the claim.
        done, offers = await svc.run(
            announce_and_offer, participant_id, svc.clock(), told, telling(svc)
        )
        if done is None:
            continue  # another process tells it
        notify.start(application)
        for offered in offers:
            await send_offer(application, offered)


def _telling(language: str) -> Telling:
    """A withdrawal's notices, queued with its claim: each person told once per withdrawal,
    whatever the restarts (the notice outbox)."""

    def told(done: Withdrawal, timezone: str) -> list[Draft | None]:
        def one(side: Side, key: str, text: str, **values: object) -> Draft | None:
            notice = (NoticeKind.withdrawal, f"{done.key}-{key}")
            return notify.drafted(side, timezone, language, notice, text, **values)

        drafts = [one(done.person, "you", "withdrawal.you", company=done.person)]
        drafts += [
            one(other, "request", "withdrawal.request_closed", company=done.person)
            for other in done.requests
        ]
        if done.announced:  # before the announcement nobody knew of the meeting
            drafts += [
                one(
                    freed.other,
                    f"meeting-{freed.place_id}",
                    "withdrawal.meeting_freed",
                    company=done.person,
                    start=freed.start,
                )
                for freed in done.meetings
            ]
        return drafts

    return told


async def withdrawals_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every few seconds: withdrawals made elsewhere (the command line, another process)."""
    await announce_withdrawals(context.application)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(confirmed, pattern=route("withdraw"))]


FEATURE = Feature(
    commands=(
        Command("withdraw", withdraw_command, ADMINS),
        Command("restore", restore_command, ADMINS),
    ),
    others=handlers,
    jobs=(TimedJob("withdrawals", withdrawals_job),),  # every few seconds
)
