"""Rows of the organizer's file, whatever Excel saved it as.

What organizers actually have: an Excel workbook (.xlsx), or a CSV saved by Excel, which in
Korea is CP949 (EUC-KR) by default ("CSV (쉼표로 분리)"), UTF-8 with a byte-order mark
("CSV UTF-8"), or UTF-16 with tabs ("유니코드 텍스트", .txt). The kind of file is told by its
content, not its name; the encoding by the byte-order mark, then by trying UTF-8 and CP949,
and the one read is reported. Anything else is refused with one `Problem` naming the file
(row 0), never an exception from a parser.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from store.errors import ImportFailed, Problem

ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
# The names the organizer sees (cli.read_as): what Excel calls them.
UTF8, UTF8_BOM, UTF16, CP949 = "UTF-8", "UTF-8 (BOM)", "UTF-16", "CP949 (EUC-KR)"


@dataclass(frozen=True)
class Sheet:
    rows: list[tuple[object, ...]]
    encoding: str | None  # None for a workbook


def _refuse(path: Path, reason: str) -> ImportFailed:
    return ImportFailed([Problem(0, "", reason, str(path))])


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding; ValueError if it is none we read."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), UTF8_BOM
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), UTF16
    if b"\x00" in data:
        raise ValueError("binary")  # text files have no NUL bytes; pictures and archives do
    try:
        return data.decode("utf-8"), UTF8
    except UnicodeDecodeError:
        return data.decode("cp949"), CP949  # a UnicodeDecodeError here is a ValueError too


def _text_rows(text: str) -> list[tuple[object, ...]]:
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" separates with tabs; its CSV with commas.
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _workbook_rows(path: Path) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook  # here: a bot process that reads no workbook skips it

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_sheet(path: Path) -> Sheet:
    """Every row of the file's first sheet (header included), or ImportFailed saying why the
    file can't be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _refuse(path, "file.missing") from None
    except IsADirectoryError:
        raise _refuse(path, "file.folder") from None
    except OSError:
        raise _refuse(path, "file.unreadable") from None
    if not data.strip():
        raise _refuse(path, "file.empty")
    if data.startswith(ZIP_MAGIC):
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            return Sheet(_workbook_rows(path), None)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
            raise _refuse(path, "file.bad_workbook") from None
    if data.startswith(OLE_MAGIC):
        raise _refuse(path, "file.old_excel")
    if path.suffix.lower() == ".xlsx":
        raise _refuse(path, "file.bad_workbook")
    if path.suffix.lower() not in TEXT_SUFFIXES:
        raise _refuse(path, "file.unsupported")
    try:
        text, encoding = decode(data)
    except ValueError:
        raise _refuse(path, "file.not_text") from None
    try:
        return Sheet(_text_rows(text), encoding)
    except csv.Error:
        raise _refuse(path, "file.not_text") from None


# LibreOffice reads a byte that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as
# the private character U+F100 + the byte.
PRIVATE_BYTE = range(0xF180, 0xF1A0)
# What Korean text read as Western letters was saved as, and the refusal that says so.
GARBLED = {"cp949": "file.garbled", "utf-8": "file.garbled_utf8"}


def _western_bytes(text: str) -> bytes | None:
    """The bytes that read as `text` in Windows-1252 (or Latin-1), as LibreOffice reads them;
    None if `text` is not made of such letters."""
    raw = bytearray()
    for char in text:
        if ord(char) in PRIVATE_BYTE:
            raw.append(ord(char) - 0xF100)
            continue
        try:
            raw += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            raw.append(ord(char))  # Latin-1's control characters
    return bytes(raw)


def _read_back(value: object, codec: str) -> object:
    """Korean text saved as `codec` and read as Western letters, read back (CP949's
    “ºÕ¾÷ÄÚ¸®¾Æ”, UTF-8's “ë¶\uf190ì—…” → “붐업”); anything else as it is."""
    if not isinstance(value, str) or value.isascii():
        return value
    raw = _western_bytes(value)
    try:
        return value if raw is None else raw.decode(codec)
    except UnicodeDecodeError:
        return value


def refuse_garbled(
    path: Path, rows: Sequence[Sequence[object]], names_columns: Callable[[list], bool]
) -> None:
    """For a list whose headers were not found: refuses it in one sentence when its Korean was
    read as Western letters, as LibreOffice converts a CP949 or UTF-8 CSV to .xlsx when not
    told the file's character set, i.e. when the rows read back (`_read_back`) do name the
    columns."""
    first = [tuple(row) for row in rows[:20]]
    readings = {
        reason: [tuple(_read_back(cell, codec) for cell in row) for row in first]
        for codec, reason in GARBLED.items()
    }
    found = [(r, back) for r, back in readings.items() if back != first and names_columns(back)]
    if not found:
        return
    reason, back = found[0]
    garbled, meant = min(  # the shortest for an example: a header rather than the title
        (
            (str(cell), str(fixed))
            for row, fixed_row in zip(first, back, strict=True)
            for cell, fixed in zip(row, fixed_row, strict=True)
            if cell != fixed
        ),
        key=lambda pair: len(pair[0]),
    )
    detail = f"“{garbled}” → “{meant}”"
    raise ImportFailed([Problem(0, "", reason, str(path), detail=detail)])
