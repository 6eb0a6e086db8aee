"""On site or online: an organizer's change of how a participant takes part.

Going online turns every meeting of the participant into an online one (no booth, a video
link: store/video.py), which the event must be able to give; interpreters are assigned again
in the same transaction, since an online meeting needs no interpreter at the booth.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from store.audit import record
from store.errors import NotFound, StoreError
from store.event import get_event
from store.import_columns import header_key
from store.interpreters import reassign
from store.models import Attendance, Meeting, Participant
from store.video import has_video

# How organizers write it, in a sheet's 참가형태 column or after /attendance CODE, as
# `header_key` leaves it (`on-site`, `On site` and `onsite` are one); an empty cell is on site.
ATTENDANCE = {
    "": Attendance.onsite,
    "현장": Attendance.onsite,
    "현장참가": Attendance.onsite,
    "대면": Attendance.onsite,
    "오프라인": Attendance.onsite,
    "onsite": Attendance.onsite,
    "inperson": Attendance.onsite,
    "offline": Attendance.onsite,
    "온라인": Attendance.online,
    "온라인참가": Attendance.online,
    "비대면": Attendance.online,
    "화상": Attendance.online,
    "화상상담": Attendance.online,
    "online": Attendance.online,
    "video": Attendance.online,
    "virtual": Attendance.online,
    "remote": Attendance.online,
}


def parse_attendance(word: str) -> Attendance | None:
    return ATTENDANCE.get(header_key(word))


class VideoNeeded(StoreError):
    """Online participants need the event's video links (video_link or video_rooms)."""

    key = "video_needed"


@dataclass(frozen=True)
class AttendanceSet:
    code: str
    company: str  # both names: the answer names it in the organizer's language
    company_en: str
    attendance: Attendance
    changed: bool
    meetings: int  # meetings that changed between booth and video with it


def set_attendance(
    session: Session, admin_id: int, code: str, attendance: Attendance
) -> AttendanceSet:
    person = session.exec(select(Participant).where(Participant.code == code)).first()
    if person is None:
        raise NotFound(what="participant", code=code)
    if attendance == Attendance.online and not has_video(get_event(session)):
        raise VideoNeeded()
    changed = person.attendance != attendance
    meetings = len(
        session.exec(
            select(Meeting.id).where(
                or_(col(Meeting.buyer_id) == person.id, col(Meeting.seller_id) == person.id)
            )
        ).all()
    )
    if changed:
        person.attendance = attendance
        session.add(person)
        session.flush()
        reassign(session)
        record(session, admin_id, "attendance", code=code, attendance=attendance.value)
    return AttendanceSet(
        person.code, person.company, person.company_en, attendance, changed, meetings
    )
