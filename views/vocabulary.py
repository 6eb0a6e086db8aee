"""The names the store recognises in what people type (store/vocabulary.py), read from their
one source: countries from CLDR, industries and the bot's labels of its fields from the
catalogs, each in every language of the bot. Handlers and the command line pass it into the
store operations that read typed text."""

from __future__ import annotations

from functools import cache

from locales import LANGUAGES, catalog, countries, country_name, industries, industry_name
from store.import_columns import HEADERS
from store.vocabulary import Vocabulary

# the catalogs' labels of a column: the bot's own (field.*) and the importer's (import.column.*)
LABELS = ("field.{}", "import.column.{}")


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(
        countries={
            code: tuple(country_name(language, code) for language in LANGUAGES)
            for code in countries()
        },
        industries={
            slug: tuple(industry_name(language, slug) for language in LANGUAGES)
            for slug in industries()
        },
        labels={
            field: tuple(
                catalog(language)[label.format(field)]
                for language in LANGUAGES
                for label in LABELS
                if label.format(field) in catalog(language)
            )
            for field in HEADERS
        },
    )
