"""The profile screens (handlers/profile.py), one store call each: a section as it is, or as
it is after a field was saved; 참가 정보 with the hybrid fair's choices
(store/profile_choices.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from store.errors import NoEvent, NotFound
from store.models import Participant
from store.participants import update_field
from store.profile_choices import Choices, choices
from store.vocabulary import Vocabulary


@dataclass(frozen=True)
class Profile:
    participant: Participant
    choices: Choices | None  # None: 회원정보, or no event set up yet (nothing to choose)


def profile(session: Session, participant_id: int, with_choices: bool) -> Profile:
    person = session.get(Participant, participant_id)
    if person is None:
        raise NotFound(what="participant")
    if not with_choices:
        return Profile(person, None)
    try:
        return Profile(person, choices(session, participant_id))
    except NoEvent:
        return Profile(person, None)


def save_field(
    session: Session,
    participant_id: int,
    field: str,
    value: str,
    with_choices: bool,
    vocabulary: Vocabulary,
) -> Profile:
    """The typed value saved (refused as `update_field` refuses), and the section after it."""
    update_field(session, participant_id, field, value, vocabulary)
    return profile(session, participant_id, with_choices)
