"""Participants from the organizer's workbook (.xlsx) or .csv, all or nothing.

The file is read by store/sheet_reader.py (workbook or CSV in UTF-8, UTF-16 or CP949).
Column headers may be in English (`company`) or Korean (`회사명`, `전화번호`); see `HEADERS`.
Every cell is cleaned like a typed value (store/text.py). Each bad
cell is reported as a `Problem` (the spreadsheet's own row number, the column, a reason code
the bot's catalogs turn into a sentence), and then nothing is stored. Re-importing the same
people (same `id`) updates them in place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, select

from locales import LANGUAGES, catalog, industry_names, is_country_code
from store.errors import ImportFailed, InvalidValue, Problem
from store.fields import PROFILE_FIELDS, canonical, check_names, clean
from store.models import Participant, Role
from store.participants import new_invite_token
from store.sheet_reader import read_sheet
from store.text import clean_text

# Accepted column headers, compared without spaces, `_`, `-`, `.` or a trailing `*` and
# ignoring case. Besides these, the bot's own label of each field in either language (e.g.
# 전화번호, "Job title") is accepted; docs/organizers.md lists them all.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("id", "code", "번호", "참가번호", "코드", "업체코드", "참가업체코드"),
    "role": ("role", "side", "구분", "참가구분", "역할"),
    "company": (
        "company",
        "companyname",
        "회사명",
        "기업명",
        "업체명",
        "회사",
        "상호",
        "회사명(국문)",
        "국문회사명",
        "기업명(국문)",
    ),
    "company_en": (
        "companyen",
        "englishname",
        "englishcompanyname",
        "companyname(english)",
        "회사명(영문)",
        "영문회사명",
        "기업명(영문)",
        "영문기업명",
        "업체명(영문)",
        "영문업체명",
        "영문명",
    ),
    "country": ("country", "국가", "국가명", "나라"),
    "industry": ("industry", "업종", "분야", "산업"),
    "products": ("products", "product", "품목", "제품", "주요품목", "주요제품", "취급품목"),
    "website": ("website", "homepage", "url", "홈페이지", "웹사이트", "홈페이지주소"),
    "description": ("description", "회사소개", "기업소개", "소개"),
    "contact_name": ("contactname", "contact", "name", "담당자", "담당자명", "담당자이름", "성명"),
    "contact_title": ("contacttitle", "jobtitle", "title", "직함", "직위", "직책", "담당자직위"),
    "email": ("email", "mail", "이메일", "전자우편", "메일", "담당자이메일"),
    "phone": (
        "phone",
        "phonenumber",
        "tel",
        "mobile",
        "전화",
        "전화번호",
        "연락처",
        "휴대폰",
        "휴대폰번호",
        "휴대전화번호",
        "휴대전화",
        "핸드폰",
        "담당자연락처",
    ),
    "booth": ("booth", "boothnumber", "부스", "부스번호"),
    "daily_cap": ("dailycap", "1일상담횟수", "상담횟수", "일일상담횟수", "하루상담횟수"),
    "language": ("language", "언어", "사용언어"),
}
REQUIRED = ("id", "role", "company", "country", "industry")
# Values of the role column, as `header_key` leaves them.
ROLES = {
    "buyer": Role.buyer,
    "바이어": Role.buyer,
    "해외바이어": Role.buyer,
    "overseasbuyer": Role.buyer,
    "seller": Role.seller,
    "국내기업": Role.seller,
    "셀러": Role.seller,
    "koreancompany": Role.seller,
}
LANGUAGE_NAMES = {
    "ko": "ko",
    "en": "en",
    "한국어": "ko",
    "korean": "ko",
    "영어": "en",
    "english": "en",
}
CODE_MAX = 32
BOOTH_MAX = 32


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    encoding: str | None = None  # the text encoding a CSV file was read in
    ignored: tuple[str, ...] = ()  # column titles the importer does not know, left unread
    # (column, value) of countries and industries no catalog names: stored as written, but
    # outside the ⭐ recommendations and the filters' names, so the organizer hears of them
    unknown_values: tuple[tuple[str, str], ...] = ()
    shared_booths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (booth, buyers' codes)


def _notices(records: list[dict]) -> dict[str, tuple]:
    """What is stored but likely a slip: unknown countries or industries, a booth twice."""
    unknown = {("country", r["country"]) for r in records if not is_country_code(r["country"])}
    unknown |= {
        ("industry", r["industry"]) for r in records if r["industry"] not in industry_names()
    }
    booths: dict[str, list[str]] = {}
    for record in records:
        if record["booth"]:
            booths.setdefault(record["booth"], []).append(record["code"])
    return {
        "unknown_values": tuple(sorted(unknown)),
        "shared_booths": tuple((b, tuple(codes)) for b, codes in booths.items() if len(codes) > 1),
    }


def header_key(title: object) -> str:
    """A header as compared: cleaned, without spaces and punctuation, case-folded."""
    name = clean_text(str(title or "")).casefold().rstrip("*")
    return "".join(ch for ch in name if ch not in " _-.")


def header_aliases() -> dict[str, str]:
    """Every accepted header (as `header_key` leaves it) and the column it names."""
    alias = {header_key(name): key for key, names in HEADERS.items() for name in names}
    for key in HEADERS:
        for language in LANGUAGES:
            label = catalog(language).get(f"field.{key}")
            if label:
                alias.setdefault(header_key(label), key)
    return alias


def _columns(header: Iterable[object]) -> tuple[dict[str, int], list[str], list[Problem]]:
    """The columns the importer reads, the titles it leaves alone (an organizer's list often
    carries 순번 or 비고: reported, not refused), and what is wrong with the header."""
    alias = header_aliases()
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems = []
    for index, title in enumerate(header):
        name = header_key(title)
        if not name:
            continue
        key = alias.get(name)
        if key is None:
            ignored.append(clean_text(str(title)))
        elif key in columns:
            problems.append(Problem(1, key, "duplicate_header"))
        else:
            columns[key] = index
    problems += [Problem(1, key, "missing_column") for key in REQUIRED if key not in columns]
    return columns, ignored, problems


def _text(value: object) -> str:
    """A cell as text, cleaned (store/text.py); line breaks stay for the fields that allow
    them, the field's own rule removes them elsewhere."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value), multiline=True)


