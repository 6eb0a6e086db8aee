"""The one cleaner for every text a person types or an organizer imports.

Names, notes and keywords end up in HTML messages, in a database (PostgreSQL refuses NUL) and
in the organizer's workbook (Excel's XML refuses most control characters), so what cannot be
shown or stored is removed here, once, before any rule about length or shape is checked:

- the text is normalized to NFC, so "한" typed as three jamo and as one syllable are the same;
- terminal escape sequences (`ESC [31m`, `ESC ]0;title BEL`) go whole, not only their ESC, so
  no "[31m" is left behind in a name pasted from a terminal;
- control characters (Unicode Cc: NUL, BEL, ESC...), format characters (Cf: zero-width space,
  direction marks, soft hyphen...), lone surrogates (Cs) and noncharacters are removed;
- the Hangul fillers (U+3164, U+115F, U+1160, U+FFA0) are letters to Unicode but print as
  nothing, so a name made of them would look blank: removed too;
- line breaks are kept only where the field allows several lines (a description, a note);
  elsewhere a line break or a tab becomes a space;
- leading and trailing spaces go.
"""

from __future__ import annotations

import re
import unicodedata

# ECMA-48: a CSI sequence (ESC [ parameters, intermediates, final), an OSC string (ESC ] ...
# ended by BEL or ESC \), or a two-character escape.
TERMINAL_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)
HANGUL_FILLERS = frozenset("\u3164\u115f\u1160\uffa0")
LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85\x0b\x0c")
SPACES = frozenset("\t")
REMOVED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def is_noncharacter(char: str) -> bool:
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def is_removed(char: str) -> bool:
    """Whether the cleaner drops this character outright (line breaks and tabs aside)."""
    return (
        unicodedata.category(char) in REMOVED_CATEGORIES
        or char in HANGUL_FILLERS
        or is_noncharacter(char)
    )


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text as it is stored: see the module's docstring."""
    text = unicodedata.normalize("NFC", value)
    # Printable (str.isprintable: no Unicode C* or Z* but the space) rules out all the above
    # but the Hangul fillers: most texts, kept as they are without the loop below (an import
    # of thousands of rows spent most of its reading in it).
    if text.isprintable() and HANGUL_FILLERS.isdisjoint(text):
        return text.strip()
    # Line breaks first, so that CRLF counts as one break whatever the field.
    value = TERMINAL_SEQUENCE.sub("", value.replace("\r\n", "\n"))
    out: list[str] = []
    for char in unicodedata.normalize("NFC", value):
        if char in LINE_BREAKS:
            out.append("\n" if multiline else " ")
        elif char in SPACES:
            out.append(" ")
        elif not is_removed(char):
            out.append(char)
    # Removing characters can leave decomposed pairs next to each other: normalize again.
    text = unicodedata.normalize("NFC", "".join(out))
    if multiline:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip()
