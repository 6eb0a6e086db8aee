"""The organizer's hybrid fair: /attendance CODE online|onsite, and /interpreters, the
interpreters' coverage per language and day with the meetings left without one."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import ContextTypes

from handlers.feature import ADMINS, Command, Feature
from handlers.guard import organizer
from handlers.services import Who, services
from handlers.ui import refuse, show
from handlers.wording import escape
from locales import day_label, language_name, t, tn
from store.attendance import parse_attendance, set_attendance
from store.interpreters import report
from store.names import company_name

MAX_GAPS = 20  # the rest are in the workbook


@organizer()
async def attendance_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who
) -> None:
    args = context.args or []
    way = parse_attendance(args[1]) if len(args) == 2 and args[1] else None
    if way is None or len(args[0]) > 32:
        await refuse(update, t(person.language, "hybrid.attendance_usage"))
        return
    svc = services(context)
    done = await svc.run(set_attendance, person.telegram_id, args[0], way)
    key = "hybrid.attendance_set" if done.changed else "hybrid.attendance_same"
    await show(
        update,
        t(
            person.language,
            key,
            code=escape(done.code),
            company=escape(company_name(done, person.language)),
            way=t(person.language, f"hybrid.way.{done.attendance.value}"),
            meetings=tn(person.language, "count.meetings", done.meetings),
        ),
    )


@organizer()
async def interpreters_command(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who
) -> None:
    svc = services(context)
    seen = await svc.run(report, person.telegram_id)
    language = person.language
    title = t(language, "hybrid.report_title", interpreters=seen.interpreters)
    if not seen.coverage:
        none = t(language, "hybrid.no_needs")
        # the count only when someone is registered: no "0 interpreters"
        await show(update, f"{title}\n{none}" if seen.interpreters else none)
        return
    lines = [title]
    for row in seen.coverage:
        if row.covered == row.needed:
            key = "hybrid.coverage_full"
        else:  # none covered is said as such, not as "0 of 3"
            key = "hybrid.coverage_short" if row.covered else "hybrid.coverage_none"
        lines.append(
            t(
                language,
                key,
                language_name=language_name(language, row.language),
                day=day_label(date.fromisoformat(row.day), language),
                covered=row.covered,
                needed=tn(language, "count.meetings", row.needed),
                short=tn(language, "hybrid.interpreters_more", row.short_by),
            )
        )
    if seen.gaps:
        lines.append(t(language, "hybrid.gaps_title"))
        for meeting, gap, code in seen.gaps[:MAX_GAPS]:
            lines.append(
                t(
                    language,
                    f"hybrid.gap.{gap.value}",
                    meeting=meeting.id,
                    language_name=language_name(language, code),
                )
            )
        if len(seen.gaps) > MAX_GAPS:
            lines.append(tn(language, "hybrid.more_gaps", len(seen.gaps) - MAX_GAPS))
    await show(update, "\n".join(lines))


FEATURE = Feature(
    commands=(
        Command("attendance", attendance_command, ADMINS),
        Command("interpreters", interpreters_command, ADMINS),
    ),
)
