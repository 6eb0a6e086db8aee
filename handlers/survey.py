"""The follow-up survey in the chat: weeks after the fair, one question per meeting held
("Was a contract or an MOU signed with X?"), then the value typed (a handlers/typed.py step).
The job is re-created at every start-up and queues a question for whoever was not asked
yet; the notice outbox sends each once (jobs/notify.py), so an interrupted survey
resumes and nobody is asked twice. Rules: store/survey.py."""

from __future__ import annotations

from functools import partial

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.feature import Feature
from handlers.guard import participant, participant_step
from handlers.outcomes import usd
from handlers.routes import SurveyAnswer, route
from handlers.services import Who, member, services
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import error_text, escape
from jobs import notify
from jobs.notify import tell_admins
from jobs.table import TimedJob
from locales import day_label, pick, t, tn
from store.errors import StoreError
from store.event import get_event
from store.models import NoticeKind, Signed
from store.names import company_name, event_name
from store.outcomes import prompt_key
from store.survey import (
    Question,
    SurveyReply,
    answer_survey,
    questions,
    survey_due,
    survey_value,
)

VALUE_STEP = "survey_value"
JOB = "follow-up-survey"


def _keyboard(language: str, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        *([button(language, f"survey.{s.value}", SurveyAnswer(meeting_id, s))] for s in Signed)
    )


async def survey_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Queues a question for everyone not asked yet; organizers hear how many start going
    out, and the whole round's count once all are done (jobs/notify.py)."""
    svc = services(context)
    event = await svc.run(get_event)
    drafts = []
    for question in await svc.run(questions, svc.clock()):

        def render(language: str, question: Question = question) -> notify.Rendered:
            text = t(
                language,
                "survey.question",
                event=escape(event_name(event, language)),
                company=escape(company_name(question.counterpart, language)),
                day=day_label(question.start.date(), language),  # the event's local day
            )
            return text, _keyboard(language, question.meeting_id)

        language = pick(question.recipient.language, svc.default_language)
        key = prompt_key(question.meeting_id)
        drafts.append(
            notify.draft(
                NoticeKind.survey, question.recipient.participant_id, key, language, render
            )
        )
    queued = await notify.queue(context.application, drafts)
    if queued:
        await tell_admins(context.bot, svc, partial(tn, key="survey.sending", count=queued))


def _thanks(reply: SurveyReply, language: str) -> str:
    value = (
        usd(reply.value_usd, language)
        if reply.value_usd is not None
        else t(language, "outcome.not_given")
    )
    return t(
        language,
        "survey.thanks",
        company=escape(company_name(reply.counterpart, language)),
        signed=t(language, f"survey.{reply.signed.value}"),
        value=value,
    )


@participant(data=SurveyAnswer)
async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: SurveyAnswer
) -> None:
    svc = services(context)
    meeting_id, signed = pressed.meeting, pressed.signed
    reply = await svc.run(answer_survey, meeting_id, person.participant.id, signed, svc.clock())
    await show(update, _thanks(reply, person.language), _keyboard(person.language, meeting_id))
    await answer_press(update.callback_query)
    if signed != Signed.nothing:
        typed.arm(context, VALUE_STEP, meeting=meeting_id)
        await update.effective_chat.send_message(
            t(
                person.language,
                "survey.ask_value",
                company=escape(company_name(reply.counterpart, person.language)),
            ),
            parse_mode=ParseMode.HTML,
        )


@participant_step
async def _typed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict
) -> None:
    svc = services(context)
    text = update.effective_message.text or ""
    try:
        reply = await svc.run(
            survey_value, step["meeting"], person.participant.id, text, svc.clock()
        )
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        if error.key != "bad_amount":
            typed.disarm(context)
        return
    typed.disarm(context)
    await update.effective_chat.send_message(
        _thanks(reply, person.language), parse_mode=ParseMode.HTML
    )


async def _cancelled(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is not None:
        await update.effective_chat.send_message(t(person.language, "outcome.kept"))


typed.register(VALUE_STEP, typed.Step(_typed, _cancelled, text_only="outcome.text_only"))


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_button, pattern=route("survey"))]


FEATURE = Feature(
    others=handlers,
    jobs=(TimedJob(JOB, survey_job, survey_due),),
)
