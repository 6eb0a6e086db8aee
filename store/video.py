"""Video links of online meetings.

A meeting is online when either side takes part online; it needs no booth, and it gets a link
from the event file, in one of two ways:

- `video_link = "https://meet.jit.si/BoomUpKorea-{room}"`: a room per meeting (Jitsi makes a
  room for any name). The name is an HMAC of the pair with the event's own secret, so it is
  unguessable, stays the same when the meeting moves to another slot, and needs no storing.
- `video_rooms = ["https://…/room1", …]`: the organizer's own consultation rooms (KOTRA's
  regional offices run theirs). The online meetings of a slot take them in the order of their
  pairs' codes; a slot with more online meetings than rooms leaves the rest without a link,
  which the organizers' report names.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, col, select

from store.models import Attendance, Event, Meeting, Participant

ROOM = "{room}"


def new_secret() -> str:
    return secrets.token_hex(16)


def room_name(secret: str, buyer_code: str, seller_code: str) -> str:
    """24 letters and digits (120 bits): nobody finds a meeting's room by trying names."""
    digest = hmac.new(secret.encode(), f"{buyer_code}|{seller_code}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()[:15]).decode().lower()


def rooms_of(event: Event) -> list[str]:
    return [line for line in event.video_rooms.splitlines() if line.strip()]


def has_video(event: Event) -> bool:
    return bool(event.video_link or rooms_of(event))


def is_online(buyer: Participant, seller: Participant) -> bool:
    return Attendance.online in (buyer.attendance, seller.attendance)


def links(
    session: Session,
    meetings: Iterable[Meeting],
    people: dict[int, Participant] | None = None,
) -> dict[int, str]:
    """Meeting id → its video link, for the online ones among `meetings` that have one;
    `people`, the meetings' sides by id when the caller has read them already."""
    wanted = list(meetings)
    if not wanted:
        return {}
    event = session.exec(select(Event)).one()
    if event.video_link:
        people = people or _people(session, wanted)
        return {
            m.id: event.video_link.replace(
                ROOM,
                room_name(event.video_secret, people[m.buyer_id].code, people[m.seller_id].code),
            )
            for m in wanted
            if m.id is not None and is_online(people[m.buyer_id], people[m.seller_id])
        }
    rooms = rooms_of(event)
    if not rooms:
        return {}
    # A room's number depends on the slot's other online meetings: read the whole slots.
    slot_ids = {m.slot_id for m in wanted}
    in_slots = list(session.exec(select(Meeting).where(col(Meeting.slot_id).in_(slot_ids))).all())
    people = _people(session, in_slots)
    by_slot: defaultdict[int, list[Meeting]] = defaultdict(list)
    for m in in_slots:
        if is_online(people[m.buyer_id], people[m.seller_id]):
            by_slot[m.slot_id].append(m)
    found = {}
    for online in by_slot.values():
        online.sort(key=lambda m: (people[m.buyer_id].code, people[m.seller_id].code))
        for room, m in zip(rooms, online, strict=False):
            found[m.id] = room
    asked = {m.id for m in wanted}
    return {meeting: link for meeting, link in found.items() if meeting in asked}


def _people(session: Session, meetings: list[Meeting]) -> dict[int, Participant]:
    ids = {m.buyer_id for m in meetings} | {m.seller_id for m in meetings}
    return {
        p.id: p for p in session.exec(select(Participant).where(col(Participant.id).in_(ids))).all()
    }
