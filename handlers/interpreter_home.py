"""The interpreter's own screen: joining by their invite link, their meetings (time, booth or
video link, the two companies, the language), and ❌ for a meeting they can't make, which
hands it to another interpreter at once or tells the organizers that nobody can take it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.routes import (
    InterpreterConfirm,
    InterpreterDecline,
    InterpreterHome,
    decode_any,
    route,
)
from handlers.services import services
from handlers.ui import answer_press, button, keyboard, link_button, refuse, show
from handlers.wording import escape
from jobs.notify import tell_admins
from jobs.table import TimedJob
from locales import day_label, language_name, pick, t, time_span, tn
from store.errors import NoEvent
from store.event import get_event
from store.interpreter_screen import Home, press
from store.interpreters import (
    Job,
    Schedule,
    by_telegram_id,
    changed_interpreters,
    claim_push,
    digest,
    pushed,
    schedule,
)
from store.models import Interpreter, Phase
from store.names import company_name, event_name
from views.meeting_place import place

log = logging.getLogger(__name__)

PUSH_JOB = "interpreter-changes"


def _language(person: Interpreter | None, update: Update) -> str:
    """The interpreter's language, else their Telegram's (also for anyone else pressing)."""
    chosen = person.language if person is not None else None
    return pick(chosen or update.effective_user.language_code, "ko")


def job_line(job: Job, language: str) -> str:
    return t(
        language,
        "interp.line",
        time=time_span(language, job.start.time(), job.end.time()),
        place=place(job, language),
        buyer=escape(company_name(job.buyer, language)),
        seller=escape(company_name(job.seller, language)),
        language_name=language_name(language, job.language),
    )


def schedule_text(plan: Schedule, event: str, language: str) -> str:
    person = plan.interpreter
    spoken = ", ".join(language_name(language, c) for c in person.languages.split(",") if c)
    lines = [t(language, "interp.title", event=escape(event), name=escape(person.name))]
    lines.append(t(language, "interp.languages", languages=spoken))
    if not plan.jobs:
        lines.append(t(language, "interp.none"))
        return "\n".join(lines)
    lines.append(tn(language, "interp.summary", len(plan.jobs)))
    day = None
    for job in plan.jobs:
        if job.start.date() != day:
            day = job.start.date()
            lines.append(t(language, "interp.day", day=day_label(day, language)))
        lines.append(job_line(job, language))
    return "\n".join(lines)


def schedule_markup(plan: Schedule, language: str):
    rows = [
        [
            button(
                language,
                "interp.decline_button",
                InterpreterDecline("ask", job.buyer_id, job.seller_id),
                month=job.start.month,
                day=job.start.day,
                time=f"{job.start:%H:%M}",
            )
        ]
        for job in plan.jobs
    ]
    return keyboard(*rows, [button(language, "interp.refresh", InterpreterHome())])


def _join(job: Job, language: str) -> list:
    return [link_button(language, "fairday.join_button", job.link)] if job.link else []


def _cant(job: Job, language: str):
    pressed = InterpreterDecline("ask", job.buyer_id, job.seller_id)
    return button(language, "fairday.cancel_button", pressed)


def reminder_keyboard(job: Job, language: str):
    """The reminder's buttons: 🎥 Join for an online meeting, then ✅ / ❌ as participants have."""
    sure = InterpreterConfirm(job.buyer_id, job.seller_id)
    return keyboard(
        _join(job, language),
        [button(language, "fairday.confirm_button", sure), _cant(job, language)],
    )


async def show_home(update: Update, person: Interpreter, seen: Home) -> None:
    """Their schedule (store/interpreter_screen.py `home`), in their language."""
    language = _language(person, update)
    if seen.event is None or seen.plan is None:
        await show(update, t(language, "start.no_event"))
        return
    await show(
        update,
        schedule_text(seen.plan, event_name(seen.event, language), language),
        schedule_markup(seen.plan, language),
    )


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    query = update.callback_query
    pressed = decode_any((InterpreterHome, InterpreterDecline, InterpreterConfirm), query.data)
    if pressed is None:
        person = await svc.run(by_telegram_id, update.effective_user.id)
        await refuse(update, t(_language(person, update), "error.bad_button"))
        return
    pair = None if isinstance(pressed, InterpreterHome) else (pressed.buyer, pressed.seller)
    declined = isinstance(pressed, InterpreterDecline) and pressed.step == "no"
    found = await svc.run(press, update.effective_user.id, pair, declined, svc.clock())
    person = found.interpreter
    if person is None:
        await refuse(update, t(_language(person, update), "error.bad_button"))
        return
    language = _language(person, update)
    if found.home is not None:
        await answer_press(query)
        await show_home(update, person, found.home)
        return
    job = found.job
    if job is None:
        await refuse(update, t(language, "interp.gone"))
        return
    await answer_press(query)
    if isinstance(pressed, InterpreterConfirm):
        await show(
            update,
            t(language, "interp.confirmed", line=job_line(job, language)),
            keyboard(_join(job, language), [_cant(job, language)]),
        )
        return
    if not declined:
        await show(
            update,
            t(language, "interp.decline_confirm", line=job_line(job, language)),
            keyboard(
                [button(language, "interp.decline_yes", InterpreterDecline("no", *pair))],
                [button(language, "interp.decline_keep", InterpreterHome())],
            ),
        )
        return
    covered = found.changes is not None and pair in found.changes.gained
    await show(
        update,
        t(language, "interp.declined_moved" if covered else "interp.declined_gap"),
        keyboard([button(language, "interp.refresh", InterpreterHome())]),
    )
    if not covered:

        def gap(admin: str) -> str:
            return t(admin, "interp.admin_gap", name=escape(person.name), line=job_line(job, admin))

        await tell_admins(context.bot, svc, gap)


async def push_changes(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Once the timetables are announced, each interpreter gets their schedule, and again
    whenever it changes (a cancellation, a refill, /assign, another interpreter's ❌...),
    whatever changed it: the schedule's digest against the one last sent. Only the
    interpreters a re-assignment marked (`changed_interpreters`) are read."""
    svc = services(context)
    try:
        event = await svc.run(get_event)
    except NoEvent:
        return
    if event.phase != Phase.announced:
        return
    for interpreter_id in await svc.run(changed_interpreters):
        plan = await svc.run(schedule, interpreter_id)
        seen, current, known = (
            plan.interpreter.schedule_digest,
            digest(plan),
            plan.interpreter.schedule_fingerprint,
        )
        now = svc.clock()
        claimed = await svc.run(claim_push, interpreter_id, seen, current, known, now, svc.lease)
        if not claimed:
            continue  # nothing new to them, or another process sends it
        language = pick(plan.interpreter.language, svc.default_language)
        text = schedule_text(plan, event_name(event, language), language)
        intro = t(language, "interp.changed" if seen else "interp.announced")
        sent = True
        try:
            await context.bot.send_message(
                plan.interpreter.telegram_id,
                f"{intro}\n\n{text}",
                parse_mode=ParseMode.HTML,
                reply_markup=schedule_markup(plan, language),
            )
        except Forbidden:
            log.info("interpreter %s blocked the bot", interpreter_id)
        except TelegramError as error:  # passing: the next look sends it again
            log.warning("interpreter %s not reached: %s", interpreter_id, error)
            sent = False
        await svc.run(pushed, interpreter_id, current, now, sent)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(pressed, pattern=route("interpreter"))]


FEATURE = Feature(
    others=handlers,
    jobs=(TimedJob(PUSH_JOB, push_changes),),  # every few seconds
)
