"""/stats and /export: the organizer's numbers and workbook."""

from __future__ import annotations

import asyncio
import io

from telegram import Update
from telegram.ext import ContextTypes

from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.meeting_day import fairday_line
from handlers.outcomes import stats_line as outcome_stats_line
from handlers.services import Who, services
from handlers.ui import show
from handlers.wording import counted_items, escape
from locales import by_name, day_label, industry_name, t
from store.export import export_data
from store.reports import figures_now
from views.export_workbook import workbook


@organizer()
async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    figures = await svc.run(figures_now, svc.clock(), person.telegram_id)
    numbers, lang = figures.numbers, person.language

    participants = t(
        lang,
        "stats.participants",
        roles=counted_items(lang, "stats.role", numbers.participants) or "0",
        joined=numbers.joined,
    )
    if numbers.blocked:
        participants += " " + t(lang, "stats.blocked", count=numbers.blocked)
    statuses = counted_items(lang, "stats.status", numbers.requests)
    tiers = counted_items(lang, "admin.tier_count", numbers.meetings, labels="admin.tier")
    lines = [
        t(lang, "stats.title"),
        participants,
        *([t(lang, "stats.withdrawn", count=numbers.withdrawn)] if numbers.withdrawn else []),
        t(lang, "stats.requests", statuses=statuses) if statuses else t(lang, "stats.no_requests"),
        t(lang, "stats.meetings", total=numbers.total_meetings, tiers=tiers)
        if tiers
        else t(lang, "stats.no_meetings"),
        t(lang, "stats.by_industry"),
    ]
    lines += [
        t(
            lang,
            "stats.line",
            what=escape(industry_name(lang, industry) if industry else "-"),
            count=n,
        )
        for industry, n in by_name(lang, "industry", numbers.by_industry)
    ]
    lines.append(t(lang, "stats.by_day"))
    lines += [
        t(lang, "stats.line", what=day_label(day, lang), count=n)
        for day, n in numbers.by_day.items()
    ]
    refills = counted_items(lang, "refill.stats", figures.refills)
    refill_line = t(lang, "refill.stats", items=refills) if refills else None
    day = (
        fairday_line(lang, figures.fair_day),
        refill_line,
        outcome_stats_line(lang, figures.outcomes),
    )
    lines += [line for line in day if line]
    lines += [
        t(lang, "stats.questions", what=t(lang, f"stats.questions_{kind.value}"), items=items)
        for kind, counts in figures.questions.items()
        if (items := counted_items(lang, "stats.questions", counts.items()))
    ]
    await show(update, "\n".join(lines))


@organizer()
async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    found = await svc.run(export_data, person.telegram_id)
    data = await asyncio.to_thread(workbook, found, person.language)
    stamp = svc.clock().strftime("%Y%m%d-%H%M")
    await update.effective_chat.send_document(
        io.BytesIO(data),
        filename=f"matchbot-{stamp}.xlsx",
        caption=t(person.language, "export.caption"),
    )


FEATURE = Feature(
    commands=(
        Command("stats", stats_command, ADMINS),
        Command("export", export_command, ADMINS),
    ),
)
