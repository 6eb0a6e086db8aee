"""The results workbook (/results, `python -m bot export-results`) from store/results.py's
figures: overall, per company, per industry, per country, per slot. Column titles come from
the catalogs, in the organizer's language; cells go through store/sheets.py, so no company
name becomes a formula."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from locales import by_name, country_name, industry_name, shown, t
from store.models import OutcomeResult
from store.results import Results, Tally, none_held
from store.sheets import append_row

if TYPE_CHECKING:  # imported by results_workbook(): a process that makes none skips openpyxl
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def metric_titles(language: str) -> list[str]:
    return (
        t(language, "results.columns.meetings").split("|")
        + [t(language, f"outcome.result.{r.value}") for r in OutcomeResult]
        + t(language, "results.columns.answers").split("|")
    )


def metrics(tally: Tally) -> list[object]:
    rate = tally.answer_rate
    return [
        tally.scheduled,
        tally.held,
        tally.no_show,
        tally.cancelled,
        tally.refilled,
        *(tally.outcomes[r.value] for r in OutcomeResult),
        tally.expected_usd,
        tally.contracts,
        tally.mous,
        tally.signed_usd,
        tally.answered,
        tally.asked,
        round(rate * 100, 1) if rate is not None else None,
    ]


def _sheet(book: Workbook, language: str, name: str, first: list[str]) -> Worksheet:
    sheet = book.create_sheet(t(language, f"results.sheet.{name}"))
    append_row(sheet, first + metric_titles(language))
    sheet.freeze_panes = "A2"
    return sheet


def results_workbook(found: Results, language: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    overall = _sheet(book, language, "overall", [])
    append_row(overall, metrics(found.overall))
    companies = _sheet(
        book, language, "companies", t(language, "results.columns.company").split("|")
    )
    for company, tally in found.companies:
        append_row(
            companies,
            [
                company.code,
                company.company,
                company.company_en,
                t(language, f"role.{company.role}"),
                country_name(language, company.country),
                industry_name(language, company.industry),
                *metrics(tally),
            ],
        )
    for name, groups, field in (
        ("industries", found.industries, "industry"),
        ("countries", found.countries, "country"),
    ):
        sheet = _sheet(book, language, name, [t(language, f"results.columns.{name}")])
        for key, tally in by_name(language, field, groups, none_held):
            append_row(sheet, [shown(language, field, key), *metrics(tally)])
    per_slot = book.create_sheet(t(language, "results.sheet.slots"))
    append_row(per_slot, t(language, "results.columns.slots").split("|"))
    for slot in found.per_slot:
        append_row(per_slot, [slot.code, slot.held, slot.no_show])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
