"""/results and /today for organizers: the fair's results as a few lines, a chart and the
workbook; the fair day so far (meetings now and next, cancellations, refills, no-shows, idle
booths). The figures: store/results.py."""

from __future__ import annotations

import asyncio
import io
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.outcomes import usd
from handlers.services import Who, services
from handlers.ui import show
from handlers.wording import counted_items, escape
from locales import by_name, clock, day_label, industry_name, t, tn
from store.names import company_name
from store.results import Results, Tally, none_held, results, today
from views.results_chart import results_png
from views.results_workbook import results_workbook

IDLE_SHOWN = 30  # booth codes listed by /today; the count covers all
NONE_HELD_SHOWN = 10  # companies named on /results' line of those with no meeting held


def none_held_line(language: str, figures: Results) -> str | None:
    """The companies with no meeting held, whom organizers follow up first; only once a
    meeting's slot has ended (before, that is everyone)."""
    if not figures.overall.asked:
        return None
    names = [company_name(c, language) for c, tally in figures.companies if not tally.held]
    if not names:
        return None
    shown = ", ".join(escape(name) for name in names[:NONE_HELD_SHOWN])
    more = len(names) - NONE_HELD_SHOWN
    if more > 0:
        shown += t(language, "today.more", count=more)
    return tn(language, "results.none_held", len(names), companies=shown)


def tally_line(language: str, name: str, tally: Tally) -> str:
    """A group's figures with the zero ones left out ("주선 2건, 진행 2건; 답변율 50%"); a
    group with none reads "상담 없음". The answer rate shows once someone was asked, 0% too:
    a group where nobody answered is one to chase."""
    meetings = {
        "scheduled": tally.scheduled,
        "held": tally.held,
        "no_show": tally.no_show,
        "cancelled": tally.cancelled,
        "refilled": tally.refilled,
    }
    parts = [counted_items(language, "results.meetings", meetings)]
    if tally.expected_usd:
        parts.append(t(language, "results.expected", value=usd(tally.expected_usd, language)))
    if tally.answer_rate is not None:
        parts.append(t(language, "results.rate", rate=f"{tally.answer_rate * 100:.0f}"))
    signed = counted_items(
        language, "results.signed", {"contracts": tally.contracts, "mous": tally.mous}
    )
    if signed and tally.signed_usd:
        value = usd(tally.signed_usd, language)
        parts.append(t(language, "results.signed_worth", items=signed, value=value))
    elif signed:
        parts.append(t(language, "results.signed", items=signed))
    figures = "; ".join(part for part in parts if part) or t(language, "results.nothing")
    return t(language, "results.line", name=name, figures=figures)


@organizer()
async def results_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    language, now = person.language, svc.clock()
    figures = await svc.run(results, now, person.telegram_id)
    outcomes = counted_items(
        language, "outcome.count", figures.overall.outcomes, labels="outcome.result"
    )
    lines = [
        t(language, "results.title"),
        tally_line(language, t(language, "results.overall"), figures.overall),
        *([t(language, "results.outcomes", outcomes=outcomes)] if outcomes else []),
        t(language, "results.by_industry"),
        *(
            tally_line(language, escape(industry_name(language, k)), v)
            for k, v in by_name(language, "industry", figures.industries, none_held)
        ),
    ]
    followed_up = none_held_line(language, figures)
    if followed_up:
        lines.insert(2, followed_up)
    await show(update, "\n".join(lines))
    chart = await asyncio.to_thread(results_png, figures, language)
    await update.effective_chat.send_photo(chart, caption=t(language, "results.chart_caption"))
    data = await asyncio.to_thread(results_workbook, figures, language)
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(data), filename=f"results-{now:%Y%m%d-%H%M}.xlsx"),
        caption=t(language, "results.workbook_caption"),
    )


def meetings(language: str, count: int) -> str:
    return tn(language, "count.meetings", count) if count else t(language, "results.nothing")


@organizer()
async def today_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    language, now = person.language, svc.clock()
    day = await svc.run(today, now, person.telegram_id)
    if day.day is None:
        await show(update, t(language, "today.no_fair_today"))
        return
    lines = [t(language, "today.title", day=day_label(day.day, language))]
    if day.now_slot:
        running = meetings(language, day.now_meetings)
        lines.append(t(language, "today.now", slot=day.now_slot, meetings=running))
    else:
        lines.append(t(language, "today.between_slots"))
    if day.next_slot and day.next_start:
        start = clock(day.next_start.astimezone(ZoneInfo(day.timezone)).time())
        upcoming = meetings(language, day.next_meetings)
        lines.append(t(language, "today.next", slot=day.next_slot, time=start, meetings=upcoming))
    so_far = counted_items(
        language,
        "today.so_far",
        {"cancelled": day.cancellations, "refilled": day.refills, "no_show": day.no_shows},
    )
    lines.append(
        t(language, "today.so_far", items=so_far) if so_far else t(language, "today.so_far_nothing")
    )
    if day.now_slot and day.booths and not day.idle_booths:
        lines.append(t(language, "today.none_idle"))
    elif day.now_slot and day.booths:
        shown = ", ".join(escape(b) for b in day.idle_booths[:IDLE_SHOWN])
        more = len(day.idle_booths) - IDLE_SHOWN
        lines.append(
            t(
                language,
                "today.idle",
                count=len(day.idle_booths),
                booths=day.booths,
                list=shown + (t(language, "today.more", count=more) if more > 0 else ""),
            )
        )
    await update.effective_chat.send_message("\n".join(lines), parse_mode=ParseMode.HTML)


FEATURE = Feature(
    commands=(
        Command("today", today_command, ADMINS),
        Command("results", results_command, ADMINS),
    ),
)
