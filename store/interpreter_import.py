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
from store.audit import record
from store.errors import ImportFailed, Problem
from store.import_columns import HEADER_SEARCH, header_key
from store.import_slips import Slip, grouped, korean_phone
from store.interpreters import reassign
from store.models import Attendance, Interpreter
from store.participants import new_invite_token
from store.sheet_reader import read_sheet, refuse_garbled
from store.text import clean_text

# Korean first, as the guide and a refusal's list of headers name them.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("번호", "코드", "통역원번호", "통역원코드", "code", "id"),
    "name": ("성명", "이름", "통역원", "통역원명", "통역원이름", "name"),
    "languages": ("통역 언어", "언어", "가능언어", "통역가능언어", "languages", "language"),
    "attendance": ("참가형태", "참가방식", "근무형태", "attendance", "participation"),
    "email": ("이메일", "메일", "email", "e-mail"),
    "phone": ("휴대폰", "휴대폰번호", "핸드폰", "연락처", "전화번호", "phone", "mobile"),
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
    unchanged: int
    encoding: str | None
    dry: bool = False  # a preview: nothing was written
    slips: tuple[Slip, ...] = ()  # what was read another way than written (a phone's lost 0)


def _header_row(rows: list[list[object]]) -> int:
    """Where the headers are: the row among the first that names the most known columns
    (lists come with a title row and an empty row above them, as participants' do)."""
    aliases = _aliases()
    scores = [
        len({aliases.get(header_key(title)) for title in row} - {None})
        for row in rows[:HEADER_SEARCH]
    ]
    return scores.index(max(scores))


def _names_columns(rows: list) -> bool:
    names = {_aliases().get(header_key(title)) for title in rows[_header_row(rows)]}
    return all(field in names for field in REQUIRED)


@cache
def _aliases() -> dict[str, str]:
    return {header_key(alias): field for field, names in HEADERS.items() for alias in names}


def import_interpreters(
    session: Session, path: Path, *, dry: bool = False, admin_id: int | None = None
) -> InterpretersImported:
    """Reads the whole sheet first and changes nothing if a row is wrong; `dry` tells what it
    would do and writes nothing. A real import is audited, and interpreters are assigned again
    at once: new ones take the meetings still without one."""
    sheet = read_sheet(path)
    if not sheet.rows:
        raise ImportFailed([Problem(0, "", "file.empty", str(path))], sheet.encoding)
    first = _header_row(sheet.rows)
    header = [_aliases().get(header_key(title)) for title in sheet.rows[first]]
    problems = [
        Problem(first + 1, field, "missing_column", "") for field in REQUIRED if field not in header
    ]
    if problems:  # each row would lack it too: the column is the one thing to say
        refuse_garbled(path, sheet.rows, _names_columns)
        raise ImportFailed(problems, sheet.encoding)
    rows: list[dict] = []
    notes: list[tuple[str, str, str, str, int]] = []
    first_seen: dict[str, int] = {}
    for number, values in enumerate(sheet.rows[first + 1 :], start=first + 2):
        cells = {
            field: clean_text(str(value or ""))
            for field, value in zip(header, values, strict=False)
            if field
        }
        if not any(cells.values()):
            continue  # an empty row
        row = _row(cells, number, problems, notes)
        if row["code"] in first_seen:
            problems.append(
                Problem(number, "code", "duplicate_id", row["code"], first_seen[row["code"]])
            )
        first_seen.setdefault(row["code"], number)
        rows.append(row)
    if problems:
        raise ImportFailed(problems, sheet.encoding)
    existing = {i.code: i for i in session.exec(select(Interpreter)).all()}
    created = updated = 0
    for values in rows:
        person = existing.get(values["code"])
        if person is None:
            created += 1
            if not dry:
                session.add(Interpreter(invite_token=new_invite_token(), **values))
        elif any(getattr(person, field) != value for field, value in values.items()):
            updated += 1
            if not dry:
                for field, value in values.items():
                    setattr(person, field, value)
                session.add(person)
    done = InterpretersImported(
        created, updated, len(rows) - created - updated, sheet.encoding, dry, tuple(grouped(notes))
    )
    if not dry:
        session.flush()
        if admin_id is not None:
            record(session, admin_id, "interpreters_import", created=created, updated=updated)
        reassign(session)
    return done


def _row(cells: dict[str, str], number: int, problems: list[Problem], notes: list[tuple]) -> dict:
    for field in REQUIRED:
        if not cells.get(field):
            problems.append(Problem(number, field, "required", ""))
    codes = language_codes(cells.get("languages", ""))
    if cells.get("languages") and not codes:
        problems.append(Problem(number, "languages", "unknown_language", cells["languages"]))
    attendance = parse_attendance(cells.get("attendance", ""))
    if attendance is None:
        problems.append(Problem(number, "attendance", "unknown_attendance", cells["attendance"]))
    # Interpreters work in Korea: a mobile number Excel stored as a number lost its leading 0.
    written = cells.get("phone", "")
    phone = korean_phone(written, "KR")
    if phone is not None and not written.startswith("0"):
        notes.append(("phone_zero", "phone", written, phone, number))
    return {
        "code": cells.get("code", ""),
        "name": cells.get("name", ""),
        "languages": ",".join(codes or ()),
        "attendance": attendance or Attendance.onsite,
        "email": cells.get("email", ""),
        "phone": phone or written,
    }