def _parse_row(values: dict[str, str], number: int, problems: list[Problem]) -> dict | None:
    """Checks one row; returns the participant's fields, or None after noting each problem."""
    found = len(problems)

    def bad(column: str, reason: str, value: str = "", limit: int = 0) -> None:
        problems.append(Problem(number, column, reason, value, limit))

    record: dict[str, object] = {}
    code = clean_text(values.get("id", ""))
    if not code:
        bad("id", "required")
    elif len(code) > CODE_MAX:
        bad("id", "too_long", limit=CODE_MAX)
    record["code"] = code
    role = ROLES.get(header_key(values.get("role", "")))
    if role is None:
        bad("role", "not_a_role", values.get("role", ""))
    record["role"] = role
    for field in PROFILE_FIELDS:
        try:
            record[field] = canonical(field, clean(field, values.get(field, "")))
        except InvalidValue as error:
            bad(
                field, str(error.values["reason"]), values[field], int(error.values.get("limit", 0))
            )
        if field == "company_en" and {"company", "company_en"} <= record.keys():
            try:
                check_names(record["company"], record["company_en"])
            except InvalidValue:
                bad("company", "required")
    booth = clean_text(values.get("booth", ""))
    if booth and role == Role.seller:
        bad("booth", "booth_for_buyers", booth)
    elif len(booth) > BOOTH_MAX:
        bad("booth", "too_long", limit=BOOTH_MAX)
    record["booth"] = booth or None
    cap = values.get("daily_cap", "")
    if cap and (not cap.isdigit() or int(cap) < 1):
        bad("daily_cap", "not_a_cap", cap)
    record["daily_cap"] = int(cap) if cap.isdigit() and int(cap) >= 1 else None
    language = values.get("language", "")
    if language and header_key(language) not in LANGUAGE_NAMES:
        bad("language", "not_a_language", language)
    record["language"] = LANGUAGE_NAMES.get(header_key(language))
    return record if len(problems) == found else None


def import_participants(session: Session, path: Path) -> ImportResult:
    sheet = read_sheet(path)
    rows = iter(sheet.rows)
    header = next(rows, None)
    if header is None:
        raise ImportFailed([Problem(0, "", "file.empty", str(path))], sheet.encoding)
    columns, ignored, problems = _columns(header)
    titles = {key: clean_text(str(header[index])) for key, index in columns.items()}
    if problems:
        raise ImportFailed(problems, sheet.encoding, titles)

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
        raise ImportFailed(problems, sheet.encoding, titles)

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
        raise ImportFailed(problems, sheet.encoding, titles)
    session.flush()
    return ImportResult(
        created=created,
        updated=len(records) - created,
        encoding=sheet.encoding,
        ignored=tuple(ignored),
        **_notices(records),
    )
