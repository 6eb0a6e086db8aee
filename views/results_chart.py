"""The results as a picture for the organizers' chat (Pillow, through the timetable's canvas
and Noto Sans CJK): meetings held and no-shows per slot, and the outcomes by industry."""

from __future__ import annotations

from locales import by_name, industry_name, t
from store.models import OutcomeResult
from store.results import Results, none_held
from views.timetable_image import BACKGROUND, INK, LINE, MUTED, RGB, Canvas, fit, font

HELD: RGB = (46, 125, 50)
NO_SHOW: RGB = (217, 48, 37)
OUTCOME_COLOURS: dict[str, RGB] = {
    OutcomeResult.no_show.value: (217, 48, 37),
    OutcomeResult.not_a_fit.value: (158, 158, 158),
    OutcomeResult.follow_up.value: (66, 133, 244),
    OutcomeResult.quote_requested.value: (251, 140, 0),
    OutcomeResult.contract_likely.value: (46, 125, 50),
}
MARGIN, BAR, GAP, PLOT = 32, 30, 14, 220
LABEL, ROW, NAME = 13, 30, 200
WIDTH_MIN = 900


def _legend(canvas: Canvas, x: int, y: int, items: list[tuple[str, RGB]], right: int) -> None:
    """Colour keys left to right, wrapping at `right`."""
    left = x
    for label, colour in items:
        width = 20 + round(font(14).getlength(label)) + 20
        if x + width > right and x > left:
            x, y = left, y + 24
        canvas.rectangle((x, y + 3, x + 14, y + 17), colour)
        canvas.text((x + 20, y), label, 14, INK, BACKGROUND)
        x += width


def results_png(found: Results, language: str) -> bytes:
    slots = found.per_slot
    industries = by_name(language, "industry", found.industries, none_held)
    width = max(WIDTH_MIN, 2 * MARGIN + 50 + len(slots) * (BAR + GAP))
    height = MARGIN + 40 + PLOT + 60 + 70 + max(1, len(industries)) * ROW + 80 + MARGIN
    canvas = Canvas(width, height, BACKGROUND)

    # Meetings held and no-shows per slot: stacked columns.
    canvas.text((MARGIN, MARGIN), t(language, "results.chart.per_slot"), 20, INK, BACKGROUND)
    top, base = MARGIN + 40, MARGIN + 40 + PLOT
    peak = max((s.held + s.no_show for s in slots), default=0) or 1
    canvas.line((MARGIN + 40, base, width - MARGIN, base), LINE)
    canvas.text((MARGIN + 34, top), str(peak), LABEL, MUTED, BACKGROUND, anchor="ra")
    for n, slot in enumerate(slots):
        x = MARGIN + 50 + n * (BAR + GAP)
        held_top = base - round(PLOT * slot.held / peak)
        show_top = held_top - round(PLOT * slot.no_show / peak)
        if slot.held:
            canvas.rectangle((x, held_top, x + BAR, base), HELD)
        if slot.no_show:
            canvas.rectangle((x, show_top, x + BAR, held_top), NO_SHOW)
        canvas.text((x + BAR / 2, base + 4), slot.code[-4:], 11, MUTED, BACKGROUND, anchor="ma")
        canvas.text((x + BAR / 2, base + 18), slot.code[:2], 11, MUTED, BACKGROUND, anchor="ma")
    legend_y = base + 36
    _legend(
        canvas,
        MARGIN + 50,
        legend_y,
        [
            (t(language, "results.chart.held"), HELD),
            (t(language, "results.chart.no_show"), NO_SHOW),
        ],
        width - MARGIN,
    )

    # Outcomes by industry: one stacked bar per industry, scaled to the largest.
    y = legend_y + 40
    canvas.text((MARGIN, y), t(language, "results.chart.by_industry"), 20, INK, BACKGROUND)
    y += 36
    most = max((sum(tally.outcomes.values()) for _, tally in industries), default=0) or 1
    span = width - 2 * MARGIN - NAME - 60
    for name, tally in industries:
        label = fit(industry_name(language, name), 14, NAME - 10)
        canvas.text((MARGIN, y + 4), label, 14, INK, BACKGROUND)
        x = MARGIN + NAME
        for result in OutcomeResult:
            count = tally.outcomes[result.value]
            if count:
                w = max(2, round(span * count / most))
                canvas.rectangle((x, y, x + w, y + ROW - 8), OUTCOME_COLOURS[result.value])
                x += w
        total = sum(tally.outcomes.values())
        canvas.text((x + 6, y + 4), str(total), 13, MUTED, BACKGROUND)
        y += ROW
    _legend(
        canvas,
        MARGIN,
        y + 10,
        [
            (t(language, f"outcome.result.{r.value}"), OUTCOME_COLOURS[r.value])
            for r in OutcomeResult
        ],
        width - MARGIN,
    )
    return canvas.png()
