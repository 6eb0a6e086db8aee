"""Applying without an invite link: role, company details, contact; admins approve or reject."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.feature import HIDDEN, Command, Feature
from handlers.guard import organizer
from handlers.routes import ApplicationDecision, ApplyRole, Menu, route
from handlers.services import Who, services, who
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import error_text, escape
from jobs.notify import Rendered, draft, send_queued, tell_admins
from locales import shown, t
from store.applications import QUESTIONS, check_answer, decide, submit
from store.errors import StoreError
from store.fields import NAME_FIELDS as NAMES
from store.models import ApplicationStatus, JoinApplication, NoticeKind, Role
from store.names import company_name
from store.notices import Draft
from views.vocabulary import vocabulary

STEP = "apply"  # the typed step: {"step": STEP, "answers": {"role": "buyer", ...}}


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    if update.callback_query is not None:
        await answer_press(update.callback_query)
    if person.withdrawn:
        await refuse(update, t(person.language, "error.withdrawn"))
        return
    if person.participant is not None:
        await refuse(update, t(person.language, "error.already_applied"))
        return
    typed.arm(context, STEP, answers={})
    await show(
        update,
        t(person.language, "apply.role"),
        keyboard(
            [
                button(person.language, "role.buyer", ApplyRole("buyer")),
                button(person.language, "role.seller", ApplyRole("seller")),
            ]
        ),
    )


async def _ask_next(update: Update, language: str, answers: dict[str, str]) -> None:
    role = Role(answers["role"])
    field = next(f for f in QUESTIONS[role] if f not in answers)
    step = QUESTIONS[role].index(field) + 1
    # A buyer's names are asked the other way round (English first, Korean if any).
    key = (
        f"apply.ask.buyer_{field}"
        if role == Role.buyer and field in NAMES
        else f"apply.ask.{field}"
    )
    await update.effective_chat.send_message(
        t(language, key, step=step, steps=len(QUESTIONS[role]))
    )


async def role(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    person = await who(update, context)
    pressed = ApplyRole.decode(update.callback_query.data)
    step = typed.armed(context, STEP)
    if pressed is None or step is None or "role" in step["answers"]:
        await refuse(update, t(person.language, "error.bad_button"))
        return
    await answer_press(update.callback_query)
    answers = {**step["answers"], "role": pressed.role}
    typed.arm(context, STEP, answers=answers)
    await show(
        update,
        t(person.language, "apply.role_chosen", role=t(person.language, f"role.{pressed.role}")),
    )
    await _ask_next(update, person.language, answers)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await who(update, context)
    answers = dict(step["answers"])
    if "role" not in answers:
        await refuse(update, t(person.language, "apply.role_first"))
        return
    role = Role(answers["role"])
    field = next(f for f in QUESTIONS[role] if f not in answers)
    try:
        answers[field] = check_answer(role, field, update.message.text, vocabulary())
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        return
    if any(f not in answers for f in QUESTIONS[role]):
        typed.arm(context, STEP, answers=answers)
        await _ask_next(update, person.language, answers)
        return
    typed.disarm(context)
    await _finish(update, context, answers)


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, answers: dict) -> None:
    person = await who(update, context)
    svc = services(context)
    try:
        application = await svc.run(
            submit,
            person.telegram_id,
            person.language,
            Role(answers["role"]),
            answers,
            vocabulary(),
        )
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        return
    await update.effective_chat.send_message(t(person.language, "apply.sent"))

    def summary(admin: str) -> str:
        empty = t(admin, "profile.empty")  # a field left out ("-") reads "—", not blank
        return t(
            admin,
            "apply.admin_summary",
            role=t(admin, f"role.{application.role.value}"),
            **{
                field: escape(shown(admin, field, getattr(application, field))) or empty
                for field in QUESTIONS[Role.buyer]  # every field (a Korean company's country: KR)
            },
        )

    def decision(admin: str) -> InlineKeyboardMarkup:
        return keyboard(
            [
                button(admin, "apply.approve", ApplicationDecision("y", application.id)),
                button(admin, "apply.reject", ApplicationDecision("n", application.id)),
            ]
        )

    await tell_admins(context.bot, svc, summary, decision)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await who(update, context)
    await update.effective_chat.send_message(t(person.language, "apply.cancelled"))


typed.register(
    STEP, typed.Step(answer, cancel, text_only="profile.text_only", own_buttons=(ApplyRole,))
)


def _approved(decided: JoinApplication) -> Draft:
    """The applicant's welcome, queued with the approval (store/applications.py `decide`)."""

    def render(language: str) -> Rendered:
        company = escape(company_name(decided, language))
        welcome = keyboard([button(language, "menu.open", Menu())])
        return t(language, "apply.approved", company=company), welcome

    assert decided.participant_id is not None
    key = f"application-{decided.id}"
    return draft(NoticeKind.application, decided.participant_id, key, decided.language, render)


async def _tell_rejected(context: ContextTypes.DEFAULT_TYPE, rejected: JoinApplication) -> bool:
    """A rejected applicant is no participant, so no notice of the outbox: told directly
    (a bot killed right then leaves them untold). False if they cannot be reached."""
    language = rejected.language
    company = escape(company_name(rejected, language))
    try:
        await context.bot.send_message(
            rejected.telegram_id,
            t(language, "apply.rejected", company=company),
            parse_mode=ParseMode.HTML,
        )
    except TelegramError:
        return False
    return True


@organizer(data=ApplicationDecision)
async def decision(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ApplicationDecision
) -> None:
    """An admin's Approve / Reject on an application message; the applicant is told."""
    svc = services(context)
    approve = pressed.answer == "y"
    application, told = await svc.run(
        decide, pressed.application, person.telegram_id, approve, vocabulary(), _approved
    )
    await answer_press(update.callback_query)
    approved = application.status == ApplicationStatus.approved
    outcome = "approved" if approved else "rejected"
    await show(
        update,
        t(
            person.language,
            f"apply.admin_{outcome}",
            company=escape(company_name(application, person.language)),
        ),
    )
    if approved:
        [reached] = await send_queued(context.application, told.drafts, told.ids)
    else:
        reached = await _tell_rejected(context, application)
    if not reached:
        await refuse(update, t(person.language, "apply.applicant_unreachable"))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(begin, pattern=route("apply")),
        CallbackQueryHandler(role, pattern=route("apply.role")),
        CallbackQueryHandler(decision, pattern=route("application.decision")),
    ]


FEATURE = Feature(
    commands=(Command("apply", begin, HIDDEN),),
    others=handlers,
)
