"""Korean particles after a value that changes: 전화번호를, 이메일을, 순차(greedy)로.

A catalog writes the particle as a format spec, `{label:을}`, and `t()` picks the form that
follows the sound of the value's last syllable (korean-style guide, §2, option A): with a final
consonant 을, 이, 은, 과, 으로; without one 를, 가, 는, 와, 로; a final ㄹ takes 로. Exact for
catalog words, digits and letters read one by one. Company names and typed text are read as
words (Google 구글), so catalogs phrase around them instead (“{value}” 값은).
"""

from __future__ import annotations

import re
import string

# each particle, written either way, -> (after a final consonant, after none)
PAIRS = {
    word: pair
    for pair in (("을", "를"), ("이", "가"), ("은", "는"), ("과", "와"), ("으로", "로"))
    for word in pair
}
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
RIEUL = 8  # the final-consonant index of ㄹ
# how digits are read (영 일 이 삼 사 오 육 칠 팔 구): 0 3 6 end in a consonant, 1 7 8 in ㄹ
DIGIT_FINAL = {"0": "c", "3": "c", "6": "c", "1": "ㄹ", "7": "ㄹ", "8": "ㄹ"}
# letters read one by one (엘, 알, 엠, 엔)
LETTER_FINAL = {"L": "ㄹ", "R": "ㄹ", "M": "c", "N": "c"}
SKIPPED = re.compile(r"(<[^>]*>|[\s\"'“”‘’.,!?)\]]|\([^()]*\))+$")


def final_sound(value: str) -> str:
    """ "ㄹ", "c" (another final consonant) or "" (none) for the value's last syllable, after
    dropping closing tags, quotes, spaces and a trailing parenthesis (순차(greedy) → 순차)."""
    text = SKIPPED.sub("", value) or value
    last = text[-1:] if text else ""
    if HANGUL_FIRST <= ord(last or " ") <= HANGUL_LAST:
        final = (ord(last) - HANGUL_FIRST) % 28
        return "" if final == 0 else "ㄹ" if final == RIEUL else "c"
    if last.isdigit():
        return DIGIT_FINAL.get(last, "")
    return LETTER_FINAL.get(last.upper(), "")


def attach(value: str, particle: str) -> str:
    """The value followed by the particle that fits its sound: attach("전화번호", "을")."""
    with_final, without = PAIRS[particle]
    sound = final_sound(value)
    if with_final == "으로":
        return value + ("으로" if sound == "c" else "로")
    return value + (with_final if sound else without)


class ParticleFormatter(string.Formatter):
    """`str.format` where a spec that is a particle (`{label:을}`) attaches it to the value."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec in PAIRS:
            return attach(str(value), format_spec)
        return super().format_field(value, format_spec)


FORMATTER = ParticleFormatter()
