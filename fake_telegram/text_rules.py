"""Telegram's rules for message texts and captions: parsing, emptiness and length."""

from __future__ import annotations

from typing import Any

from fake_telegram import errors
from fake_telegram.errors import bad_request
from fake_telegram.html_markup import parse_html, utf16_len

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_ANSWER = 200


def formatted(
    text: str, parse_mode: str | None, entities: Any, *, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities Telegram stores for `text` sent with `parse_mode`.

    Markdown modes are not parsed: their text is kept as sent (markup characters included).
    """
    if parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            return parse_html(text, strict=strict_html)
        if mode not in ("markdown", "markdownv2"):
            raise bad_request("unsupported parse_mode")
        return text, []
    return text, list(entities) if isinstance(entities, list) else []


def message_text(
    text: Any, parse_mode: str | None, entities: Any, *, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Validate a message text: non-empty after parsing and trimming, at most 4096 units."""
    if not isinstance(text, str) or not text.strip():
        raise bad_request(errors.TEXT_EMPTY)
    plain, parsed = formatted(text, parse_mode, entities, strict_html=strict_html)
    if not plain.strip():
        raise bad_request(errors.TEXT_EMPTY)
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request(errors.TEXT_TOO_LONG)
    return plain, parsed


def caption_text(
    caption: Any, parse_mode: str | None, entities: Any, *, strict_html: bool
) -> tuple[str | None, list[dict[str, Any]]]:
    """Validate an optional caption: at most 1024 units after parsing."""
    if not isinstance(caption, str) or not caption:
        return None, []
    plain, parsed = formatted(caption, parse_mode, entities, strict_html=strict_html)
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request(errors.CAPTION_TOO_LONG)
    return plain or None, parsed
