"""The organizer's workbook (/export, `python -m bot export`): the schedule by slot and
booth (with an online meeting's video link and each meeting's interpreter and language), each
participant's day, every request, the pairs left unscheduled with reasons, and each company's
colleagues (joined, link not opened, revoked), from what store/export.py read. Column titles
come from the catalogs, in the organizer's language."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from locales import country_name, industry_name, language_name, t
from store.export import ExportData
from store.models import Colleague, Participant, Slot
from store.names import company_name
from store.sheets import append_row, fit_columns

if TYPE_CHECKING:  # imported by workbook(): a process that makes none skips openpyxl
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def _sheet(book: Workbook, language: str, name: str, extra: list[str] | None = None) -> Worksheet:
    sheet = book.create_sheet(t(language, f"export.sheet.{name}"))
    append_row(sheet, t(language, f"export.columns.{name}").split("|") + (extra or []))
    sheet.freeze_panes = "A2"
    return sheet


def _identity(language: str, p: Participant) -> list[object]:
    """Who a participant is: the first columns of the participants' and withdrawn sheets."""
    return [
        p.code,
        t(language, f"role.{p.role.value}"),
        p.company,
        p.company_en,
        country_name(language, p.country),
        industry_name(language, p.industry),
    ]


def colleague_state(colleague: Colleague) -> str:
    """Where an invitation stands, as the colleagues sheet words it (`export.colleague.*`)."""
    if colleague.revoked_at is not None:
        return "revoked"
    if colleague.telegram_id is None:
        return "invited"
    return "blocked" if colleague.blocked_bot_at is not None else "joined"


def _colleagues(
    book: Workbook,
    language: str,
    colleagues: list[Colleague],
    people: dict[int, Participant],
    zone: ZoneInfo,
) -> None:
    """Who acts for which company: the invitations still open, so the organizer can chase
    them (their links are in `invites`' file), and the revoked ones, for the record."""
    sheet = _sheet(book, language, "colleagues")

    def local(moment: datetime | None) -> datetime | str:
        return moment.astimezone(zone).replace(tzinfo=None) if moment else ""

    for c in colleagues:
        company = people[c.participant_id]
        append_row(
            sheet,
            [
                company.code,
                company_name(company, language),
                c.seat,
                c.name,
                t(language, f"export.colleague.{colleague_state(c)}"),
                language_name(language, c.language) if c.telegram_id and c.language else "",
                local(c.created_at),
                local(c.joined_at),
                local(c.revoked_at),
            ],
        )


def slot_title(slot: Slot) -> str:
    """A slot's column as organizers read it: its date and start, `12/20 09:00`."""
    return f"{slot.day.month}/{slot.day.day} {slot.start:%H:%M}"


def workbook(data: ExportData, language: str) -> bytes:
    from openpyxl import Workbook

    zone = ZoneInfo(data.timezone)
    grid = data.slots
    slot_by_id = {s.id: s for s in grid}
    people, meetings = data.people, data.meetings
    book = Workbook()
    book.remove(book.active)

    schedule = _sheet(book, language, "schedule", t(language, "export.columns.hybrid").split("|"))
    video, interpreter_of = data.video, data.interpreter_of
    for m in meetings:
        slot, buyer, seller = slot_by_id[m.slot_id], people[m.buyer_id], people[m.seller_id]
        needed = buyer.interpreter_language or seller.interpreter_language
        interpreter = interpreter_of.get((m.buyer_id, m.seller_id))
        if interpreter is not None:
            interpreting = f"{interpreter.code} {interpreter.name}"
        else:
            interpreting = t(language, "export.no_interpreter") if needed else ""
        append_row(
            schedule,
            [
                slot.code,
                slot.day,
                f"{slot.start:%H:%M}",
                f"{slot.end:%H:%M}",
                m.booth or "",
                buyer.code,
                company_name(buyer, language),
                seller.code,
                company_name(seller, language),
                t(language, f"admin.tier.{m.tier.value}"),
                m.id,
                video.get(m.id, ""),
                interpreting,
                language_name(language, needed) if needed else "",
            ],
        )

    per_slot: dict[int, dict[int, str]] = {}
    for m in meetings:
        for me, other in ((m.buyer_id, m.seller_id), (m.seller_id, m.buyer_id)):
            per_slot.setdefault(me, {})[m.slot_id] = (
                f"{people[other].code} {company_name(people[other], language)}"
            )
    roster = _sheet(book, language, "participants", [slot_title(s) for s in grid])
    for p in (p for p in people.values() if p.active):
        mine = per_slot.get(p.id, {})
        append_row(
            roster,
            [
                *_identity(language, p),
                p.booth or "",
                p.contact_name,
                p.contact_title,
                p.email,
                p.phone,
                t(
                    language,
                    "export.bot_opened" if p.telegram_id is not None else "export.bot_not_opened",
                ),
                len(mine),
            ]
            + [mine.get(s.id, "") for s in grid],
        )

    requests = _sheet(book, language, "requests")
    for r in data.requests:
        sender, target = people[r.from_id], people[r.to_id]
        append_row(
            requests,
            [
                r.id,
                sender.code,
                company_name(sender, language),
                target.code,
                company_name(target, language),
                t(language, f"status.{r.status.value}"),
                r.rank,
                r.sent_at.astimezone(zone).replace(tzinfo=None),
                r.note,
            ],
        )

    unscheduled = _sheet(book, language, "unscheduled")
    for u in data.unscheduled:
        buyer, seller = people[u.buyer_id], people[u.seller_id]
        append_row(
            unscheduled,
            [
                buyer.code,
                company_name(buyer, language),
                seller.code,
                company_name(seller, language),
                t(language, f"admin.tier.{u.tier.value}"),
                t(language, f"admin.reason.{u.reason}"),
            ],
        )
    # The withdrawn, on a sheet of their own (when there are any): out of the lists, not out
    # of the record.
    gone = [p for p in people.values() if not p.active]
    sheet = _sheet(book, language, "withdrawn") if gone else None
    for p in gone:
        withdrawn_at = (
            p.withdrawn_at.astimezone(zone).replace(tzinfo=None) if p.withdrawn_at else ""
        )
        append_row(
            sheet,
            [
                *_identity(language, p),
                withdrawn_at,
                p.withdrawn_reason,
            ],
        )
    if data.colleagues:
        _colleagues(book, language, data.colleagues, people, zone)
    for sheet in book.worksheets:
        fit_columns(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
