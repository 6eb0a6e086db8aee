"""The organizer's matching commands: /deadline, /match, /matchmode, /lowcount (with one-tap
bookings), /assign and /unassign."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.admin_reopen import ask_reopen
from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.refill_offers import send_offer, telling
from handlers.routes import LowCountBook, LowCountPropose, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, clipped, keyboard, refuse, show
from handlers.wording import error_text, escape
from jobs.schedule import schedule_all
from locales import industry_name, moment, name_key, t, tn, zone_name
from store.deadline import move_deadline
from store.event import MAX_TIME_LIMIT, deadline_shown, get_event, local_moment
from store.manual_matching import CapExceeded, assign, low_counts, proposals
from store.matching_run import run_matching, set_match_mode
from store.models import MatchMode
from store.names import company_name
from store.refill import unassign_and_offer
from store.reminders import slot_start
from views.matching_summary import summary_text
from views.vocabulary import vocabulary

SLOT_CODE = re.compile(r"[A-Za-z0-9-]{1,16}")
SECONDS = re.compile(r"[0-9]{1,3}")
MAX_BUTTONS = 30  # a longer list is narrowed with /lowcount INDUSTRY


@organizer()
async def deadline(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/deadline shows it; /deadline YYYY-MM-DD HH:MM (event time zone) moves it, or, once
    applications are closed, offers to reopen them until then."""
    svc = services(context)
    typed = " ".join(context.args or [])
    if not typed:
        event = await svc.run(deadline_shown, person.telegram_id)
        when = moment(event.deadline, person.language, event.timezone)
        phase = t(person.language, f"admin.phase.{event.phase.value}")
        zone = zone_name(person.language, event.timezone)
        shown_now = t(
            person.language, "admin.deadline_is", deadline=when, phase=phase, timezone=zone
        )
        await show(update, shown_now)
        return
    read = local_moment(typed)
    if read is None:
        event = await svc.run(get_event)
        zone = zone_name(person.language, event.timezone)
        year = svc.clock().astimezone(ZoneInfo(event.timezone)).year
        await refuse(update, t(person.language, "admin.deadline_usage", timezone=zone, year=year))
        return
    local, day_only = read
    moved = await svc.run(move_deadline, person.telegram_id, local, svc.clock())
    if moved.reopening is not None:
        await ask_reopen(update, person, moved.wanted, moved.reopening)
        return
    await schedule_all(context.application)
    event = moved.event
    when = moment(event.deadline, person.language, event.timezone)
    said = "admin.deadline_set_day_end" if day_only else "admin.deadline_set"
    await show(update, t(person.language, said, deadline=when))


def _match_args(args: list[str]) -> tuple[MatchMode | None, bool] | None:
    """`[greedy|optimal] [dry]` in any order: the mode (None: the event's) and whether dry."""
    words = [a.lower() for a in args]
    modes = [MatchMode(w) for w in words if w in MatchMode.__members__]
    dry = words.count("dry")
    if len(modes) > 1 or dry > 1 or len(modes) + dry != len(words):
        return None
    return (modes[0] if modes else None), dry == 1


