"""Every personal link of the fair, for the organizer's `invites` file (bot/invites.py): the
participants', the colleagues' nobody opened yet and the interpreters'."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from store.colleagues import unopened
from store.models import Colleague, Interpreter, Participant
from store.participants import everyone


@dataclass(frozen=True)
class Invitations:
    participants: list[Participant]
    # Colleagues' links nobody opened yet, with their company: to send again when a colleague
    # lost theirs.
    colleagues: list[tuple[Participant, Colleague]]
    interpreters: list[Interpreter]


def invitations(session: Session) -> Invitations:
    """The links to send: a withdrawn participant's would be refused, so it is left out (as
    `unopened` leaves out its colleagues')."""
    helpers = session.exec(select(Interpreter).order_by(Interpreter.code)).all()
    taking_part = [participant for participant in everyone(session) if participant.active]
    return Invitations(taking_part, unopened(session), list(helpers))
