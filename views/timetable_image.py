"""The timetable as a picture, like the manual's 주선 결과 확인 grid: one column per day, one
row per slot time, confirmed meetings filled in red, the participant's unavailable slots grey.

Text is drawn with Noto Sans CJK (the `cvttf-notosanscjk-regular` package), which covers
Hangul and Latin. Characters it lacks (emoji, some accented Latin letters) would print as
empty boxes, so they are reduced to their base letter or left out (`drawable`).

The picture is drawn straight into palette indices (`Canvas`): flat fills plus, for each
ink-on-background pair, a ramp of shades for anti-aliased text. A palette PNG is a third of
the bytes of an RGB one and encodes several times faster, which keeps one timetable well
under the 30 ms an announcement to thousands of participants can afford.
"""

from __future__ import annotations

import io
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache, lru_cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from locales import clock, country_name, day_label, t, time_span, zone_city, zone_name
from store.names import company_name
from store.timetable import SlotEntry, Timetable
from views.meeting_place import plain_place

FONT_PACKAGE = "cvttf_NotoSansCJK_Regular"
FONT_FILE = "NotoSansCJKtc-Regular.otf"

RGB = tuple[int, int, int]
MEETING_FILL: RGB = (217, 48, 37)
UNAVAILABLE_FILL: RGB = (190, 190, 190)
FREE_FILL: RGB = (255, 255, 255)
NO_SLOT_FILL: RGB = (244, 244, 244)
BACKGROUND: RGB = (255, 255, 255)
HEADER_FILL: RGB = (246, 240, 239)
LINE: RGB = (208, 208, 208)
INK: RGB = (33, 33, 33)
MUTED: RGB = (96, 96, 96)
ON_RED: RGB = (255, 255, 255)

MARGIN = 24
TITLE_HEIGHT = 92
DAY_HEADER = 44
TIME_COLUMN = 120
DAY_COLUMN = 300
ROW = 60
LEGEND = 56
PAD = 10
SHADES = 16  # anti-aliasing levels per ink-on-background pair
PNG_COMPRESSION = 3  # level 6 saves a quarter of ~40 KB and doubles the encoding time

Box = tuple[int, int, int, int]


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    # Basic layout: Hangul syllables and Latin need no shaping, and it is the faster engine.
    path = files(FONT_PACKAGE) / FONT_FILE
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)


def _picture(char: str) -> bytes:
    image = Image.new("L", (48, 48))
    ImageDraw.Draw(image).text((4, 4), char, font=font(16), fill=255)
    return image.tobytes()


@cache
def has_glyph(char: str) -> bool:
    """Whether the font draws `char` as itself rather than as its missing-glyph box."""
    return char.isspace() or _picture(char) != _picture("\U0010fffd")


@lru_cache(maxsize=8192)
def drawable(text: str) -> str:
    """`text` with what the font cannot draw reduced to base letters (Ş → S) or dropped (🌸)."""
    kept = []
    for char in unicodedata.normalize("NFC", text):
        if has_glyph(char):
            kept.append(char)
        else:
            kept.extend(c for c in unicodedata.normalize("NFKD", char) if has_glyph(c))
    return " ".join("".join(kept).split())


@lru_cache(maxsize=8192)
def fit(text: str, size: int, width: float) -> str:
    """`text` cut with an ellipsis so it is at most `width` pixels wide."""
    face = font(size)
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        if face.getlength(text[:middle].rstrip() + "…") <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + "…"


@dataclass(frozen=True)
class Mask:
    """Drawn text as coverage bytes (0-255), placed at (`left`, `top`) from its anchor."""

    left: int
    top: int
    size: tuple[int, int]
    coverage: bytes


# Times, labels and company names recur across an announcement's timetables: drawing each
# once per run, not once per picture, is most of the rendering time saved.
@lru_cache(maxsize=2048)
def text_mask(text: str, size: int, anchor: str, stroke: int) -> Mask | None:
    face = font(size)
    left, top, right, bottom = face.getbbox(text, anchor=anchor, stroke_width=stroke)
    if right <= left or bottom <= top:
        return None
    image = Image.new("L", (right - left, bottom - top))
    ImageDraw.Draw(image).text(
        (-left, -top), text, font=face, fill=255, anchor=anchor, stroke_width=stroke
    )
    return Mask(left, top, image.size, image.tobytes())


# Coverage 1..255 becomes "paste here"; 0 leaves the background alone.
OPAQUE = bytes([0] + [255] * 255)


