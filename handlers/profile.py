"""Account info (회원정보관리) and participation info (참가 정보): view and edit each field."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.feature import Feature
from handlers.guard import participant, participant_step
from handlers.routes import Menu, ProfileEdit, ProfileSection, route
from handlers.services import Who, member, services
from handlers.ui import button, error_text, escape, keyboard, refuse, show
from locales import shown, t
from store.errors import StoreError
from store.fields import ACCOUNT_FIELDS, COMPANY_FIELDS
from store.participants import update_field

SECTIONS = {"acct": ACCOUNT_FIELDS, "comp": COMPANY_FIELDS}
STEP = "profile_field"  # the typed step: {"step": STEP, "field": "company"}


def _section_of(field: str) -> str:
    return "acct" if field in ACCOUNT_FIELDS else "comp"


async def _render(update: Update, person: Who, section: str) -> None:
    language, participant = person.language, person.participant
    lines = [t(language, f"profile.{section}.title")]
    for field in SECTIONS[section]:
        value = shown(language, field, getattr(participant, field)) or t(language, "profile.empty")
        lines.append(
            t(language, "profile.line", label=t(language, f"field.{field}"), value=escape(value))
        )
    edits = [
        button(language, "profile.edit", ProfileEdit(field), label=t(language, f"field.{field}"))
        for field in SECTIONS[section]
        if person.main_contact  # a colleague reads the company's details, never edits them
    ]
    if not person.main_contact:
        lines += ["", t(language, "error.main_contact_only")]
    rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
    await show(update, "\n".join(lines), keyboard(*rows, [button(language, "common.back", Menu())]))


@participant(data=ProfileSection, answer=True)
async def open_section(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileSection
) -> None:
    await _render(update, person, pressed.section)


@participant(data=ProfileEdit)
async def ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileEdit
) -> None:
    """✏️ pressed: asks for the field's new value and arms the step that waits for it."""
    query = update.callback_query
    if not person.main_contact:
        await refuse(update, t(person.language, "error.main_contact_only"))
        return
    field = pressed.field
    typed.arm(context, STEP, field=field)
    await query.answer()
    current = shown(person.language, field, getattr(person.participant, field))
    current = current or t(person.language, "profile.empty")
    await update.effective_chat.send_message(
        t(
            person.language,
            "profile.ask",
            label=t(person.language, f"field.{field}"),
            value=escape(current),
        ),
        parse_mode="HTML",
    )


@participant_step
async def save(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict) -> None:
    field = step["field"]
    if field not in ACCOUNT_FIELDS + COMPANY_FIELDS:
        typed.disarm(context)
        return
    try:
        await services(context).run(update_field, person.participant.id, field, update.message.text)
    except StoreError as error:
        await refuse(
            update,
            error_text(person.language, error) + "\n" + t(person.language, "profile.try_again"),
        )
        return  # the step stays armed: the value may be typed again
    typed.disarm(context)
    await update.effective_chat.send_message(
        t(person.language, "profile.saved", label=t(person.language, f"field.{field}"))
    )
    person = await member(update, context)
    await _render(update, person, _section_of(field))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is not None:
        await update.effective_chat.send_message(t(person.language, "profile.cancelled"))
        await _render(update, person, _section_of(step.get("field", "")))


typed.register(STEP, typed.Step(save, cancel, text_only="profile.text_only"))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(ask, pattern=route("profile.edit")),
        CallbackQueryHandler(open_section, pattern=route("profile.section")),
    ]


FEATURE = Feature(
    others=handlers,
)
