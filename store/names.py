"""Company and event names in the reader's language.

A participant has a Korean name (`company`) and an English one (`company_en`), the event a
Korean `name` and an English `name_en`; either may be empty. Every screen, notification, file
and workbook shows names through these two functions, so a Korean reader sees the Korean name
and everyone else the English one, each falling back to the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Named(Protocol):
    """Anything carrying a company's two names (a participant, or a view of one)."""

    company: str
    company_en: str


@dataclass(frozen=True)
class CompanyNames:
    """A company's two names, as store views hand them to the screens."""

    company: str
    company_en: str

    @classmethod
    def of(cls, named: Named) -> CompanyNames:
        return cls(named.company, named.company_en)


class Titled(Protocol):
    """Anything carrying the event's two names."""

    name: str
    name_en: str


def in_language(korean: str, english: str, language: str) -> str:
    """Of a Korean and an English name, the one for a reader of `language`, else the other."""
    return (korean or english) if language == "ko" else (english or korean)


def company_name(named: Named, language: str) -> str:
    """The company's name for a reader of `language`, falling back to the other language."""
    return in_language(named.company, named.company_en, language)


def event_name(event: Titled, language: str) -> str:
    """The event's name for a reader of `language`, falling back to the other language."""
    return in_language(event.name, event.name_en, language)
