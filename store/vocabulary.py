"""What people type for what the store keeps as a code: a country (its ISO code), an industry
(its slug), a column of the organizer's participant list (its field).

The store owns none of the names: countries are named by CLDR, industries and the bot's
labels of its fields by the catalogs, each in every language of the bot. The layer above
reads them (views/vocabulary.py) and passes them into the operations that read what people
typed: an application's approval, a profile edit, a search, an import. The store owns the
rules (a name compared loosely, a slug or a code as typed) and only what people type that
neither source spells: `COUNTRY_ALIASES` here, the headers of store/import_columns.py.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

# what people commonly type that CLDR spells otherwise (as `loose` leaves it)
COUNTRY_ALIASES = {
    "한국": "KR",
    "남한": "KR",
    "korea": "KR",
    "republicofkorea": "KR",
    "korearepublicof": "KR",
    "usa": "US",
    "america": "US",
    "미합중국": "US",
    "uk": "GB",
    "uae": "AE",
}
LOOSE_DROPPED = " \t·・.,/&()-_'’"
NEAR = 0.65  # `Vocabulary.nearest`: how alike a typo and a name must be (difflib's ratio)


def plain(text: str) -> str:
    """A name as compared: inner spaces collapsed, case-folded."""
    return " ".join(text.split()).casefold()


def loose(text: str) -> str:
    """A name compared loosely: without spaces and punctuation, case-folded (자동차부품 and
    "자동차 부품", 전기전자 and 전기·전자, "Viet Nam" and Vietnam are the same)."""
    return "".join(ch for ch in text.casefold() if ch not in LOOSE_DROPPED)


@dataclass(frozen=True, eq=False)  # compared by identity, so a cache can key on it
class Vocabulary:
    """The names, each in every language, as the layer above read them."""

    countries: Mapping[str, tuple[str, ...]]  # ISO code (US) -> its names (미국, United States)
    industries: Mapping[str, tuple[str, ...]]  # slug (cosmetics) -> its names (화장품, Cosmetics)
    labels: Mapping[str, tuple[str, ...]]  # a field (phone) -> the bot's labels (전화번호, Phone)

    @cached_property
    def _country_codes(self) -> dict[str, str]:
        """Every country name as written and loosely (`loose`) -> its ISO code."""
        names = {
            written: code
            for code, spelled in self.countries.items()
            for name in spelled
            for written in (name.casefold(), loose(name))
        }
        return names | COUNTRY_ALIASES

    @cached_property
    def _industry_names(self) -> dict[str, frozenset[str]]:
        """Each slug with its names and the slug itself, case-folded."""
        return {
            slug: frozenset({slug.casefold(), *(name.casefold() for name in names)})
            for slug, names in self.industries.items()
        }

    def is_country(self, value: str) -> bool:
        """Whether `value` is a country's ISO code (US, KR)."""
        return value in self.countries

    def country_code(self, text: str) -> str:
        """The ISO code of a country typed as a code or a name in any language ("us", "미국",
        "United States" -> US); text naming no country is kept as typed."""
        wanted = plain(text)
        if self.is_country(wanted.upper()):
            return wanted.upper()
        return self._country_codes.get(wanted) or self._country_codes.get(loose(wanted), text)

    def is_industry(self, value: str) -> bool:
        return value in self.industries

    def industry_slug(self, text: str) -> str:
        """The slug an industry typed by a person names (화장품, Cosmetics -> cosmetics); text
        that names no known industry is kept as typed."""
        wanted = plain(text)
        known = self._industry_names.items()
        found = next((slug for slug, names in known if wanted in names), None)
        if found is None:
            wanted = loose(wanted)
            found = next((slug for slug, names in known if wanted in map(loose, names)), None)
        return found or text

    def knows(self, field: str, value: str) -> bool:
        """Whether a stored country or industry is one the names know (not kept as typed)."""
        return self.is_country(value) if field == "country" else self.is_industry(value)

    def nearest(self, field: str, text: str) -> str | None:
        """The country (ISO code) or industry (slug) whose name in some language is closest to
        `text`, a likely typo (Vietnan, 베트냠, Cosmetic): difflib's ratio over the loose
        names, at least NEAR; None when nothing is that close."""
        names = (
            self._country_codes
            if field == "country"
            else {loose(n): slug for slug, names in self._industry_names.items() for n in names}
        )
        found = difflib.get_close_matches(loose(text), list(names), n=1, cutoff=NEAR)
        return names[found[0]] if found else None

    def industries_named(self, word: str) -> list[str]:
        """The slugs whose name in any language (or the slug itself) contains `word`:
        searching "화장품" or "Cosmetic" finds `cosmetics`."""
        wanted = word.casefold()
        known = self._industry_names.items()
        return [slug for slug, names in known if any(wanted in name for name in names)]

    def canonical(self, field: str, value: str) -> str:
        """A cleaned value as stored: a country's ISO code, an industry's slug, else unchanged.

        Countries are stored as ISO codes and industries as slugs, whichever name people type
        ("대한민국", "Chile"; "화장품", "Cosmetics"), so filters group them and screens name
        them in each reader's language. Text naming none is kept as typed."""
        if field == "country":
            return self.country_code(value)
        if field == "industry":
            return self.industry_slug(value)
        return value