class Canvas:
    """An image drawn in palette indices: each colour and each text shade gets an index."""

    def __init__(self, width: int, height: int, background: RGB) -> None:
        self.colours: list[RGB] = []
        self.indices: dict[RGB, int] = {}
        self.shades: dict[tuple[RGB, RGB], bytes] = {}
        self.image = Image.new("L", (width, height), self.index(background))
        self.draw = ImageDraw.Draw(self.image)

    def index(self, colour: RGB) -> int:
        if colour not in self.indices:
            self.indices[colour] = len(self.colours)
            self.colours.append(colour)
        return self.indices[colour]

    def _lookup(self, ink: RGB, under: RGB) -> bytes:
        """A 256-entry table from a text mask's coverage to the index of that shade."""
        if (ink, under) not in self.shades:
            ramp = []
            for level in range(1, SHADES + 1):
                share = level / SHADES
                mixed = tuple(round(u + (i - u) * share) for i, u in zip(ink, under, strict=True))
                ramp.append(self.index(mixed))  # type: ignore[arg-type]
            self.shades[(ink, under)] = bytes(ramp[v * SHADES // 256] for v in range(256))
        return self.shades[(ink, under)]

    def rectangle(self, box: Box, fill: RGB, outline: RGB | None = None) -> None:
        self.draw.rectangle(
            box, fill=self.index(fill), outline=None if outline is None else self.index(outline)
        )

    def line(self, points: Box, colour: RGB) -> None:
        self.draw.line(points, fill=self.index(colour))

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: int,
        ink: RGB,
        under: RGB,
        anchor: str = "la",
        stroke: int = 0,
    ) -> None:
        """Anti-aliased text of colour `ink` on the flat colour `under`."""
        mask = text_mask(text, size, anchor, stroke)
        if mask is None:
            return
        # bytes.translate maps coverage to shade indices (faster than Image.point here).
        shaded = Image.frombytes("L", mask.size, mask.coverage.translate(self._lookup(ink, under)))
        opaque = Image.frombytes("L", mask.size, mask.coverage.translate(OPAQUE))
        self.image.paste(shaded, (round(xy[0]) + mask.left, round(xy[1]) + mask.top), opaque)

    def png(self) -> bytes:
        image = self.image.copy()
        image.putpalette([channel for colour in self.colours for channel in colour])
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=PNG_COMPRESSION)
        return buffer.getvalue()


@dataclass(frozen=True)
class ImageLayout:
    """Where everything goes: `cells` maps a slot code to its cell (x0, y0, x1, y1), inside the
    grid lines; its fill shows at least `PAD` pixels in from each edge, so callers (and tests)
    can read each slot's colour there."""

    width: int
    height: int
    rows: tuple[tuple[time, time], ...]
    columns: tuple[int, ...]  # x of each day's column
    cells: dict[str, Box]


def layout(table: Timetable) -> ImageLayout:
    rows = tuple(sorted({(e.start.time(), e.end.time()) for e in table.entries}))
    row_of = {span: index for index, span in enumerate(rows)}
    grid_top = MARGIN + TITLE_HEIGHT + DAY_HEADER
    columns = tuple(MARGIN + TIME_COLUMN + index * DAY_COLUMN for index in range(len(table.days)))
    cells = {}
    for x, day in zip(columns, table.days, strict=True):
        for entry in day.slots:
            y = grid_top + row_of[(entry.start.time(), entry.end.time())] * ROW
            cells[entry.code] = (x + 1, y + 1, x + DAY_COLUMN - 1, y + ROW - 1)
    width = MARGIN * 2 + TIME_COLUMN + DAY_COLUMN * max(len(table.days), 1)
    height = grid_top + ROW * len(rows) + LEGEND + MARGIN
    return ImageLayout(width, height, rows, columns, cells)


def _cell(canvas: Canvas, box: Box, entry: SlotEntry, language: str) -> None:
    x0, y0, x1, y1 = box
    room = x1 - x0 - 2 * PAD
    if entry.meeting is not None:
        canvas.rectangle(box, MEETING_FILL)
        other = entry.meeting.counterpart
        company = fit(drawable(company_name(other, language)), 17, room)
        canvas.text((x0 + PAD, y0 + 6), company, 17, ON_RED, MEETING_FILL)
        detail = t(
            language,
            "schedule.image.detail",
            country=country_name(language, other.country),
            place=plain_place(entry.meeting, language),
        )
        canvas.text((x0 + PAD, y0 + 32), fit(drawable(detail), 14, room), 14, ON_RED, MEETING_FILL)
    elif not entry.available:
        canvas.rectangle(box, UNAVAILABLE_FILL)
        label = drawable(t(language, "schedule.image.unavailable"))
        middle = ((x0 + x1) / 2, (y0 + y1) / 2)
        canvas.text(middle, label, 14, MUTED, UNAVAILABLE_FILL, anchor="mm")
    else:
        canvas.rectangle(box, FREE_FILL)


def _legend(canvas: Canvas, top: int, language: str) -> None:
    x = MARGIN
    for fill, key in (
        (MEETING_FILL, "schedule.image.legend_meeting"),
        (FREE_FILL, "schedule.image.legend_free"),
        (UNAVAILABLE_FILL, "schedule.image.legend_unavailable"),
    ):
        canvas.rectangle((x, top + 18, x + 22, top + 40), fill, outline=LINE)
        label = drawable(t(language, key))
        canvas.text((x + 30, top + 29), label, 15, INK, BACKGROUND, anchor="lm")
        x += 30 + int(font(15).getlength(label)) + 28


