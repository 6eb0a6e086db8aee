"""Interpreters from the organizer's sheet (.xlsx or CSV, as participants'), all or nothing.

Columns: code (코드, 번호), name (이름, 성명), languages (통역 언어, 언어: "일본어, 중국어",
"Japanese/Chinese" or "ja zh"), on site or online (참가형태: 현장 / 온라인), e-mail and phone.
Re-importing the same code updates that interpreter; nobody is removed by a re-import. Each new
interpreter gets an invite link of their own (`store.participants.new_invite_token`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel import Locale
from sqlmodel import Session, select

from store.attendance import parse_attendance
from store.errors import ImportFailed, Problem
from store.import_columns import header_key
from store.models import Attendance, Interpreter
from store.participants import new_invite_token
from store.sheet_reader import read_sheet
from store.text import clean_text

HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "id", "코드", "번호", "통역원번호", "통역원코드"),
    "name": ("name", "이름", "성명", "통역원", "통역원명", "통역원이름"),
    "languages": ("languages", "language", "언어", "통역언어", "가능언어", "통역가능언어"),
    "attendance": ("attendance", "participation", "참가형태", "참가방식", "근무형태"),
    "email": ("email", "e-mail", "이메일", "메일"),
    "phone": ("phone", "mobile", "연락처", "휴대폰", "휴대폰번호", "핸드폰", "전화번호"),
}
REQUIRED = ("code", "name", "languages")
SEPARATORS = re.compile(r"[,/;·、\s]+")


@cache
def _language_codes() -> dict[str, str]:
    """Language names in Korean and English, and the codes themselves, to codes."""
    codes: dict[str, str] = {}
    for locale in ("en", "ko"):
        for code, name in Locale.parse(locale).languages.items():
            if "_" not in code:
                codes.setdefault(header_key(name), code)
                codes.setdefault(header_key(name).removesuffix("어"), code)  # 일본어 / 일본
                codes.setdefault(code.casefold(), code)
    return codes


def language_codes(text: str) -> list[str] | None:
    """The codes a cell names ("일본어, 중국어" -> ["ja", "zh"]), None if one is unknown."""
    found = []
    for word in SEPARATORS.split(text):
        if not word:
            continue
        code = _language_codes().get(header_key(word))
        if code is None:
            return None
        if code not in found:
            found.append(code)
    return found


@dataclass(frozen=True)
class InterpretersImported:
    created: int
    updated: int
    encoding: str | None


def import_interpreters(session: Session, path: Path) -> InterpretersImported:
    sheet = read_sheet(path)
    if not sheet.rows:
        raise ImportFailed([Problem(0, "", "file.empty", str(path))], sheet.encoding)
    aliases = {header_key(alias): field for field, names in HEADERS.items() for alias in names}
    header = [aliases.get(header_key(title)) for title in sheet.rows[0]]
    problems = [
        Problem(1, field, "missing_column", "") for field in REQUIRED if field not in header
    ]
    if problems:  # each row would lack it too: the column is the one thing to say
        raise ImportFailed(problems, sheet.encoding)
    rows: list[dict] = []
    first_seen: dict[str, int] = {}
    for number, values in enumerate(sheet.rows[1:], start=2):
        cells = {
            field: clean_text(str(value or ""))
            for field, value in zip(header, values, strict=False)
            if field
        }
        if not any(cells.values()):
            continue  # an empty row
        row = _row(cells, number, problems)
        if row["code"] in first_seen:
            problems.append(
                Problem(number, "code", "duplicate_id", row["code"], first_seen[row["code"]])
            )
        first_seen.setdefault(row["code"], number)
        rows.append(row)
    if problems:
        raise ImportFailed(problems, sheet.encoding)
    existing = {i.code: i for i in session.exec(select(Interpreter)).all()}
    created = 0
    for values in rows:
        person = existing.get(values["code"])
        if person is None:
            person = Interpreter(invite_token=new_invite_token(), **values)
            created += 1
        else:
            for field, value in values.items():
                setattr(person, field, value)
        session.add(person)
    session.flush()
    return InterpretersImported(created, len(rows) - created, sheet.encoding)


def _row(cells: dict[str, str], number: int, problems: list[Problem]) -> dict:
    for field in REQUIRED:
        if not cells.get(field):
            problems.append(Problem(number, field, "required", ""))
    codes = language_codes(cells.get("languages", ""))
    if cells.get("languages") and not codes:
        problems.append(Problem(number, "languages", "unknown_language", cells["languages"]))
    attendance = parse_attendance(cells.get("attendance", ""))
    if attendance is None:
        problems.append(Problem(number, "attendance", "unknown_attendance", cells["attendance"]))
    return {
        "code": cells.get("code", ""),
        "name": cells.get("name", ""),
        "languages": ",".join(codes or ()),
        "attendance": attendance or Attendance.onsite,
        "email": cells.get("email", ""),
        "phone": cells.get("phone", ""),
    }
