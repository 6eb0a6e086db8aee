"""The fair day, before each meeting: "✅ I'll be there" / "❌ I can't make it" on the reminder
(and a cancel button on the meeting's card in 📅 My schedule), the reason asked for a
cancellation, and the counterpart told at once in their own language.

A cancelled meeting frees its slot, and the standby refill (handlers/refill_offers.py) offers
it to others at once.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from handlers.feature import Feature
from handlers.guard import participant
from handlers.interpreter_home import job_line, reminder_keyboard
from handlers.refill_offers import send_offer, telling
from handlers.routes import Attendance, AttendanceCause, route
from handlers.services import Services, Who, services
from handlers.ui import answer_press, button, keyboard, link_button, show
from handlers.wording import counted_items, escape
from jobs import notify
from jobs.table import TimedJob
from locales import moment, pick, t, time_left
from store.event import get_event
from store.fairday import DayCounts, MeetingSides, Telling, confirm
from store.interpreters import slot_jobs
from store.models import CancelReason, NoticeKind
from store.names import company_name
from store.notices import Draft
from store.refill import cancel_and_offer
from store.reminders import MeetingReminder, meeting_reminders, meetings_due

REASONS = (CancelReason.cant_attend, CancelReason.not_interested, CancelReason.other)


def attendance_keyboard(
    language: str, meeting_id: int, link: str | None = None
) -> InlineKeyboardMarkup:
    """The reminder's two buttons, under the video meeting's Join button when it has one."""
    return keyboard(
        [link_button(language, "fairday.join_button", link)] if link else [],
        [
            button(language, "fairday.confirm_button", Attendance("ok", meeting_id)),
            button(language, "fairday.cancel_button", Attendance("no", meeting_id)),
        ],
    )


def cancel_button(language: str, meeting_id: int) -> InlineKeyboardButton:
    """For the meeting's card in 📅 My schedule."""
    return button(language, "fairday.cancel_meeting_button", Attendance("no", meeting_id))


def fairday_line(language: str, counts: DayCounts) -> str | None:
    """The /stats line: confirmations and cancellations by reason (None before any)."""
    values = {"confirmed": counts.confirmations, **counts.cancellations}
    items = counted_items(language, "fairday.stats", values)
    return t(language, "fairday.stats", items=items) if items else None


def _reasons(language: str, meeting_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        *(
            [button(language, f"fairday.cause_{r.value}", AttendanceCause(meeting_id, r.value))]
            for r in REASONS
        ),
        [button(language, "fairday.keep_button", Attendance("keep", meeting_id))],
    )


def _when(sides: MeetingSides, language: str) -> dict[str, str]:
    return {
        "company": escape(company_name(sides.other, language)),
        "start": moment(sides.start, language, sides.timezone, reader_zone=sides.me.recipient_zone),
        "booth": escape(sides.booth or t(language, "reminder.no_booth")),
    }


def _telling(svc: Services, what: str, key: str) -> Telling:
    """The counterpart's notice of a confirmation or cancellation (`what`), which the store
    queues with it; once per meeting."""

    def told(sides: MeetingSides) -> Draft | None:
        return notify.drafted(
            sides.other,
            sides.timezone,
            svc.default_language,
            (NoticeKind.fairday, f"{what}-{sides.meeting_id}"),
            key,
            not_after=sides.end,
            company=sides.me,
            start=sides.start,
        )

    return told


@participant(data=(Attendance, AttendanceCause))
async def on_button(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    person: Who,
    pressed: Attendance | AttendanceCause,
) -> None:
    svc = services(context)
    language = person.language
    participant_id = person.participant.id
    now = svc.clock()
    meeting_id = pressed.meeting
    if isinstance(pressed, AttendanceCause):  # a reason chosen: the meeting is given up
        reason = CancelReason(pressed.cause)
        told = _telling(svc, "cancel", "fairday.cancelled_by_other")
        # The counterpart's notice and the freed place's offer, queued with the cancellation.
        done, offered = await svc.run(
            cancel_and_offer, meeting_id, participant_id, reason, now, person.by, told, telling(svc)
        )
        await show(update, t(language, "fairday.cancelled", **_when(done.sides, language)))
        await answer_press(update.callback_query)
        notify.start(context.application)
        await send_offer(context.application, offered)
        return
    action = pressed.answer
    if action == "no":
        await show(update, t(language, "fairday.why"), _reasons(language, meeting_id))
    elif action == "keep":
        await show(update, t(language, "fairday.kept"), attendance_keyboard(language, meeting_id))
    else:
        told = _telling(svc, "confirm", "fairday.confirmed_by_other")
        sides = await svc.run(confirm, meeting_id, participant_id, now, person.by, told)
        await show(
            update,
            t(language, "fairday.confirmed", **_when(sides, language)),
            keyboard([cancel_button(language, meeting_id)]),
        )
        notify.start(context.application)
    await answer_press(update.callback_query)


async def meeting_reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Minutes before a slot, both sides of each meeting in it hear whom they meet, where, and
    so does its interpreter; a reminder not sent by the slot's start is given up."""
    svc = services(context)
    slot_id: int = context.job.data
    event = await svc.run(get_event)
    drafts = []
    for reminder in await svc.run(meeting_reminders, slot_id):
        key = "reminder.meeting"
        if reminder.online:
            key = "reminder.meeting_online" if reminder.link else "reminder.meeting_online_later"

        def render(
            language: str, reminder: MeetingReminder = reminder, key: str = key
        ) -> notify.Rendered:
            booth = reminder.booth or t(language, "reminder.no_booth")
            text = t(
                language,
                key,
                left=time_left(language, timedelta(minutes=event.reminder_minutes)),
                start=moment(
                    reminder.start, language, event.timezone, reader_zone=reminder.recipient.zone
                ),
                company=escape(company_name(reminder.counterpart, language)),
                booth=escape(booth),
            )
            return text, attendance_keyboard(language, reminder.meeting_id, reminder.link)

        language = pick(reminder.recipient.language, svc.default_language)
        drafts.append(
            notify.draft(
                NoticeKind.meeting,
                reminder.recipient.participant_id,
                f"slot-{slot_id}",
                language,
                render,
                reminder.start,
            )
        )
    for person, job in await svc.run(slot_jobs, slot_id):
        language = pick(person.language, svc.default_language)
        left = time_left(language, timedelta(minutes=event.reminder_minutes))
        drafts.append(
            Draft(
                NoticeKind.interpreter,
                job.buyer_id,
                f"slot-{slot_id}-{person.id}",
                t(language, "interp.reminder", left=left, line=job_line(job, language)),
                notify.keyboard_json(reminder_keyboard(job, language)),
                job.start,
                interpreter_id=person.id,
            )
        )
    await notify.queue(context.application, drafts)


def handlers() -> list[BaseHandler]:
    return [CallbackQueryHandler(on_button, pattern=route("attendance"))]


FEATURE = Feature(
    others=handlers,
    jobs=(TimedJob("meeting-reminders", meeting_reminder_job, meetings_due),),
)