@organizer()
async def match(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/match [greedy|optimal] [dry]: stores a fresh matching (fixed meetings stay) in the
    event's mode or the one named; dry only shows it. Both modes' figures come with it.

    Two store calls, the documented exception to one per action (docs/design.md): the
    optimal mode may run for the event's time limit, a minute and more, and a store call
    says nothing until it ends, so the organizer is first told how long it may take (the
    limit read on its own), then the run follows."""
    parsed = _match_args(context.args or [])
    if parsed is None:
        await refuse(update, t(person.language, "admin.match_usage"))
        return
    mode, dry = parsed
    svc = services(context)
    event = await svc.run(get_event)
    await update.effective_chat.send_message(
        t(person.language, "admin.match_running", limit=event.match_time_limit)
    )
    summary = await svc.run(run_matching, svc.clock(), person.telegram_id, dry=dry, mode=mode)
    title = "admin.match_dry" if dry else "admin.match_stored"
    await show(update, summary_text(person.language, summary, title))


def _mode_args(args: list[str]) -> tuple[MatchMode, int | None] | None:
    """`greedy|optimal [seconds]`."""
    words = [a.lower() for a in args]
    if not 1 <= len(words) <= 2 or words[0] not in MatchMode.__members__:
        return None
    if len(words) == 1:
        return MatchMode(words[0]), None
    if not SECONDS.fullmatch(words[1]) or not 1 <= int(words[1]) <= MAX_TIME_LIMIT:
        return None
    return MatchMode(words[0]), int(words[1])


@organizer()
async def matchmode(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/matchmode shows the event's matching mode; /matchmode greedy|optimal [seconds] sets it
    (and the optimal mode's time limit) for the deadline and a plain /match."""
    svc = services(context)
    if not context.args:
        event = await svc.run(get_event)
        mode = t(person.language, f"admin.mode.{event.match_mode.value}")
        text = t(person.language, "admin.matchmode_is", mode=mode, limit=event.match_time_limit)
        await show(update, text)
        return
    parsed = _mode_args(context.args)
    if parsed is None:
        await refuse(update, t(person.language, "admin.matchmode_usage", most=MAX_TIME_LIMIT))
        return
    event = await svc.run(set_match_mode, person.telegram_id, *parsed)
    mode = t(person.language, f"admin.mode.{event.match_mode.value}")
    text = t(person.language, "admin.matchmode_set", mode=mode, limit=event.match_time_limit)
    await show(update, text)


def _low_args(args: list[str]) -> tuple[str | None, int] | None:
    """`[industry words] [n]`: a trailing number is n, the rest names the industry."""
    at_most = 2
    if args and args[-1].isdigit():
        at_most = int(args[-1])
        args = args[:-1]
        if at_most > 99:
            return None
    return (" ".join(args) or None), at_most


@organizer()
async def lowcount(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    parsed = _low_args(context.args or [])
    if parsed is None:
        await refuse(update, t(person.language, "admin.lowcount_usage"))
        return
    industry, at_most = parsed
    industry = vocabulary().industry_slug(industry) if industry else industry
    svc = services(context)
    rows = await svc.run(low_counts, industry, at_most, admin_id=person.telegram_id)
    if not rows:
        none = t(
            person.language,
            "admin.lowcount_none",
            meetings=tn(person.language, "count.meetings", at_most),
        )
        await show(update, none)
        return
    title = t(
        person.language,
        "admin.lowcount_title",
        meetings=tn(person.language, "count.meetings", at_most),
        participants=tn(person.language, "count.participants", len(rows)),
    )
    lines = [title]
    current = None
    # by the industry's name as the organizer reads it (the store's order within one)
    language = person.language
    rows.sort(key=lambda row: name_key(language, industry_name(language, row.participant.industry)))
    for row in rows:
        p = row.participant
        if p.industry != current:
            current = p.industry
            name = industry_name(person.language, current)
            lines.append(t(person.language, "admin.lowcount_industry", industry=escape(name)))
        lines.append(
            t(
                person.language,
                "admin.lowcount_line",
                code=escape(p.code),
                company=escape(company_name(p, person.language)),
                role=t(person.language, f"role.{p.role.value}"),
                meetings=row.meetings,
            )
        )
    buttons = [
        [
            button(
                person.language,
                "admin.lowcount_button",
                LowCountPropose(r.participant.id),
                code=r.participant.code,
                company=clipped(company_name(r.participant, person.language)),
                meetings=r.meetings,
            )
        ]
        for r in rows[:MAX_BUTTONS]
    ]
    if len(rows) > MAX_BUTTONS:
        lines.append(t(person.language, "admin.lowcount_more", shown=MAX_BUTTONS))
    await show(update, "\n".join(lines), keyboard(*buttons))


@organizer(data=LowCountPropose)
async def propose(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: LowCountPropose
) -> None:
    """A participant from /lowcount: counterparts of the same industry with a free slot."""
    svc = services(context)
    participant_id = pressed.participant
    offers = await svc.run(proposals, participant_id, admin_id=person.telegram_id)
    await answer_press(update.callback_query)
    if not offers:
        await show(update, t(person.language, "admin.proposals_none"))
        return
    buttons = []
    for offer in offers:
        start = slot_start(offer.slot, offer.timezone)
        label = moment(start, person.language, offer.timezone, year=False)
        buttons.append(
            [
                button(
                    person.language,
                    "admin.proposal_button",
                    LowCountBook(participant_id, offer.counterpart.id, offer.slot.id, "0"),
                    code=offer.counterpart.code,
                    company=company_name(offer.counterpart, person.language)[:24],
                    when=label,
                    meetings=offer.meetings,
                )
            ]
        )
    await show(update, t(person.language, "admin.proposals_title"), keyboard(*buttons))


async def _book(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    first: str | int,
    second: str | int,
    slot: str | int | None,
    over_cap: bool,
) -> None:
    svc = services(context)
    try:
        booked = await svc.run(assign, person.telegram_id, first, second, slot, over_cap=over_cap)
    except CapExceeded as error:
        data = LowCountBook(*error.values["meeting"], anyway="1")
        confirm = button(person.language, "admin.book_anyway", data)
        text = error_text(person.language, error)
        if update.callback_query is not None:
            await answer_press(update.callback_query)
        await show(update, escape(text), keyboard([confirm]))
        return
    if update.callback_query is not None:
        await answer_press(update.callback_query)
    start = slot_start(booked.slot, booked.timezone)
    await show(
        update,
        t(
            person.language,
            "admin.booked",
            id=booked.id,
            buyer=escape(f"{booked.buyer.code} {company_name(booked.buyer, person.language)}"),
            seller=escape(f"{booked.seller.code} {company_name(booked.seller, person.language)}"),
            when=moment(start, person.language, booked.timezone),
            slot=booked.slot.code,
            booth=escape(booked.booth or "-"),
        ),
    )


@organizer(data=LowCountBook)
async def book(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: LowCountBook
) -> None:
    first, second, slot = pressed.participant, pressed.counterpart, pressed.slot
    await _book(update, context, person, first, second, slot, pressed.anyway == "1")


@organizer()
async def assign_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    """/assign BUYER SELLER [SLOT]: a fixed meeting, in SLOT or the earliest free one."""
    args = context.args or []
    if len(args) not in (2, 3) or (len(args) == 3 and not SLOT_CODE.fullmatch(args[2])):
        await refuse(update, t(person.language, "admin.assign_usage"))
        return
    slot = args[2] if len(args) == 3 else None
    await _book(update, context, person, args[0], args[1], slot, over_cap=False)


@organizer()
async def unassign_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit() or len(args[0]) > 10:
        await refuse(update, t(person.language, "admin.unassign_usage"))
        return
    svc = services(context)
    # On the fair day the freed slot is offered to standby pairs (handlers/refill_offers.py).
    removed, offered = await svc.run(
        unassign_and_offer, person.telegram_id, int(args[0]), svc.clock(), telling(svc)
    )
    await show(
        update,
        t(
            person.language,
            "admin.unassigned",
            id=removed.id,
            buyer=escape(removed.buyer),
            seller=escape(removed.seller),
            slot=removed.slot,
        ),
    )
    await send_offer(context.application, offered)


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(propose, pattern=route("lowcount.propose")),
        CallbackQueryHandler(book, pattern=route("lowcount.book")),
    ]


FEATURE = Feature(
    commands=(
        Command("deadline", deadline, ADMINS),
        Command("match", match, ADMINS),
        Command("matchmode", matchmode, ADMINS),
        Command("lowcount", lowcount, ADMINS),
        Command("assign", assign_command, ADMINS),
        Command("unassign", unassign_command, ADMINS),
    ),
    others=handlers,
)
