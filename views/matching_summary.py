"""The matching's summary as organizers read it: the meetings per tier, the unscheduled and
why, greedy and optimal side by side (in the bot after a run, and on the command line)."""

from __future__ import annotations

import math
from collections.abc import Callable

from handlers.wording import counted_items, escape
from locales import by_name, industry_name, t, tn
from store.matching_run import Comparison, ModeFigures, Summary
from store.models import MatchMode


def summary_text(language: str, summary: Summary, title_key: str) -> str:
    tiers = counted_items(language, "admin.tier_count", summary.meetings, labels="admin.tier")
    unscheduled = sum(summary.unscheduled.values())
    lines = [
        t(language, title_key, mode=t(language, f"admin.mode.{summary.mode.value}")),
        t(language, "admin.summary_meetings", total=summary.total, tiers=tiers)
        if summary.total
        else t(language, "stats.no_meetings"),
        # every request scheduled: no "0건" line
        *([t(language, "admin.summary_unscheduled", count=unscheduled)] if unscheduled else []),
    ]
    lines += [
        t(language, "admin.summary_reason", reason=t(language, f"admin.reason.{r}"), count=n)
        for r, n in summary.unscheduled.items()
    ]
    lines.append(t(language, "admin.summary_low"))
    lines += [
        t(
            language,
            "admin.summary_industry",
            industry=escape(industry_name(language, industry)),
            zero=z,
            one=o,
            two=w,
        )
        for industry, (z, o, w) in by_name(language, "industry", summary.low)
    ] or [t(language, "admin.summary_low_none")]
    lines += changes_lines(language, summary)
    lines.append("")
    lines += comparison_lines(language, summary.comparison, summary.mode)
    event_mode = t(language, f"admin.mode.{summary.event_mode.value}")
    lines.append(t(language, "admin.compare_choose", mode=event_mode))
    return "\n".join(lines)


def changes_lines(language: str, summary: Summary) -> list[str]:
    """How the run's automatic meetings differ from the stored timetable; nothing on the first
    matching, which has no timetable to differ from."""
    if not summary.before:
        return []
    if summary.added and summary.removed:
        return [t(language, "admin.changes_both", added=summary.added, removed=summary.removed)]
    if summary.added:
        return [tn(language, "admin.changes_added", summary.added)]
    if summary.removed:
        return [tn(language, "admin.changes_removed", summary.removed)]
    return [t(language, "admin.changes_none")]


def percent(ratio: float) -> str:
    """Rounded down, so that 100 means no better schedule exists, never "almost"."""
    return f"{math.floor(ratio * 1000) / 10:g}"


def comparison_lines(
    language: str, comparison: Comparison, shown: MatchMode, title_key: str = "admin.compare_title"
) -> list[str]:
    """Greedy and optimal side by side, the mode of the schedule `shown` marked. Plain text
    (no markup), so the command line prints the same lines under its own title."""

    def both(figure: Callable[[ModeFigures], object]) -> dict[str, str]:
        values = {mode.value: str(figure(comparison.of(mode))) for mode in MatchMode}
        values[shown.value] = t(language, "admin.compare_marked", value=values[shown.value])
        return values

    lines = [t(language, title_key)]
    for tier, bound in comparison.bound.items():
        lines.append(
            t(
                language,
                "admin.compare_tier",
                tier=t(language, f"admin.tier.{tier}"),
                bound=bound,
                ratio=percent(comparison.ratio[tier]),
                **both(lambda figures, tier=tier: figures.meetings[tier]),
            )
        )
    lines.append(t(language, "admin.compare_total", **both(lambda figures: figures.total)))
    lines.append(t(language, "admin.compare_idle", **both(lambda figures: figures.idle_periods)))
    lines.append(
        t(
            language,
            "admin.compare_seconds",
            limit=comparison.time_limit,
            **both(lambda figures: f"{figures.seconds:.2f}"),
        )
    )
    return lines
