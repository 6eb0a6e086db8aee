"""Slips in an organizer's list that the import names without refusing the file: what it
read another way than written (a phone whose leading 0 Excel dropped, `자동차부품`, `Korea`),
what it could not place (an unknown country or industry), and what is likely a mistake (a
buyer without a booth, one e-mail or one booth on two participants)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from store.vocabulary import Vocabulary, plain

ROWS_SHOWN = 5


@dataclass(frozen=True)
class Slip:
    """One warning: `reason` names the catalog sentence `cli.slip.<reason>`; `value` is what
    the file says, `detail` what was made of it (or who else has it); `rows` where."""

    reason: str
    column: str = ""
    value: str = ""
    detail: str = ""
    rows: tuple[int, ...] = ()


def korean_phone(text: str, country: str) -> str | None:
    """A Korean number written as digits alone (01012345678, or 1012345678 when Excel stored
    it as a number and dropped its leading 0) as written in Korea (010-1234-5678), so the
    same number reads the same in every file; None when `text` is not one."""
    if country != "KR" or not text.isdigit():
        return None
    # Here, not at the top: the library compiles its patterns as it is imported, 0.04 s of
    # CPU that every start of the bot paid for a list's phone numbers it seldom reads.
    import phonenumbers

    try:
        number = phonenumbers.parse(text if text.startswith("0") else "0" + text, "KR")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def written_otherwise(vocabulary: Vocabulary, field: str, written: str, stored: str) -> bool:
    """Whether a country or industry was recognised from a spelling other than its code or
    its own name (`Korea`, `자동차부품`), so the organizer hears what it was read as."""
    if field == "country":
        if not vocabulary.is_country(stored):
            return False
        names = {stored, *vocabulary.countries[stored]}
        return plain(written) not in {name.casefold() for name in names}
    if field == "industry":
        if not vocabulary.is_industry(stored):
            return False
        names = {stored, *vocabulary.industries[stored]}
        return plain(written) not in {name.casefold() for name in names}
    return False


def is_unknown(vocabulary: Vocabulary, field: str, stored: str) -> bool:
    if field == "country":
        return not vocabulary.is_country(stored)
    return not vocabulary.is_industry(stored)


def grouped(slips: Iterable[tuple[str, str, str, str, int]]) -> list[Slip]:
    """(reason, column, value, detail, row) per row -> one Slip per value, with its rows."""
    rows: dict[tuple[str, str, str, str], list[int]] = {}
    for reason, column, value, detail, row in slips:
        rows.setdefault((reason, column, value, detail), []).append(row)
    return [Slip(*key, rows=tuple(found)) for key, found in rows.items()]


def shared(reason: str, column: str, owners: dict[str, list[str]]) -> list[Slip]:
    """A value (an e-mail, a booth) held by more than one participant."""
    return [
        Slip(reason, column, value, ", ".join(codes))
        for value, codes in owners.items()
        if len(codes) > 1
    ]
