"""Which columns of the organizer's file hold what, as real lists name them.

Lists come as organizers keep them: a title row ("2026 붐업코리아 참가업체 명단") and empty rows
above the headers, headers with a note in brackets (`구분(바이어/국내기업)`), two fields in one
(`관심품목/산업`), a row number (`순번`) and remarks (`비고`). The header row is the row among the
first `HEADER_SEARCH` that names the most known columns; each header is compared by
`header_key` (no spaces, `_`, `-`, `.` or trailing `*`, any case), first as written, then
without its bracketed note or split at `/`. A required column the file lacks is named with
the headers that would do and the closest one the file has.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from store.errors import Problem
from store.text import clean_text
from store.vocabulary import Vocabulary

# Accepted column headers per field, as organizers write them. Besides these, the bot's own
# label of each field in either language (e.g. 전화번호, "Job title") and the importer's name
# of each column in its messages (import.column.*) are accepted (`Vocabulary.labels`, read
# from the catalogs by views/vocabulary.py); docs/organizers.md lists all.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": (
        "참가번호",
        "번호",
        "코드",
        "업체코드",
        "참가업체코드",
        "참가업체번호",
        "업체번호",
        "id",
        "code",
        "participant number",
    ),
    "role": ("구분", "참가구분", "참가유형", "역할", "role", "side", "type"),
    "company": (
        "회사명",
        "회사명(국문)",
        "국문회사명",
        "기업명",
        "기업명(국문)",
        "업체명",
        "업체명(국문)",
        "회사",
        "상호",
        "company",
        "company name",
    ),
    "company_en": (
        "회사명(영문)",
        "영문회사명",
        "기업명(영문)",
        "영문기업명",
        "업체명(영문)",
        "영문업체명",
        "영문명",
        "company name (English)",
        "English company name",
        "English name",
        "company_en",
    ),
    "country": ("국가", "국가명", "국적", "나라", "country", "nationality"),
    "industry": (
        "업종",
        "산업",
        "분야",
        "산업분야",
        "관심분야",
        "관심품목/산업",
        "품목/산업",
        "industry",
        "sector",
    ),
    "products": (
        "품목",
        "관심품목",
        "주요품목",
        "제품",
        "주요제품",
        "취급품목",
        "products",
        "product",
    ),
    "website": ("홈페이지", "웹사이트", "홈페이지주소", "website", "homepage", "url"),
    "description": ("회사소개", "기업소개", "소개", "description"),
    "contact_name": (
        "담당자",
        "담당자명",
        "담당자 이름",
        "성명",
        "이름",
        "contact name",
        "contact",
        "name",
    ),
    "contact_title": (
        "직위",
        "직급",
        "직함",
        "직책",
        "담당자 직위",
        "job title",
        "contact title",
        "title",
    ),
    "email": ("이메일", "E-mail", "메일", "전자우편", "담당자 이메일", "email", "mail"),
    "phone": (
        "휴대폰",
        "휴대폰 번호",
        "핸드폰",
        "휴대전화",
        "휴대전화번호",
        "연락처",
        "담당자 연락처",
        "전화",
        "전화번호",
        "phone",
        "phone number",
        "mobile",
        "tel",
    ),
    "booth": ("부스번호", "부스", "booth", "booth number", "booth no"),
    "daily_cap": ("1일 상담횟수", "상담횟수", "일일 상담횟수", "하루 상담횟수", "daily cap"),
    "language": ("언어", "사용언어", "language"),
    # The hybrid fair (docs/organizers.md): on site or online, the language an interpreter
    # is needed for, the zone an online participant reads times in.
    "attendance": ("참가형태", "참가방식", "참가방법", "attendance", "participation"),
    "interpreter_language": (
        "통역 언어",
        "통역언어",
        "통역 필요 언어",
        "통역",
        "interpreter language",
        "interpreting language",
        "interpreter",
    ),
    "timezone": ("시간대", "표준시간대", "타임존", "현지 시간대", "time zone", "timezone", "tz"),
}
REQUIRED = ("id", "role", "company", "country", "industry")
# A row number: the participant's number only when the file has no other (`id`) column.
ROW_NUMBER = ("순번", "연번", "no", "no.")
HEADER_SEARCH = 20  # rows searched for the header row
BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# A bracketed note saying the column is in English: 회사명(영문) is not the Korean name.
ENGLISH_NOTE = re.compile(r"[(\[]\s*(영문|영어|english|eng|en)\s*[)\]]", re.IGNORECASE)


def header_key(title: object) -> str:
    """A header as compared: cleaned, without spaces and punctuation, case-folded."""
    name = clean_text(str(title or "")).casefold().rstrip("*")
    return "".join(ch for ch in name if ch not in " _-.")


@cache
def header_aliases(vocabulary: Vocabulary) -> dict[str, str]:
    """Every accepted header (as `header_key` leaves it) and the column it names: ours, then
    the bot's labels."""
    alias = {header_key(name): key for key, names in HEADERS.items() for name in names}
    for key in HEADERS:
        for label in vocabulary.labels.get(key, ()):
            alias.setdefault(header_key(label), key)
    return alias


