"""My schedule (the manual's 주선 결과 확인): the announced timetable as text, picture and
calendar file, each meeting's counterpart, and why some requests did not become meetings.

Before the organizers announce the schedule, the menu only says when it will come."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import PARTICIPANTS, Command, Feature
from handlers.guard import participant
from handlers.meeting_day import cancel_button
from handlers.routes import Menu, ScheduleMeeting, ScheduleMore, ScheduleOpen, route
from handlers.services import Who, services
from handlers.ui import answer_press, button, keyboard, refuse, show
from handlers.wording import escape
from locales import moment, t
from store.event import applications_closed
from store.models import Event, Phase
from store.timetable import Timetable, schedule_screen
from views.timetable_render import (
    calendar_document,
    counterpart_card,
    timetable_markup,
    timetable_messages,
    timetable_png,
    unscheduled_messages,
)

Pressed = ScheduleOpen | ScheduleMore | ScheduleMeeting


def _not_announced(event: Event, person: Who, now_open: bool) -> str:
    deadline = moment(event.deadline, person.language, event.timezone)
    key = "schedule.not_yet_open" if now_open else "schedule.not_yet_closed"
    return t(person.language, key, deadline=deadline)


async def _pages(update: Update, pages: Sequence[str], markup: InlineKeyboardMarkup) -> None:
    """The first page in place of the pressed menu, the rest below it; buttons on the last."""
    for number, page in enumerate(pages):
        last = number == len(pages) - 1
        if number == 0:
            await show(update, page, markup if last else None)
        else:
            await update.effective_chat.send_message(
                page, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
            )


async def _send_image(update: Update, table: Timetable, language: str) -> None:
    png = await asyncio.to_thread(timetable_png, table, language)
    caption = t(language, "schedule.image_caption", event=escape(table.event_title(language)))
    await update.effective_chat.send_photo(png, caption=caption, parse_mode=ParseMode.HTML)


async def _send_calendar(update: Update, table: Timetable, language: str) -> None:
    document = await asyncio.to_thread(calendar_document, table, language)
    await update.effective_chat.send_document(**document)


async def _open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: Pressed
) -> str | None:
    """Shows what `pressed` asks for; returns a refusal instead, if any."""
    svc = services(context)
    language = person.language
    why = pressed == ScheduleMore("why")
    screen = await svc.run(schedule_screen, person.participant.id, why, svc.clock())
    event = screen.event
    if event.phase != Phase.announced:
        now_open = not applications_closed(event, svc.clock())
        await show(
            update,
            _not_announced(event, person, now_open),
            keyboard([button(language, "common.back", Menu())]),
        )
        return None
    back = keyboard([button(language, "schedule.back_button", ScheduleOpen())])
    if screen.unscheduled is not None:
        reasons = unscheduled_messages(screen.unscheduled, language, screen.standby)
        await _pages(update, reasons, back)
        return None
    table = screen.table
    assert table is not None  # announced, and not `why`
    if pressed == ScheduleMore("img"):
        await _send_image(update, table, language)
    elif pressed == ScheduleMore("ics"):
        if not table.meetings:
            return t(language, "schedule.calendar_empty")
        await _send_calendar(update, table, language)
    elif isinstance(pressed, ScheduleMeeting):
        entry = table.meeting(pressed.meeting)
        if entry is None:
            return t(language, "schedule.meeting_gone")
        rows = [[cancel_button(language, entry.meeting.id)]] if entry.start > svc.clock() else []
        await show(
            update, counterpart_card(entry, language, table), keyboard(*rows, *back.inline_keyboard)
        )
    else:
        await _pages(update, timetable_messages(table, language), timetable_markup(table, language))
    return None


async def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: Pressed
) -> None:
    refusal = await _open(update, context, person, pressed)
    if refusal is not None:
        await refuse(update, refusal)
    elif update.callback_query is not None:
        await answer_press(update.callback_query)


@participant(data=(ScheduleOpen, ScheduleMore, ScheduleMeeting))
async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who, pressed: Pressed
) -> None:
    await _answer(update, context, person, pressed)


@participant()
async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Who) -> None:
    await _answer(update, context, person, ScheduleOpen())


def handlers() -> list[BaseHandler]:
    return [
        CallbackQueryHandler(on_button, pattern=route("schedule")),
    ]


FEATURE = Feature(
    commands=(Command("schedule", on_command, PARTICIPANTS),),
    others=handlers,
)
