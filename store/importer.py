"""Participants from the organizer's workbook (.xlsx) or .csv, all or nothing.

Column headers may be in English (`company`) or Korean (`회사명`); see `HEADERS`. Each bad
cell is reported as a `Problem` (the spreadsheet's own row number, the column, a reason code
the bot's catalogs turn into a sentence), and then nothing is stored. Re-importing the same
people (same `id`) updates them in place.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from sqlmodel import Session, select

from store.errors import ImportFailed, InvalidValue, Problem
from store.fields import PROFILE_FIELDS, clean
from store.models import Participant, Role
from store.participants import LANGUAGES, new_invite_token

HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "번호", "참가번호"),
    "role": ("role", "구분"),
    "company": ("company", "회사명", "기업명"),
    "country": ("country", "국가"),
    "industry": ("industry", "업종", "분야"),
    "products": ("products", "품목", "제품"),
    "website": ("website", "홈페이지"),
    "description": ("description", "회사소개", "소개"),
    "contact_name": ("contact_name", "담당자", "담당자명"),
    "contact_title": ("contact_title", "직함", "직위"),
    "email": ("email", "e-mail", "이메일"),
    "phone": ("phone", "전화", "연락처"),
    "booth": ("booth", "부스"),
    "daily_cap": ("daily_cap", "1일상담횟수", "상담횟수"),
    "language": ("language", "언어"),
}
REQUIRED = ("id", "role", "company", "country", "industry")
ROLES = {
    "buyer": Role.buyer,
    "바이어": Role.buyer,
    "seller": Role.seller,
    "국내기업": Role.seller,
    "셀러": Role.seller,
}
CODE_MAX = 32
BOOTH_MAX = 32


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _rows(path: Path) -> Iterator[tuple[object, ...]]:
    if path.suffix.lower() == ".xlsx":
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
        finally:
            workbook.close()
    elif path.suffix.lower() == ".csv":
        # utf-8-sig: Excel writes a byte-order mark in front of UTF-8 CSV files.
        text = path.read_text(encoding="utf-8-sig")
        yield from (tuple(row) for row in csv.reader(io.StringIO(text)))
    else:
        raise ImportFailed([Problem(0, "", "unsupported_file", path.name)])


def _columns(header: Iterable[object]) -> tuple[dict[str, int], list[Problem]]:
    alias = {name.casefold(): key for key, names in HEADERS.items() for name in names}
    columns: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        name = str(title or "").strip().replace(" ", "").casefold()
        if not name:
            continue
        key = alias.get(name)
        if key is None:
            problems.append(Problem(1, str(title), "unknown_header"))
        elif key in columns:
            problems.append(Problem(1, key, "duplicate_header"))
        else:
            columns[key] = index
    problems += [Problem(1, key, "missing_column") for key in REQUIRED if key not in columns]
    return columns, problems


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(values: dict[str, str], number: int, problems: list[Problem]) -> dict | None:
    """Checks one row; returns the participant's fields, or None after noting each problem."""
    found = len(problems)

    def bad(column: str, reason: str, value: str = "", limit: int = 0) -> None:
        problems.append(Problem(number, column, reason, value, limit))

    record: dict[str, object] = {}
    code = values.get("id", "")
    if not code:
        bad("id", "required")
    elif len(code) > CODE_MAX:
        bad("id", "too_long", limit=CODE_MAX)
    record["code"] = code
    role = ROLES.get(values.get("role", "").casefold())
    if role is None:
        bad("role", "not_a_role", values.get("role", ""))
    record["role"] = role
    for field in PROFILE_FIELDS:
        try:
            record[field] = clean(field, values.get(field, ""))
        except InvalidValue as error:
            bad(
                field, str(error.values["reason"]), values[field], int(error.values.get("limit", 0))
            )
    booth = values.get("booth", "")
    if booth and role == Role.seller:
        bad("booth", "booth_for_buyers", booth)
    elif len(booth) > BOOTH_MAX:
        bad("booth", "too_long", limit=BOOTH_MAX)
    record["booth"] = booth or None
    cap = values.get("daily_cap", "")
    if cap and (not cap.isdigit() or int(cap) < 1):
        bad("daily_cap", "not_a_cap", cap)
    record["daily_cap"] = int(cap) if cap.isdigit() and int(cap) >= 1 else None
    language = values.get("language", "").lower()
    if language and language not in LANGUAGES:
        bad("language", "not_a_language", language)
    record["language"] = language or None
    return record if len(problems) == found else None


def import_participants(session: Session, path: Path) -> ImportResult:
    rows = _rows(path)
    header = next(rows, None)
    if header is None:
        raise ImportFailed([Problem(0, "", "empty_file", path.name)])
    columns, problems = _columns(header)
    if problems:
        raise ImportFailed(problems)

    records: list[dict] = []
    first_row_of: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        values = {key: _text(row[i]) if i < len(row) else "" for key, i in columns.items()}
        if not any(values.values()):
            continue
        record = _parse_row(values, number, problems)
        if record is None:
            continue
        if record["code"] in first_row_of:
            problems.append(
                Problem(number, "id", "duplicate_id", record["code"], first_row_of[record["code"]])
            )
            continue
        first_row_of[record["code"]] = number
        records.append(record)
    if problems:
        raise ImportFailed(problems)

    existing = {p.code: p for p in session.exec(select(Participant)).all()}
    created = 0
    for record in records:
        participant = existing.get(record["code"])
        if participant is None:
            participant = Participant(invite_token=new_invite_token(), **record)
            created += 1
        else:
            if participant.role != record["role"] and participant.telegram_id is not None:
                problems.append(
                    Problem(first_row_of[record["code"]], "role", "role_changed", record["code"])
                )
                continue
            for key, value in record.items():
                # An empty language column keeps what the participant chose in the bot.
                if not (key == "language" and value is None):
                    setattr(participant, key, value)
        session.add(participant)
    if problems:
        raise ImportFailed(problems)
    session.flush()
    return ImportResult(created=created, updated=len(records) - created)
