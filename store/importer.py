"""Participants from the organizer's workbook (.xlsx) or .csv, all or nothing.

The file is read by store/sheet_reader.py (workbook or CSV in UTF-8, UTF-16 or CP949).
Column headers may be in English (`company`) or Korean (`회사명`, `전화번호`); see `HEADERS`.
Every cell is cleaned like a typed value (store/text.py). Each bad
cell is reported as a `Problem` (the spreadsheet's own row number, the column, a reason code
the bot's catalogs turn into a sentence), and then nothing is stored.

A re-import never loses data: it updates people (same `id`) only in the fields its columns
carry; a value the participant changed in the bot since the last import (told by
`ImportedValue`, what each import wrote) is kept and reported as a `Conflict` unless the
organizer prefers the file's; participants the file no longer has are listed, never deleted.
A dry run works all of this out and writes nothing, so it predicts the import exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from locales import LANGUAGES, catalog, industry_names, is_country_code
from store import audit
from store.errors import ImportFailed, InvalidValue, Problem
from store.fields import PROFILE_FIELDS, canonical, clean
from store.models import ImportedValue, Participant, Role
from store.participants import natural_sorted, new_invite_token
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


# The participant's fields a file's columns fill (`id` fills `code`, not compared).
FIELD_OF = {"id": "code"}
# What participants change in the bot themselves; the rest (role, booth, cap) only organizers.
BOT_EDITABLE = frozenset(PROFILE_FIELDS) | {"language"}


@dataclass(frozen=True)
class Change:
    """A stored field the file changes (`old` -> `new`, as text)."""

    code: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Conflict:
    """A field the participant changed in the bot since the last import, and the file's
    different value: the bot's value is kept unless the organizer prefers the file's."""

    code: str
    field: str
    bot: str
    file: str


@dataclass(frozen=True)
class ImportResult:
    """What an import did, or (`dry`) would do: the same either way."""

    new: tuple[str, ...]  # codes of the participants it adds
    changes: tuple[Change, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    absent: tuple[str, ...] = ()  # stored participants the file no longer has (kept)
    untouched: tuple[str, ...] = ()  # known fields the file has no column for (left alone)
    unchanged: int = 0  # participants in the file with nothing to change
    dry: bool = False
    prefer_file: bool = False  # conflicts took the file's value
    encoding: str | None = None  # the text encoding a CSV file was read in
    ignored: tuple[str, ...] = ()  # column titles the importer does not know, left unread
    # (column, value) of countries and industries no catalog names: stored as written, but
    # outside the ⭐ recommendations and the filters' names, so the organizer hears of them
    unknown_values: tuple[tuple[str, str], ...] = ()
    shared_booths: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (booth, buyers' codes)

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return len({change.code for change in self.changes})


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


def as_text(value: object) -> str:
    """A field's value as compared and remembered: None is empty."""
    return "" if value is None else str(value)


def _edited_in_bot(participant: Participant, stored: str, last: str | None) -> bool:
    """Whether the stored value is the participant's own rather than a file's. Known when an
    import remembered what it wrote; otherwise (imported before imports remembered, or joined
    through /apply) a filled value of someone who has used the bot is taken to be theirs."""
    if last is not None:
        return stored != last
    return participant.telegram_id is not None and stored != ""


def _read(path: Path) -> tuple[list[dict], dict[str, int], list[str], list[str], str | None]:
    """The file's participants (checked), the row each came from, the fields its columns
    fill, the titles it leaves unread and the CSV encoding; ImportFailed if anything is wrong."""
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
    present = [FIELD_OF.get(key, key) for key in columns]
    return records, first_row_of, present, ignored, sheet.encoding


def import_participants(
    session: Session,
    path: Path,
    *,
    dry: bool = False,
    prefer_file: bool = False,
    admin_id: int = 0,
) -> ImportResult:
    """Adds the file's new participants and updates the others, only in the fields the file
    has a column for; a value a participant changed in the bot is kept (a `Conflict`) unless
    `prefer_file`. `dry` works it all out and writes nothing. Nobody is ever deleted."""
    records, first_row_of, present, ignored, encoding = _read(path)
    compared = [field for field in present if field != "code"]
    existing = {p.code: p for p in session.exec(select(Participant)).all()}
    remembered = {
        (value.participant_id, value.field): value.value
        for value in session.exec(select(ImportedValue)).all()
    }
    problems: list[Problem] = []
    new: list[dict] = []
    changes: list[Change] = []
    conflicts: list[Conflict] = []
    unchanged = 0
    for record in records:
        code = str(record["code"])
        participant = existing.get(code)
        if participant is None:
            new.append(record)
            continue
        if participant.role != record["role"] and participant.telegram_id is not None:
            problems.append(Problem(first_row_of[code], "role", "role_changed", code))
            continue
        before = len(changes)
        for field in compared:
            if field == "language" and record[field] is None:
                continue  # an empty language cell keeps what the participant chose
            stored, given = as_text(getattr(participant, field)), as_text(record[field])
            if given == stored:
                continue
            last = remembered.get((participant.id, field))
            if field in BOT_EDITABLE and _edited_in_bot(participant, stored, last):
                conflicts.append(Conflict(code, field, stored, given))
                if not prefer_file:
                    continue
            changes.append(Change(code, field, stored, given))
        unchanged += len(changes) == before
    if problems:
        raise ImportFailed(problems, encoding)
    result = ImportResult(
        new=tuple(str(record["code"]) for record in new),
        changes=tuple(changes),
        conflicts=tuple(conflicts),
        absent=tuple(natural_sorted(set(existing) - set(first_row_of))),
        untouched=tuple(key for key in HEADERS if FIELD_OF.get(key, key) not in present),
        unchanged=unchanged,
        dry=dry,
        prefer_file=prefer_file,
        encoding=encoding,
        ignored=tuple(ignored),
        **_notices(records),
    )
    if not dry:
        _store(session, records, result, existing, remembered, compared, prefer_file)
        audit.record(
            session,
            admin_id,
            "import",
            file=path.name,
            new=result.created,
            updated=result.updated,
            unchanged=unchanged,
            conflicts=len(conflicts),
            absent=len(result.absent),
            prefer_file=prefer_file,
        )
    return result


def _store(
    session: Session,
    records: list[dict],
    result: ImportResult,
    existing: dict[str, Participant],
    remembered: dict[tuple[int, str], str],
    compared: list[str],
    prefer_file: bool,
) -> None:
    """Writes what `result` says, and remembers what this import wrote into each field."""
    kept = set() if prefer_file else {(c.code, c.field) for c in result.conflicts}
    by_code = {str(record["code"]): record for record in records}
    for code in result.new:
        existing[code] = Participant(invite_token=new_invite_token(), **by_code[code])
        session.add(existing[code])
    for change in result.changes:
        setattr(existing[change.code], change.field, by_code[change.code][change.field])
        session.add(existing[change.code])
    session.flush()
    inserts, updates = [], []
    for code, record in by_code.items():
        participant_id = existing[code].id
        for field in compared:
            value = as_text(record[field])
            if (code, field) in kept or (field == "language" and record[field] is None):
                continue
            last = remembered.get((participant_id, field))
            if last is None:
                inserts.append({"participant_id": participant_id, "field": field, "value": value})
            elif last != value:
                updates.append({"participant_id": participant_id, "field": field, "value": value})
    if inserts:
        session.execute(sa.insert(ImportedValue), inserts)
    if updates:
        session.execute(sa.update(ImportedValue), updates)  # by primary key, in bulk
    session.flush()
