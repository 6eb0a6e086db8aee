"""Account info (회원정보관리) and participation info (참가 정보): view and edit each field;
in 참가 정보 an online participant also chooses the zone they read times in, and a buyer the
language they need an interpreter for (store/profile_choices.py)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.feature import Feature
from handlers.guard import main_contact, participant, participant_step
from handlers.routes import (
    Menu,
    ProfileEdit,
    ProfileInterpreter,
    ProfileSection,
    ProfileZone,
    route,
)
from handlers.services import Who, member, services
from handlers.ui import answer_press, button, keyboard, named_button, refuse, show
from handlers.wording import error_text, escape
from locales import language_name, shown, t, zone_city, zone_label
from store.errors import StoreError
from store.fields import ACCOUNT_FIELDS, COMPANY_FIELDS
from store.profile import Profile, profile, save_field
from store.profile_choices import (
    Choices,
    NotOffered,
    choices,
    choose_interpreter_language,
    choose_zone,
)
from views.vocabulary import vocabulary

SECTIONS = {"acct": ACCOUNT_FIELDS, "comp": COMPANY_FIELDS}
STEP = "profile_field"  # the typed step: {"step": STEP, "field": "company"}


def _section_of(field: str) -> str:
    return "acct" if field in ACCOUNT_FIELDS else "comp"


def _zone(language: str, zone: str, offered: Choices) -> str:
    if zone == offered.event_zone:
        return t(language, "profile.zone_event", city=zone_city(language, zone))
    return zone_label(language, zone, offered.day)


def _interpreting(language: str, code: str | None) -> str:
    return language_name(language, code) if code else t(language, "profile.no_interpreter")


def _choice_lines(language: str, offered: Choices) -> tuple[list[str], list]:
    """The hybrid fair's lines of 참가 정보 and their ✏️ buttons: the zone for an online
    participant, the interpreter language for a buyer."""
    lines, edits = [], []
    if offered.zones:
        label = t(language, "field.timezone")
        value = _zone(language, offered.zone, offered)
        lines.append(t(language, "profile.line", label=label, value=escape(value)))
        edits.append(button(language, "profile.edit", ProfileZone("ask", None), label=label))
    if offered.languages:
        label = t(language, "field.interpreter_language")
        value = _interpreting(language, offered.language)
        lines.append(t(language, "profile.line", label=label, value=escape(value)))
        edits.append(button(language, "profile.edit", ProfileInterpreter("ask", None), label=label))
    return lines, edits


async def _render(update: Update, person: Who, section: str, shown_now: Profile) -> None:
    """The section's screen (`shown_now`: store/profile.py); 참가 정보 with the hybrid fair's
    choices."""
    language, participant = person.language, shown_now.participant
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
    if shown_now.choices is not None:
        more_lines, more_edits = _choice_lines(language, shown_now.choices)
        lines += more_lines
        edits += more_edits if person.main_contact else []
    if not person.main_contact:
        lines += ["", t(language, "error.main_contact_only")]
    rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
    await show(update, "\n".join(lines), keyboard(*rows, [button(language, "common.back", Menu())]))


async def _open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, section: str
) -> None:
    """The section as it is now: one store call."""
    pid = person.participant.id
    await _render(
        update, person, section, await services(context).run(profile, pid, section == "comp")
    )


def _marked(language: str, text: str, chosen: bool) -> str:
    return t(language, "profile.chosen", choice=text) if chosen else text


@main_contact(data=ProfileZone)
async def zone_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileZone
) -> None:
    """🕒 The zone an online participant reads times in: the choices, or one chosen."""
    svc, language = services(context), person.language
    if pressed.step == "set" and pressed.zone is not None:
        offered = await svc.run(choose_zone, person.participant.id, pressed.zone)
        await answer_press(update.callback_query, t(language, "profile.choice_saved"))
        await _render(update, person, "comp", Profile(person.participant, offered))
        return
    offered = await svc.run(choices, person.participant.id)
    if not offered.zones:  # on site: times are the fair's
        raise NotOffered()
    await answer_press(update.callback_query)
    rows = [
        [
            named_button(
                _marked(language, _zone(language, zone, offered), zone == offered.zone),
                ProfileZone("set", zone),
            )
        ]
        for zone in offered.zones
    ]
    back = [button(language, "common.back", ProfileSection("comp"))]
    await show(update, t(language, "profile.zone_choose"), keyboard(*rows, back))


@main_contact(data=ProfileInterpreter)
async def interpreter_pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileInterpreter
) -> None:
    """🗣 The language a buyer needs an interpreter for: the choices, or one chosen."""
    svc, language = services(context), person.language
    if pressed.step == "set":
        chosen = pressed.language
        offered = await svc.run(choose_interpreter_language, person.participant.id, chosen)
        await answer_press(update.callback_query, t(language, "profile.choice_saved"))
        await _render(update, person, "comp", Profile(person.participant, offered))
        return
    offered = await svc.run(choices, person.participant.id)
    if not offered.languages:  # a Korean company
        raise NotOffered()
    await answer_press(update.callback_query)
    options = [*offered.languages, None]
    buttons = [
        named_button(
            _marked(language, _interpreting(language, code), code == offered.language),
            ProfileInterpreter("set", code),
        )
        for code in options
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    back = [button(language, "common.back", ProfileSection("comp"))]
    await show(update, t(language, "profile.interpreter_choose"), keyboard(*rows, back))


@participant(data=ProfileSection, answer=True)
async def open_section(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileSection
) -> None:
    await _open(update, context, person, pressed.section)


@main_contact(data=ProfileEdit)
async def ask(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ProfileEdit
) -> None:
    """✏️ pressed: asks for the field's new value and arms the step that waits for it."""
    query = update.callback_query
    field = pressed.field
    typed.arm(context, STEP, field=field)
    await answer_press(query)
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
    section = _section_of(field)
    try:
        saved = await services(context).run(
            save_field,
            person.participant.id,
            field,
            update.message.text,
            section == "comp",
            vocabulary(),
        )
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
    await _render(update, person, section, saved)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is not None:
        await update.effective_chat.send_message(t(person.language, "profile.cancelled"))
        await _open(update, context, person, _section_of(step.get("field", "")))


typed.register(STEP, typed.Step(save, cancel, text_only="profile.text_only"))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(ask, pattern=route("profile.edit")),
        CallbackQueryHandler(open_section, pattern=route("profile.section")),
        CallbackQueryHandler(zone_pressed, pattern=route("profile.zone")),
        CallbackQueryHandler(interpreter_pressed, pattern=route("profile.interpreter")),
    ]


FEATURE = Feature(
    others=handlers,
)