def _header(canvas: Canvas, table: Timetable, language: str, width: int) -> None:
    room = width - 2 * MARGIN
    title = fit(
        drawable(t(language, "schedule.image.title", event=table.event_title(language))), 26, room
    )
    # The font has one weight; a one-pixel stroke of the same ink makes the title bold.
    canvas.text((MARGIN, MARGIN), title, 26, INK, BACKGROUND, stroke=1)
    # A reader in another zone reads their own times on the fair's days: the subtitle says so.
    elsewhere = table.reader_zone not in ("", table.timezone)
    subtitle = t(
        language,
        "schedule.image.subtitle_elsewhere" if elsewhere else "schedule.image.subtitle",
        company=company_name(table, language),
        role=t(language, f"role.{table.role}"),
        timezone=zone_name(language, table.reader_zone or table.timezone),
        city=zone_city(language, table.timezone),
    )
    canvas.text((MARGIN, MARGIN + 46), fit(drawable(subtitle), 18, room), 18, MUTED, BACKGROUND)


def _row_label(
    canvas: Canvas, table: Timetable, start: time, end: time, y: int, language: str
) -> None:
    """A row's time; for a reader in another zone (online) their own time, with the fair's
    in grey below it (`서울 09:00`). The days stay the fair's, as the columns say."""
    fair = ZoneInfo(table.timezone)
    day = table.days[0].date
    begins = datetime.combine(day, start, fair)
    local = begins.astimezone(ZoneInfo(table.reader_zone or table.timezone))
    if local.replace(tzinfo=None) == begins.replace(tzinfo=None):
        span = time_span(language, start, end)
        canvas.text((MARGIN + PAD, y + ROW / 2), span, 15, INK, BACKGROUND, anchor="lm")
        return
    ends = datetime.combine(day, end, fair).astimezone(local.tzinfo)
    span = time_span(language, local.time(), ends.time())
    canvas.text((MARGIN + PAD, y + ROW / 2 - 9), span, 15, INK, BACKGROUND, anchor="lm")
    fair_time = f"{zone_city(language, table.timezone)} {clock(start)}"
    canvas.text(
        (MARGIN + PAD, y + ROW / 2 + 12), drawable(fair_time), 12, MUTED, BACKGROUND, anchor="lm"
    )


def render(table: Timetable, language: str) -> tuple[Canvas, ImageLayout]:
    """The drawn canvas and where its cells are."""
    plan = layout(table)
    canvas = Canvas(plan.width, plan.height, BACKGROUND)
    _header(canvas, table, language, plan.width)
    header_top = MARGIN + TITLE_HEIGHT
    grid_top = header_top + DAY_HEADER
    grid_bottom = grid_top + ROW * len(plan.rows)
    right = plan.width - MARGIN
    canvas.rectangle((MARGIN, header_top, right, grid_top), HEADER_FILL)
    for x, day in zip(plan.columns, table.days, strict=True):
        canvas.rectangle((x, grid_top, x + DAY_COLUMN, grid_bottom), NO_SLOT_FILL)
        label = drawable(day_label(day.date, language))
        middle = (x + DAY_COLUMN / 2, header_top + DAY_HEADER / 2)
        canvas.text(middle, label, 18, INK, HEADER_FILL, anchor="mm")
        for entry in day.slots:
            _cell(canvas, plan.cells[entry.code], entry, language)
    for index, (start, end) in enumerate(plan.rows):
        _row_label(canvas, table, start, end, grid_top + index * ROW, language)
    for index in range(len(plan.rows) + 1):
        y = grid_top + index * ROW
        canvas.line((MARGIN, y, right, y), LINE)
    for x in (MARGIN, *plan.columns, right):
        canvas.line((x, header_top, x, grid_bottom), LINE)
    canvas.line((MARGIN, header_top, right, header_top), LINE)
    _legend(canvas, grid_bottom, language)
    return canvas, plan


# A FreeType face may be used by one thread at a time, and the menu renders in worker threads
# while an announcement may render elsewhere; drawing is CPU-bound anyway, so nothing is lost.
_FREETYPE = threading.Lock()


def after_fork() -> None:
    """Run first in a process forked to draw (jobs/drawing.py): another thread may have held
    the lock or been inside a face at the fork, so the child takes a lock and faces of its
    own. The drawn-text caches are plain bytes and stay."""
    global _FREETYPE
    _FREETYPE = threading.Lock()
    font.cache_clear()


def timetable_png(table: Timetable, language: str) -> bytes:
    with _FREETYPE:
        canvas, _ = render(table, language)
    return canvas.png()
