"""The example fair that `python -m bot demo` and `python -m bot screens` play (bot/demo.py,
bot/screens.py): the example event and participants, with what a script changes in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from store.event import EventConfig, setup_event
from store.importer import import_participants
from store.models import Interpreter
from store.participants import everyone, new_invite_token
from store.vocabulary import Vocabulary


@dataclass(frozen=True)
class Script:
    """What a script changes in the example participants, and the interpreters it adds."""

    language: str | None = None  # everyone's, if given
    daily_caps: Mapping[str, int] = field(default_factory=dict)  # by participant code
    interpreter_languages: Mapping[str, str] = field(default_factory=dict)  # by code
    interpreters: Mapping[str, str] = field(default_factory=dict)  # code: name
    interpreters_speak: str = ""


def example_fair(
    session: Session,
    config: EventConfig,
    participants: Path,
    vocabulary: Vocabulary,
    script: Script = Script(),
) -> dict[str, str]:
    """The fair set up; each participant's and interpreter's code with its invite token."""
    setup_event(session, config)
    import_participants(session, participants, vocabulary)
    people = everyone(session)
    for person in people:
        person.language = script.language or person.language
        person.daily_cap = script.daily_caps.get(person.code, person.daily_cap)
        wanted = script.interpreter_languages.get(person.code)
        person.interpreter_language = wanted or person.interpreter_language
    speak = script.interpreters_speak
    interpreters = [
        Interpreter(code=code, name=name, languages=speak, invite_token=new_invite_token())
        for code, name in script.interpreters.items()
    ]
    session.add_all(interpreters)
    return {person.code: person.invite_token for person in [*people, *interpreters]}