def _loose(alias: dict[str, str], title: object) -> str | None:
    """The column a header names once its bracketed note is dropped (`구분(바이어/국내기업)`)
    or its parts are read (`업종/분야`): only when they all name the same one."""
    text = clean_text(str(title or ""))
    if ENGLISH_NOTE.search(text):
        return None
    found = {alias.get(header_key(part)) for part in BRACKETS.sub("", text).split("/")}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class Columns:
    row: int  # the header row's number in the file (1 = the first row)
    index: dict[str, int]  # each column read, and its position
    titles: dict[str, str]  # each column read, as the file heads it
    ignored: tuple[str, ...]  # the headers read past


def _score(alias: dict[str, str], row: Sequence[object]) -> int:
    return len({alias.get(header_key(cell)) or _loose(alias, cell) for cell in row} - {None})


def find_columns(
    rows: Sequence[Sequence[object]], vocabulary: Vocabulary
) -> tuple[Columns | None, list[Problem]]:
    """The header row and its columns, and what is wrong with them; None when none of the
    first rows names a column at all."""
    alias = header_aliases(vocabulary)
    scores = [_score(alias, row) for row in rows[:HEADER_SEARCH]]
    if not scores or max(scores) == 0:
        return None, []
    number = scores.index(max(scores))
    header = rows[number]
    index: dict[str, int] = {}
    problems: list[Problem] = []
    loose: list[tuple[int, str]] = []
    ignored: list[int] = []
    row_number: int | None = None
    for position, title in enumerate(header):
        name = header_key(title)
        if not name:
            continue
        key = alias.get(name)
        if key is None:
            guess = _loose(alias, title)
            if guess is not None:
                loose.append((position, guess))
            elif name in {header_key(n) for n in ROW_NUMBER} and row_number is None:
                row_number = position
            else:
                ignored.append(position)
        elif key in index:
            problems.append(Problem(number + 1, key, "duplicate_header"))
        else:
            index[key] = position
    for position, key in loose:  # a header as written wins over one read loosely
        if key in index:
            ignored.append(position)
        else:
            index[key] = position
    if "id" not in index and row_number is not None:
        index["id"] = row_number
    elif row_number is not None:
        ignored.append(row_number)
    titles = {key: clean_text(str(header[position])) for key, position in index.items()}
    unread = [clean_text(str(header[position])) for position in sorted(ignored)]
    # Either company name will do (store/fields.check_names).
    named = set(index) | ({"company"} if "company_en" in index else set())
    problems += [
        Problem(number + 1, key, "missing_column", closest(key, unread))
        for key in REQUIRED
        if key not in named
    ]
    return Columns(number + 1, index, titles, tuple(unread)), problems


def accepted(key: str) -> tuple[str, ...]:
    """The headers a column may have, as the organizer's guide writes them."""
    return HEADERS[key]


def closest(key: str, titles: Sequence[str]) -> str:
    """The file's header most like the accepted ones of `key`, or "" when none is close."""
    wanted = [header_key(name) for name in accepted(key)]
    best, score = "", 0.0
    for title in titles:
        name = header_key(title)
        for other in wanted:
            ratio = difflib.SequenceMatcher(None, name, other).ratio()
            if ratio > score:
                best, score = title, ratio
    return best if score >= 0.5 else ""
