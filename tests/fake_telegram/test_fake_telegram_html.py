"""Telegram's HTML parse rules as the fake applies them."""

from __future__ import annotations

import pytest

from fake_telegram.errors import ApiError
from fake_telegram.html_markup import parse_html, utf16_len


def entities(text: str) -> list[tuple[str, int, int]]:
    return [(e["type"], e["offset"], e["length"]) for e in parse_html(text)[1]]


def error(text: str, *, strict: bool = False) -> str:
    with pytest.raises(ApiError) as caught:
        parse_html(text, strict=strict)
    assert caught.value.code == 400
    return caught.value.description.removeprefix("Bad Request: can't parse entities: ")


def test_utf16_length_counts_surrogate_pairs() -> None:
    assert utf16_len("가😀") == 3


def test_plain_text_and_entities() -> None:
    text, found = parse_html('<b>굵게</b> <a href="https://x.y/?a=1&amp;b=2">link</a> 😀<i>i</i>')
    assert text == "굵게 link 😀i"
    assert found[1]["url"] == "https://x.y/?a=1&b=2"
    assert entities('<b>굵게</b> <a href="u">link</a> 😀<i>i</i>') == [
        ("bold", 0, 2),
        ("text_link", 3, 4),
        ("italic", 10, 1),
    ]


def test_all_allowed_tags() -> None:
    html = (
        "<strong>a</strong><em>b</em><ins>c</ins><s>d</s><strike>e</strike><del>f</del>"
        '<tg-spoiler>g</tg-spoiler><span class="tg-spoiler">h</span><code>i</code>'
        '<pre><code class="language-python">j</code></pre><blockquote>k</blockquote>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        "<blockquote expandable>l</blockquote>"
    )
    text, found = parse_html(html)
    assert text == "abcdefghij" + "k👍l"
    types = [e["type"] for e in found]
    assert types == [
        "bold", "italic", "underline", "strikethrough", "strikethrough", "strikethrough",
        "spoiler", "spoiler", "code", "pre", "blockquote", "custom_emoji",
        "expandable_blockquote",
    ]  # fmt: skip
    assert found[9]["language"] == "python"


def test_entities_and_literals() -> None:
    assert parse_html("&lt;&gt;&amp;&quot;&#65;&#x41;")[0] == '<>&"AA'
    assert parse_html("Tom & Jerry > cats &nbsp;")[0] == "Tom & Jerry > cats &nbsp;"


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("가<br/>", 'Unsupported start tag "br/" at byte offset 3'),
        ("<b>x", "Can't find end tag corresponding to start tag b"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        ("<a href>x</a>", 'Expected equal sign in declaration of an attribute of the tag "a" '
         "at byte offset 0"),
    ],
)  # fmt: skip
def test_parse_errors_use_telegrams_wording(html: str, message: str) -> None:
    assert error(html) == message


def test_strict_mode_also_refuses_bare_ampersand_and_greater_than() -> None:
    assert error("Tom & Jerry", strict=True).startswith('unescaped "&" at byte offset 4')
    assert error("a > b", strict=True).startswith('unescaped ">" at byte offset 2')
    assert parse_html("Tom &amp; Jerry", strict=True)[0] == "Tom & Jerry"
