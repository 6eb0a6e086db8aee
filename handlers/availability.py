"""Available times (the manual's 상담가능시간 설정): one message per event day, its slots as
toggle buttons. Every slot starts available; a press flips one slot, "all on"/"all off" a
whole day, and the day's message is edited in place. Once applications close the screen
shows the times as set, as text with nothing to press.

Buttons (handlers/routes.py): `AvailabilityOpen` opens the grid; `AvailabilityPress(day, slot)`
toggles a slot of that day; `AvailabilityDay(switch, day)` switches the whole day.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.routes import AvailabilityDay, AvailabilityPress, Menu, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, keyboard, pressed_keyboard, refuse, show
from handlers.wording import counted_items, error_text
from locales import clock, day_label, t, time_span
from store.availability import DayGrid, grids, press_slot, switch_day
from store.errors import ApplicationsClosed
from views.stretches import stretches

PER_ROW = 4


def render_day(
    language: str, grid: DayGrid, closed: ApplicationsClosed | None
) -> tuple[str, InlineKeyboardMarkup]:
    """The day's message: its slots as toggles while applications are open; once closed, the
    times as text (nothing left to press) and the way back."""
    if closed is not None:
        return _closed_day(language, grid), keyboard([button(language, "common.back", Menu())])
    available = sum(grid.available(slot) for slot in grid.slots)
    lines = [
        t(language, "availability.day_title", day=day_label(grid.day, language)),
        counted_items(
            language,
            "availability.counts",
            {"available": available, "unavailable": len(grid.slots) - available},
        ),
        t(language, "availability.hint"),
    ]
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
    rows.append(
        [
            button(language, "availability.all_on", AvailabilityDay("on", grid.day)),
            button(language, "availability.all_off", AvailabilityDay("off", grid.day)),
        ]
    )
    rows.append([button(language, "common.back", Menu())])
    return "\n".join(lines), keyboard(*rows)


def _closed_day(language: str, grid: DayGrid) -> str:
    """A day as it was set, read-only: its available and unavailable stretches of time."""
    runs = stretches(grid.slots, grid.available)
    return "\n".join(
        [
            t(language, "availability.day_title", day=day_label(grid.day, language)),
            *(
                t(
                    language,
                    "availability.run_on" if available else "availability.run_off",
                    time=time_span(language, first.start, last.end),
                )
                for available, first, last in runs
            ),
        ]
    )


@participant(answer=True)
async def open_grid(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    svc = services(context)
    shown = await svc.run(grids, person.participant.id, svc.clock())
    language = person.language
    if shown.closed is not None:  # one message, nothing to press but the way back
        days = [_closed_day(language, grid) for grid in shown.days]
        back = keyboard([button(language, "common.back", Menu())])
        await show(update, "\n\n".join([t(language, "availability.intro_closed"), *days]), back)
        return
    await show(update, t(language, "availability.intro"))
    for grid in shown.days:
        text, markup = render_day(language, grid, shown.closed)
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
    svc = services(context)
    pid, now, day = person.participant.id, svc.clock(), pressed.day
    match pressed:
        case AvailabilityPress(slot=slot):
            shown = await svc.run(press_slot, pid, day, slot, now)
        case AvailabilityDay(switch=switch):
            shown = await svc.run(switch_day, pid, day, switch == "on", now)
    [grid] = shown.days
    if shown.closed is None:
        await answer_press(update.callback_query)
    else:
        await refuse(update, error_text(person.language, shown.closed))
        if not _has_toggles(update):  # the closed screen already: the alert says it all
            return
    await show(update, *render_day(person.language, grid, shown.closed))


def _has_toggles(update: Update) -> bool:
    """Whether the pressed message is a day with its toggles (sent before the deadline), which
    a press after it turns into the day's times as text."""
    message = update.callback_query.message
    return isinstance(message, Message) and sum(map(len, pressed_keyboard(message))) > 1


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(open_grid, pattern=route("availability")),
        CallbackQueryHandler(press, pattern=route("availability.press")),
    ]


FEATURE = Feature(
    others=handlers,
)
