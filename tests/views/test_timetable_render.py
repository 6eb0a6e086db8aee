"""The renderers on their own: what the picture's font can draw, and message splitting."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from store.timetable import Day, SlotEntry
from views.timetable_image import drawable, fit, font, has_glyph
from views.timetable_render import _runs, pages, units


def test_hangul_and_latin_are_drawn_as_they_are():
    assert all(has_glyph(c) for c in "한빛화장품 Acme Trading (주) & Co. 09:00–09:30 ·…")
    assert drawable("한빛화장품  Acme") == "한빛화장품 Acme"


def test_what_the_font_lacks_is_reduced_to_base_letters_or_left_out():
    assert not has_glyph("🌸")
    assert drawable("K-Beauty Lab 🌸") == "K-Beauty Lab"
    assert drawable("Şişecam") == "Sisecam"
    assert drawable("Cafe\u0301 Noir") == "Café Noir"  # combining accent composed first


def test_long_names_are_cut_with_an_ellipsis_to_the_width():
    name = "Gangnam Fashion & Textiles Corporation International"
    cut = fit(name, 17, 200)
    assert cut.endswith("…") and name.startswith(cut[:-1])
    assert font(17).getlength(cut) <= 200
    assert fit("Acme", 17, 200) == "Acme"


def test_pages_keep_blocks_whole_and_every_page_under_the_limit():
    blocks = ["<b>head</b>", "a" * 60, "b" * 60, "\n".join(["c" * 30] * 5)]
    result = pages(blocks, limit=100)
    assert all(units(page) <= 100 for page in result)
    assert result[0] == "<b>head</b>\n\n" + "a" * 60
    assert "\n".join(result).count("c" * 30) == 5
    assert pages(["🟥" * 30], limit=60) == ["🟥" * 30]  # emoji count two units each


def test_free_and_unavailable_times_split_at_a_break_between_slots():
    """A run of free (or unavailable) slots never reads across lunch, when no slot exists."""
    zone = ZoneInfo("Asia/Seoul")
    day = date(2026, 6, 15)

    def entry(start: str, end: str, available: bool = True) -> SlotEntry:
        at = [datetime.combine(day, time.fromisoformat(v), tzinfo=zone) for v in (start, end)]
        return SlotEntry(code=start, start=at[0], end=at[1], available=available, meeting=None)

    slots = (
        entry("11:00", "11:30"),
        entry("11:30", "12:00"),
        entry("13:00", "13:30"),
        entry("13:30", "14:00", available=False),
        entry("14:00", "14:30", available=False),
    )
    runs = [
        (free, first.code, last.end.strftime("%H:%M"))
        for free, first, last in _runs(Day(day, slots))
    ]
    assert runs == [(True, "11:00", "12:00"), (True, "13:00", "13:30"), (False, "13:30", "14:30")]
