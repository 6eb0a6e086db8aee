"""Available times (the manual's 상담가능시간 설정): one message per event day, its slots as
toggle buttons. Every slot starts available; a press flips one slot, "all on"/"all off" a
whole day, and the day's message is edited in place. Once applications close the grid stays
visible but read-only.

Buttons (handlers/routes.py): `AvailabilityOpen` opens the grid; `AvailabilityPress(day, slot)`
toggles a slot of that day; `AvailabilityDay(switch, day)` switches the whole day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session
from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.routes import AvailabilityDay, AvailabilityPress, Menu, route
from handlers.services import Who, services
from handlers.ui import button, counted_items, error_text, keyboard, refuse, show
from locales import clock, day_label, t
from store.availability import DayGrid, day_grids, set_day, toggle_slot
from store.errors import ApplicationsClosed, NotFound
from store.event import ensure_open

PER_ROW = 4


@dataclass(frozen=True)
class Grids:
    days: list[DayGrid]
    closed: ApplicationsClosed | None


def _closed(session: Session, now: datetime) -> ApplicationsClosed | None:
    try:
        ensure_open(session, now)
    except ApplicationsClosed as closed:
        return closed
    return None


def _load(session: Session, participant_id: int, day: date | None, now: datetime) -> Grids:
    return Grids(day_grids(session, participant_id, day), _closed(session, now))


def _day(session: Session, participant_id: int, day: date) -> DayGrid:
    found = day_grids(session, participant_id, day)
    if not found:
        raise NotFound(what="day")
    return found[0]


def _toggle(
    session: Session, participant_id: int, day: date, slot_id: int, now: datetime
) -> DayGrid:
    """Flips one slot of the day the pressed message shows; a slot of another day is forged."""
    grid = _day(session, participant_id, day)
    if slot_id not in {slot.id for slot in grid.slots}:
        raise NotFound(what="slot")
    toggle_slot(session, participant_id, slot_id, now)
    return DayGrid(grid.day, grid.slots, grid.unavailable ^ {slot_id})


def _switch_day(
    session: Session, participant_id: int, day: date, available: bool, now: datetime
) -> DayGrid:
    grid = _day(session, participant_id, day)
    set_day(session, participant_id, day, available, now)
    off = frozenset() if available else frozenset(slot.id for slot in grid.slots)
    return DayGrid(grid.day, grid.slots, off)


def render_day(
    language: str, grid: DayGrid, closed: ApplicationsClosed | None
) -> tuple[str, InlineKeyboardMarkup]:
    available = sum(grid.available(slot) for slot in grid.slots)
    lines = [
        t(language, "availability.day_title", day=day_label(grid.day, language)),
        counted_items(
            language,
            "availability.counts",
            {"available": available, "unavailable": len(grid.slots) - available},
        ),
    ]
    if closed is None:  # once closed, the intro (or a refused press's alert) says so
        lines.append(t(language, "availability.hint"))
    slot_buttons = [
        button(
            language,
            "availability.slot_on" if grid.available(slot) else "availability.slot_off",
            AvailabilityPress(grid.day, slot.id),
            time=clock(slot.start),
        )
        for slot in grid.slots
    ]
    rows = [slot_buttons[i : i + PER_ROW] for i in range(0, len(slot_buttons), PER_ROW)]
    if closed is None:
        rows.append(
            [
                button(language, "availability.all_on", AvailabilityDay("on", grid.day)),
                button(language, "availability.all_off", AvailabilityDay("off", grid.day)),
            ]
        )
    rows.append([button(language, "common.back", Menu())])
    return "\n".join(lines), keyboard(*rows)


@participant(answer=True)
async def open_grid(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    grids = await svc.run(_load, person.participant.id, None, svc.clock())
    language = person.language
    intro = "availability.intro_closed" if grids.closed else "availability.intro"
    await show(update, t(language, intro))
    for grid in grids.days:
        text, markup = render_day(language, grid, grids.closed)
        await update.effective_chat.send_message(
            text, parse_mode=ParseMode.HTML, reply_markup=markup
        )


@participant(data=(AvailabilityPress, AvailabilityDay))
async def press(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    pressed: AvailabilityPress | AvailabilityDay,
) -> None:
    """A slot or a whole day pressed: change it, or say why not and show the grid as it is."""
    query = update.callback_query
    svc = services(context)
    pid, now, day = person.participant.id, svc.clock(), pressed.day
    try:
        match pressed:
            case AvailabilityPress(slot=slot):
                grid = await svc.run(_toggle, pid, day, slot, now)
            case AvailabilityDay(switch=switch):
                grid = await svc.run(_switch_day, pid, day, switch == "on", now)
    except ApplicationsClosed as closed:
        await refuse(update, error_text(person.language, closed))
        [grid] = (await svc.run(_load, pid, day, now)).days
        await show(update, *render_day(person.language, grid, closed))
        return
    await query.answer()
    await show(update, *render_day(person.language, grid, None))


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(open_grid, pattern=route("availability")),
        CallbackQueryHandler(press, pattern=route("availability.press")),
    ]


FEATURE = Feature(
    others=handlers,
)
