"""A company's card in 🔎 Find companies (the manual's 상세정보 → [상담신청]).

The card shows what a fair catalogue shows: company, country, industry, products, website
and description. The contact person, e-mail and phone appear only once the meeting is mutual:
both sides agreed to meet, so nobody harvests contacts by browsing. Below the details the card
offers exactly one thing, from `store.search.card`: Request (with an optional short note), my
request (Cancel), their request (Accept / Reject), or Mutual. Once applications close, the
card shows where you stand without buttons; buttons pressed on an older card are refused by
the store with the catalog sentence.

Buttons (handlers/routes.py; `key` is the search the card was opened from, see
handlers/find.py; it only leads back to that list): `CardAskNote` asks for a note, then
`CardSkipNote` skips it; `CardAction` accepts, rejects or cancels through
handlers/request_actions.py, which tells the other side.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers import typed
from handlers.guard import participant, participant_step
from handlers.request_actions import action_button, answered, tell_new_request
from handlers.routes import CardAction, CardAskNote, CardSkipNote, FindBack, route
from handlers.services import Who, member, services
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import error_text, escape
from locales import country_name, industry_name, t
from store.company_card import OpenCard, act_on_card, open_card, send_from_card
from store.errors import InvalidValue, StoreError
from store.fields import ACCOUNT_FIELDS
from store.names import company_name
from store.requests import NOTE_MAX
from store.search import Card, Stance, request_target

CARD_ACTIONS = ("acc", "rej", "can")
NOTE = "request_note"  # the typed step: {"step": NOTE, "company": COMPANY_ID, "key": KEY}


def _details(language: str, found: Card) -> list[str]:
    company = found.company
    lines = [
        t(language, "card.title", company=escape(company_name(company, language))),
        t(
            language,
            "card.where",
            role=t(language, f"role.{company.role.value}"),
            country=escape(country_name(language, company.country)),
            industry=escape(industry_name(language, company.industry)),
        ),
    ]
    shown = ("products", "website", "description")
    if found.stance == Stance.mutual:
        shown += ACCOUNT_FIELDS
    for field in shown:
        value = getattr(company, field)
        if value:
            label = t(language, f"field.{field}")
            lines.append(t(language, "profile.line", label=label, value=escape(value)))
    return lines


CLOSED_STANCES = (Stance.none, Stance.requested_you)  # whose text differs once requests close


def _stance(language: str, found: Card, is_open: bool) -> list[str]:
    # once closed, a stance asks for nothing the user can no longer do ("accept or decline it")
    kind = "stance" if is_open or found.stance not in CLOSED_STANCES else "stance_closed"
    lines = ["", t(language, f"card.{kind}.{found.stance.value}")]
    if found.mine is not None and found.mine.note:
        lines.append(t(language, "card.my_note", note=escape(found.mine.note)))
    if found.theirs is not None and found.theirs.note:
        lines.append(t(language, "card.their_note", note=escape(found.theirs.note)))
    if found.stance == Stance.none and is_open:
        lines.append(t(language, "card.request_hint"))
    if not is_open:
        lines.append(t(language, "card.closed"))
    return lines


def _actions(language: str, found: Card, key: str) -> list:
    company = found.company.id
    if found.stance == Stance.none:
        return [button(language, "card.request", CardAskNote(key, company))]
    if found.stance == Stance.requested and found.mine is not None:
        return [button(language, "card.cancel", CardAction(key, "can", found.mine.id))]
    if found.stance == Stance.requested_you and found.theirs is not None:
        request = found.theirs.id
        return [
            action_button(language, "acc", CardAction(key, "acc", request)),
            action_button(language, "rej", CardAction(key, "rej", request)),
        ]
    return []


def render(
    language: str, found: Card, is_open: bool, key: str, notice: str = ""
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [notice, ""] if notice else []
    lines += _details(language, found) + _stance(language, found, is_open)
    rows = [_actions(language, found, key)] if is_open else []
    rows.append([button(language, "find.back_to_list", FindBack(key))])
    return "\n".join(lines), keyboard(*rows)


async def show_card(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    other: int,
    key: str,
    notice: str = "",
) -> bool:
    """Shows the card of `other`, or refuses (not taking part, yourself, your own side)."""
    svc = services(context)
    try:
        shown = await svc.run(open_card, person.participant.id, other, svc.clock())
    except StoreError as error:
        await refuse(update, error_text(person.language, error))
        return False
    await _show(update, person.language, shown, key, notice)
    return True


async def _show(update: Update, language: str, shown: OpenCard, key: str, notice: str = "") -> None:
    await show(update, *render(language, shown.card, shown.open, key, notice))


@participant(data=CardAskNote)
async def ask_note(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: CardAskNote
) -> None:
    """Request pressed: checks the company can be asked, then asks for an optional note."""
    svc = services(context)
    key, other = pressed.key, pressed.company
    target = await svc.run(request_target, person.participant.id, other, svc.clock())
    await answer_press(update.callback_query)
    typed.arm(context, NOTE, company=other, key=key)
    await update.effective_chat.send_message(
        t(
            person.language,
            "card.ask_note",
            company=escape(company_name(target.company, person.language)),
            limit=NOTE_MAX,
        ),
        parse_mode="HTML",
        reply_markup=keyboard(
            [button(person.language, "card.skip_note", CardSkipNote(key, other))]
        ),
    )


async def _send(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict, note: str
) -> None:
    other, key = step["company"], step["key"]
    svc = services(context)
    try:
        sent = await svc.run(send_from_card, person.participant.id, other, svc.clock(), note)
    except InvalidValue as error:  # the note is too long: it may be typed again
        again = t(person.language, "card.note_again")
        await refuse(update, error_text(person.language, error) + "\n" + again)
        return
    except StoreError as error:
        typed.disarm(context)
        await refuse(update, error_text(person.language, error))
        return
    typed.disarm(context)
    if update.callback_query is not None:
        await answer_press(update.callback_query)
    tell_new_request(context, sent.involved)
    assert sent.card is not None  # the company was just asked: its card can be shown
    await _show(update, person.language, sent.card, key, t(person.language, "card.sent"))


@participant_step
async def typed_note(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, step: dict
) -> None:
    await _send(update, context, person, step, update.message.text)


@participant()
async def skip_note(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    pressed = CardSkipNote.decode(update.callback_query.data)
    step = typed.armed(context, NOTE)
    if (
        pressed is None
        or step is None
        or (step["company"], step["key"])
        != (
            pressed.company,
            pressed.key,
        )
    ):
        await refuse(update, t(person.language, "error.bad_button"))
        return
    await _send(update, context, person, step, "")


async def cancel_note(update: Update, context: ContextTypes.DEFAULT_TYPE, step: dict) -> None:
    person = await member(update, context)
    if person is None:
        return
    notice = t(person.language, "card.not_sent")
    await show_card(update, context, person, step["company"], step["key"], notice)


typed.register(
    NOTE,
    typed.Step(
        typed_note, cancel_note, text_only="card.note_text_only", own_buttons=(CardSkipNote,)
    ),
)


@participant(data=CardAction)
async def card_action(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: CardAction
) -> None:
    """Cancel / Accept / Reject on a card: the shared action, then the card as it is now."""
    if pressed.action not in CARD_ACTIONS:
        await refuse(update, t(person.language, "error.bad_button"))
        return
    svc = services(context)
    me, action = person.participant.id, pressed.action
    try:
        after = await svc.run(act_on_card, me, action, pressed.request, svc.clock())
    except StoreError as error:
        await answered(update, context, person, action, None, error)
        return
    await answered(update, context, person, action, after.involved)
    if after.card is None:
        assert after.refused is not None
        await refuse(update, error_text(person.language, after.refused))
        return
    await _show(update, person.language, after.card, pressed.key)


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(ask_note, pattern=route("card.ask_note")),
        CallbackQueryHandler(skip_note, pattern=route("card.skip_note")),
        CallbackQueryHandler(card_action, pattern=route("card.action")),
    ]
