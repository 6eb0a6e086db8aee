"""👥 Colleagues on My page: the main contact invites up to three colleagues (a personal link
each, to forward), sees who joined, and revokes one after a confirmation (the colleague is told
once). Colleagues use the bot for the company (store/colleagues.py); this screen is the main
contact's alone."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes
from telegram.helpers import create_deep_linked_url

from handlers.feature import Feature
from handlers.guard import main_contact
from handlers.routes import ColleagueInvite, ColleagueRevoke, Colleagues, Menu, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, clipped, keyboard, refuse, show
from handlers.wording import escape
from jobs.notify import Rendered, draft, start
from locales import day_time, t, tn
from store.colleagues import Team, colleague_team, invitation, revoking
from store.models import COLLEAGUE_SEATS, Colleague, NoticeKind
from store.names import company_name
from store.notices import Draft


def _name(language: str, colleague: Colleague) -> str:
    """A joined colleague's Telegram name."""
    return colleague.name or t(language, "colleagues.no_name")


def _made(
    language: str, colleague: Colleague, team: list[Colleague], timezone: str
) -> dict[str, str]:
    """What names an invitation until it is opened (no button may point at a number in the
    list): when it was made (`when`) and, if others of the `team` were made the same minute,
    which of them it is (`nth`: first, second, third; else "")."""
    when = day_time(colleague.created_at, language, timezone)
    unopened = {c.id: c for c in [*team, colleague] if c.telegram_id is None}.values()
    same = sorted(
        (c for c in unopened if day_time(c.created_at, language, timezone) == when),
        key=lambda c: (c.created_at, c.id or 0),
    )
    if len(same) < 2:
        return {"when": when, "nth": ""}
    place = [c.id for c in same].index(colleague.id) + 1  # at most COLLEAGUE_SEATS
    return {"when": when, "nth": t(language, f"colleagues.nth.{place}")}


def _line(update: Update, language: str, number: int, colleague: Colleague, timezone: str) -> str:
    if colleague.telegram_id is None:
        link = create_deep_linked_url(update.get_bot().username, colleague.invite_token)
        when = day_time(colleague.created_at, language, timezone)
        return t(language, "colleagues.line_invited", number=number, when=when, link=link)
    name = escape(_name(language, colleague))
    return t(language, "colleagues.line_joined", number=number, name=name)


def _key(colleague: Colleague, key: str, made: dict[str, str]) -> str:
    """The catalog text for a joined colleague (`key`) or an invitation (`key_invitation`, or
    `key_invitation_nth` when others were made the same minute)."""
    if colleague.telegram_id is not None:
        return key
    return f"{key}_invitation_nth" if made["nth"] else f"{key}_invitation"


async def _render(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    done: str = "",
    found: Team | None = None,
) -> None:
    """The list in place of the pressed menu; `done` says first what was just done; `found`,
    the list when the caller just read it."""
    language, company = person.language, person.participant
    if found is None:
        found = await services(context).run(colleague_team, company.id)
    team, zone = found.members, found.timezone
    lines = [done, ""] if done else []
    lines += [
        tn(
            language,
            "colleagues.title",
            COLLEAGUE_SEATS,
            company=escape(company_name(company, language)),
        )
    ]
    if team:
        lines.append("")
        lines += [_line(update, language, n, c, zone) for n, c in enumerate(team, 1)]
    else:
        lines.append(t(language, "colleagues.none"))
    rows = []
    for c in team:
        made = _made(language, c, team, zone)
        label = _key(c, "colleagues.revoke_button", made)
        name = clipped(_name(language, c), 16)
        rows.append([button(language, label, ColleagueRevoke("ask", c.id), name=name, **made)])
    if len(team) < COLLEAGUE_SEATS:
        rows.insert(0, [button(language, "colleagues.invite_button", ColleagueInvite())])
    await show(update, "\n".join(lines), keyboard(*rows, [button(language, "common.back", Menu())]))


@main_contact(data=Colleagues, answer=True)
async def open_colleagues(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: Colleagues
) -> None:
    await _render(update, context, person)


@main_contact(data=ColleagueInvite)
async def new_link(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ColleagueInvite
) -> None:
    """A new colleague's link, sent as its own message to forward; the list shows it too."""
    svc = services(context)
    made = await svc.run(invitation, person.participant.id, person.telegram_id, svc.clock())
    await answer_press(update.callback_query)
    link = create_deep_linked_url(context.bot.username, made.colleague.invite_token)
    language = person.language
    await update.effective_chat.send_message(
        t(
            language,
            "colleagues.link",
            company=escape(company_name(person.participant, language)),
            link=link,
        ),
        parse_mode="HTML",
    )
    await _render(update, context, person, found=made.team)


def _revoked_notice(person: Who, colleague_id: int) -> Draft:
    """The revoked colleague's one notice, in their language."""
    company = person.participant

    def render(language: str) -> Rendered:
        name = escape(company_name(company, language))
        return t(language, "colleagues.you_revoked", company=name), None

    key = f"revoked-{colleague_id}"
    return draft(NoticeKind.colleague, company.id, key, person.language, render, None, colleague_id)


@main_contact(data=ColleagueRevoke)
async def revoke_colleague(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: ColleagueRevoke
) -> None:
    """✖️ on a colleague asks once; the confirmation revokes and tells them."""
    svc = services(context)
    language = person.language
    confirmed = pressed.step == "yes"
    notice = _revoked_notice(person, pressed.colleague) if confirmed else None
    done = await svc.run(
        revoking,
        person.participant.id,
        pressed.colleague,
        person.telegram_id,
        svc.clock(),
        notice,
    )
    colleague = done.colleague
    if colleague is None:
        await refuse(update, t(language, "colleagues.gone"))
        return
    await answer_press(update.callback_query)
    name = escape(_name(language, colleague))
    made = _made(language, colleague, done.team.members, done.team.timezone)
    if not confirmed:
        await show(
            update,
            t(language, _key(colleague, "colleagues.revoke_ask", made), name=name, **made),
            keyboard(
                [button(language, "colleagues.revoke_yes", ColleagueRevoke("yes", colleague.id))],
                [button(language, "common.back", Colleagues())],
            ),
        )
        return
    said = t(language, _key(colleague, "colleagues.revoked", made), name=name, **made)
    await _render(update, context, person, said, done.team)
    start(context.application)  # the sender tells the colleague


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(open_colleagues, pattern=route("colleagues")),
        CallbackQueryHandler(new_link, pattern=route("colleagues.invite")),
        CallbackQueryHandler(revoke_colleague, pattern=route("colleagues.revoke")),
    ]


FEATURE = Feature(others=handlers)
