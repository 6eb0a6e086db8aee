"""After each meeting: "How did your meeting with X go?" to both sides when its slot ends (one
reminder later if unanswered), five answers on buttons, then optionally an expected deal value
in USD and a short note, typed (handlers/typed.py steps). The answer message stays usable to
change the answer until a week after the fair. Rules and storage: store/outcomes.py."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.feature import Feature
from handlers.guard import participant, participant_step
from handlers.routes import OutcomeAsk, OutcomePick, route
from handlers.services import Who, member, services
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import counted_items, error_text, escape
from jobs import notify
from jobs.table import TimedJob
from locales import moment, pick, t, tn
from store.errors import StoreError
from store.event import get_event
from store.models import NoticeKind, OutcomeResult
from store.names import company_name
from store.outcomes import (
    Answer,
    OutcomeCounts,
    Prompt,
    editable_until,
    my_answer,
    nudges_due,
    prompt_key,
    prompts,
    prompts_due,
    record_outcome,
    set_details,
)

VALUE_STEP, NOTE_STEP = "outcome_value", "outcome_note"


def results_keyboard(language: str, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        *(
            [button(language, f"outcome.result.{r.value}", OutcomePick(meeting_id, r))]
            for r in OutcomeResult
        )
    )


def _details_keyboard(language: str, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            button(language, "outcome.value_button", OutcomeAsk("v", meeting_id)),
            button(language, "outcome.note_button", OutcomeAsk("n", meeting_id)),
        ],
        [button(language, "outcome.change_button", OutcomeAsk("c", meeting_id))],
    )


def usd(amount: int, language: str) -> str:
    return t(language, "outcome.usd", amount=f"{amount:,}")


def _summary(answer: Answer, language: str) -> str:
    assert answer.result is not None
    timezone = answer.timezone
    return t(
        language,
        "outcome.summary",
        company=escape(company_name(answer.counterpart, language)),
        start=moment(answer.start, language, timezone),
        result=t(language, f"outcome.result.{answer.result.value}"),
        value=usd(answer.value_usd, language)
        if answer.value_usd is not None
        else t(language, "outcome.not_given"),
        note=escape(answer.note) if answer.note else t(language, "outcome.not_given"),
        until=moment(answer.until, language, timezone),
    )


# Jobs


async def _ask_all(context: ContextTypes.DEFAULT_TYPE, kind: NoticeKind, key: str) -> None:
    """Queues the slot's questions (or reminders), of use until answers close."""
    svc = services(context)
    slot_id: int = context.job.data
    event = await svc.run(get_event)
    until = await svc.run(editable_until)
    nudge = kind == NoticeKind.outcome_nudge
    drafts = []
    for prompt in await svc.run(prompts, slot_id, nudge):

        def render(language: str, prompt: Prompt = prompt) -> notify.Rendered:
            text = t(
                language,
                key,
                company=escape(company_name(prompt.counterpart, language)),
                start=moment(
                    prompt.start, language, event.timezone, reader_zone=prompt.recipient.zone
                ),
                booth=escape(prompt.booth or t(language, "reminder.no_booth")),
            )
            return text, results_keyboard(language, prompt.meeting_id)

        language = pick(prompt.recipient.language, svc.default_language)
        drafts.append(
            notify.draft(
                kind,
                prompt.recipient.participant_id,
                prompt_key(prompt.meeting_id),
                language,
                render,
                until,
            )
        )
    await notify.queue(context.application, drafts)


async def prompt_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The slot has ended: both sides of each of its meetings are asked how it went."""
    await _ask_all(context, NoticeKind.outcome, "outcome.prompt")


async def nudge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one reminder, to those asked who have not answered."""
    await _ask_all(context, NoticeKind.outcome_nudge, "outcome.nudge")


# Buttons and typed steps


@participant(data=(OutcomePick, OutcomeAsk))
async def on_button(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    pressed: OutcomePick | OutcomeAsk,
) -> None:
    svc = services(context)
    language, me, now = person.language, person.participant.id, svc.clock()
    if isinstance(pressed, OutcomePick):
        answer = await svc.run(record_outcome, pressed.meeting, me, pressed.result, now, person.by)
        await show(
            update,
            _summary(answer, language),
            _details_keyboard(language, answer.meeting_id),
        )
    else:
        meeting_id = pressed.meeting
        answer = await svc.run(my_answer, meeting_id, me, now, person.by)
        if pressed.ask == "c" or answer.result is None:
            text = t(
                language,
                "outcome.question",
                company=escape(company_name(answer.counterpart, language)),
                start=moment(answer.start, language, answer.timezone),
            )
            await show(update, text, results_keyboard(language, meeting_id))
        else:
            kind = VALUE_STEP if pressed.ask == "v" else NOTE_STEP
            typed.arm(context, kind, meeting=meeting_id)
            await update.effective_chat.send_message(
                t(
                    language,
                    f"outcome.ask_{'value' if kind == VALUE_STEP else 'note'}",
                    company=escape(company_name(answer.counterpart, language)),
                ),
                parse_mode=ParseMode.HTML,
            )
    await answer_press(update.callback_query)


@participant_step
async def _typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict
) -> None:
    svc = services(context)
    text = update.effective_message.text or ""
    field = {"value_text": text} if step["step"] == VALUE_STEP else {"note": text}
    try:
        answer = await svc.run(
            set_details, step["meeting"], person.participant.id, svc.clock(), by=person.by, **field
        )
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        if error.key in ("bad_amount", "note_too_long"):
            return  # the step stays armed: the value may be typed again
        typed.disarm(context)
        return
    typed.disarm(context)
    await update.effective_chat.send_message(
        _summary(answer, person.language),
        parse_mode=ParseMode.HTML,
        reply_markup=_details_keyboard(person.language, answer.meeting_id),
    )


async def _cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is not None:
        await update.effective_chat.send_message(t(person.language, "outcome.kept"))


for _kind in (VALUE_STEP, NOTE_STEP):
    typed.register(_kind, typed.Step(_typed, _cancelled, text_only="outcome.text_only"))


def stats_line(language: str, counts: OutcomeCounts) -> str | None:
    """The /stats line: answers by result against the sides asked, and the expected value
    (None before anyone was asked)."""
    if not counts.asked:
        return None
    if not any(counts.results.values()):
        return tn(language, "outcome.stats_unanswered", counts.asked)
    results = counted_items(language, "outcome.count", counts.results, labels="outcome.result")
    return t(
        language,
        "outcome.stats",
        answered=sum(counts.results.values()),
        asked=counts.asked,
        results=results,
        expected=usd(counts.expected_usd, language),
    )


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_button, pattern=route("outcome"))]


FEATURE = Feature(
    others=handlers,
    jobs=(
        TimedJob("outcome-prompts", prompt_job, prompts_due),
        TimedJob("outcome-nudges", nudge_job, nudges_due),
    ),
)
