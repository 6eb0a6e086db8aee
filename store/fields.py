"""What a participant's profile fields may hold; shared by the importer and profile edits."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from store.errors import InvalidValue
from store.text import clean_text

WEBSITE = re.compile(r"^(https?://)?[^\s/]+\.[^\s]+$", re.IGNORECASE)
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]{5,30}$")


def is_email(value: str) -> bool:
    """An address as email-validator reads it (its syntax and domain rules; nothing is looked
    up on the network, so a fair's offline import stays fast). Imported here: compiling its
    patterns takes 60 ms, which a process that never checks an address does without."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


@dataclass(frozen=True)
class FieldRule:
    max_length: int
    required: bool = False
    pattern: re.Pattern[str] | None = None
    multiline: bool = False  # whether line breaks are kept (see store/text.py)
    check: Callable[[str], bool] | None = None  # a rule a pattern can't say


PROFILE_FIELDS: dict[str, FieldRule] = {
    # Either name may be empty, not both (`check_names`).
    "company": FieldRule(200),
    "company_en": FieldRule(200),
    "country": FieldRule(64, required=True),
    "industry": FieldRule(100, required=True),
    "products": FieldRule(1000),
    "website": FieldRule(300, pattern=WEBSITE),
    "description": FieldRule(2000, multiline=True),
    "contact_name": FieldRule(100),
    "contact_title": FieldRule(100),
    "email": FieldRule(254, check=is_email),
    "phone": FieldRule(40, pattern=PHONE),
}

ACCOUNT_FIELDS = ("contact_name", "contact_title", "email", "phone")
COMPANY_FIELDS = (
    "company",
    "company_en",
    "country",
    "industry",
    "products",
    "website",
    "description",
)


NAME_FIELDS = ("company", "company_en")


def check_names(company: str, company_en: str) -> None:
    """A company needs a name in at least one language."""
    if not company and not company_en:
        raise InvalidValue(field="company", reason="required")


def clean(field: str, value: str) -> str:
    """Returns the value as stored (cleaned by store/text.py), or raises InvalidValue saying
    why not."""
    rule = PROFILE_FIELDS.get(field)
    if rule is None:
        raise InvalidValue(field=field, reason="unknown_field")
    value = clean_text(value, multiline=rule.multiline)
    if not value:
        if rule.required:
            raise InvalidValue(field=field, reason="required")
        return ""
    if len(value) > rule.max_length:
        raise InvalidValue(field=field, reason="too_long", limit=rule.max_length)
    if rule.pattern is not None and not rule.pattern.match(value):
        raise InvalidValue(field=field, reason="malformed")
    if rule.check is not None and not rule.check(value):
        raise InvalidValue(field=field, reason="malformed")
    return value
