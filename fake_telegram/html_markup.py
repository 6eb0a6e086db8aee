"""Telegram's `parse_mode=HTML` parser: plain text and entities, or Telegram's error.

Follows the Bot API server (tdlib `parse_html`): tags are case-insensitive, only Telegram's
tags are allowed, `&lt; &gt; &amp; &quot;` and numeric references are decoded, and an `&`
that starts no known reference stays a literal `&`, as does `>`. A bare `<` always starts a
tag, so unescaped user input containing `<` fails exactly as in production. Offsets and
lengths of entities count UTF-16 code units; error offsets count UTF-8 bytes.
"""

from __future__ import annotations

import re
from typing import Any

from fake_telegram.errors import ApiError, bad_request

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
SIMPLE_ENTITIES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
NAMED_REFERENCES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
SPACES = " \t\r\n\v\f\0"
_NUMERIC = re.compile(r"&#(x[0-9a-fA-F]*|[0-9]*)")
_NAMED = re.compile(r"&([A-Za-z]*)")
_PLAIN = re.compile(r"[^<&>]+")  # a run of characters that are text whatever the mode


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _decode_reference(text: str, pos: int) -> tuple[str, int] | None:
    """Decode the reference starting with `&` at `pos`: (character, end) or None if literal."""
    numeric = _NUMERIC.match(text, pos)
    if numeric:
        digits = numeric.group(1)
        value = int(digits[1:], 16) if digits.startswith("x") and len(digits) > 1 else 0
        if not digits.startswith("x") and digits:
            value = int(digits)
        end = numeric.end()
        if value == 0 or value >= 0x10FFFF or end - pos >= 10:
            return None
        character = chr(value)
    else:
        named = _NAMED.match(text, pos)
        assert named is not None
        if named.group(1) not in NAMED_REFERENCES:
            return None
        character = NAMED_REFERENCES[named.group(1)]
        end = named.end()
    if text.startswith(";", end):
        end += 1
    return character, end


class _Parser:
    def __init__(self, text: str, strict: bool) -> None:
        self.text = text
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.utf16 = 0
        self.entities: list[dict[str, Any]] = []
        # (tag name, argument, utf16 offset, index into self.out where the content starts)
        self.open: list[tuple[str, str, int, int]] = []

    def char(self, index: int) -> str:
        return self.text[index] if index < len(self.text) else "\0"

    def fail(self, message: str) -> ApiError:
        return bad_request(f"can't parse entities: {message}")

    def byte_offset(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def parse(self) -> tuple[str, list[dict[str, Any]]]:
        while self.pos < len(self.text):
            # Plain text a run at a time: a caption is parsed while other requests wait.
            plain = _PLAIN.match(self.text, self.pos)
            if plain:
                self.emit(plain.group())
                self.pos = plain.end()
                continue
            character = self.text[self.pos]
            if character == "&":
                decoded = _decode_reference(self.text, self.pos)
                if decoded is not None:
                    self.emit(decoded[0])
                    self.pos = decoded[1]
                    continue
                if self.strict:
                    raise self.fail(self.unescaped("&"))
            if character == ">" and self.strict:
                raise self.fail(self.unescaped(">"))
            if character != "<":
                self.emit(character)
                self.pos += 1
            elif self.char(self.pos + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            raise self.fail(f"Can't find end tag corresponding to start tag {self.open[-1][0]}")
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.out), self.entities

    def unescaped(self, character: str) -> str:
        return (
            f'unescaped "{character}" at byte offset {self.byte_offset(self.pos)} '
            "(strict check of the fake server; Telegram itself accepts it)"
        )

    def start_tag(self) -> None:
        begin = self.pos
        i = begin + 1
        while self.char(i) not in SPACES and self.char(i) != ">":
            i += 1
        if i >= len(self.text):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.text[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise self.fail(
                f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}'
            )
        argument = ""
        expandable = False
        while self.char(i) != ">":
            while i < len(self.text) and self.char(i) in SPACES:
                i += 1
            if self.char(i) == ">":
                break
            name_begin = i
            while self.char(i) not in SPACES and self.char(i) not in "=>":
                i += 1
            name = self.text[name_begin:i]
            if not name:
                raise self.fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            while i < len(self.text) and self.char(i) in SPACES:
                i += 1
            if self.char(i) != "=":
                if tag == "blockquote" and name.lower() == "expandable":
                    expandable = True
                    continue
                raise self.fail(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}"
                )
            i += 1
            while i < len(self.text) and self.char(i) in SPACES:
                i += 1
            if i >= len(self.text):
                raise self.fail(
                    f'Unclosed start tag "{tag}" at byte offset {self.byte_offset(begin)}'
                )
            value, i = self.attribute_value(i)
            if i >= len(self.text):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            argument = _tag_argument(tag, name, value, argument)
        if tag == "span" and argument != "spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        if expandable:
            argument = "expandable"
        self.open.append((tag, argument, self.utf16, len(self.out)))
        self.pos = i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.char(i)
        if quote not in "'\"":
            token_begin = i
            while self.char(i).isascii() and (self.char(i).isalnum() or self.char(i) in ".-"):
                i += 1
            if self.char(i) not in SPACES and self.char(i) != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_offset(token_begin)}"
                )
            return self.text[token_begin:i].lower(), i
        i += 1
        value: list[str] = []
        while i < len(self.text) and self.text[i] != quote:
            if self.text[i] == "&":
                decoded = _decode_reference(self.text, i)
                if decoded is not None:
                    value.append(decoded[0])
                    i = decoded[1]
                    continue
            value.append(self.text[i])
            i += 1
        if i < len(self.text):
            i += 1
        return "".join(value), i

    def end_tag(self) -> None:
        begin = self.pos
        if not self.open:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while self.char(i) not in SPACES and self.char(i) != ">":
            i += 1
        name = self.text[begin + 2 : i].lower()
        while i < len(self.text) and self.char(i) in SPACES:
            i += 1
        if self.char(i) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag, argument, offset, content_start = self.open[-1]
        if name and name != tag:
            raise self.fail(
                f'Unmatched end tag at byte offset {self.byte_offset(begin)}, expected "</{tag}>", '
                f'found "</{name}>"'
            )
        length = self.utf16 - offset
        if length > 0:
            self.close_entity(tag, argument, offset, length, "".join(self.out[content_start:]))
        self.open.pop()
        self.pos = i + 1

    def close_entity(self, tag: str, argument: str, offset: int, length: int, inner: str) -> None:
        entity: dict[str, Any] = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag in SIMPLE_ENTITIES:
            entity["type"] = SIMPLE_ENTITIES[tag]
        elif tag == "tg-emoji":
            if not argument.isdigit() or int(argument) == 0:
                raise bad_request("can't parse entities: Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=argument)
        elif tag == "a":
            entity.update(type="text_link", url=argument or inner)
        elif tag == "blockquote":
            entity["type"] = "expandable_blockquote" if argument else "blockquote"
        elif tag == "pre":
            if last is not None and same_span and last["type"] == "code" and "language" in last:
                last["type"] = "pre"
                return
            entity["type"] = "pre"
        elif last is not None and same_span and last["type"] == "pre" and argument:
            last["language"] = argument
            return
        else:
            entity["type"] = "code"
            if argument:
                entity["language"] = argument
        self.entities.append(entity)


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    """The argument an attribute gives its tag (link, language, class), else `current`."""
    name = name.lower()
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current


def parse_html(text: str, *, strict: bool = False) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities), or raise Telegram's 400."""
    return _Parser(text, strict).parse()
