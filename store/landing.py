"""What /start, /menu and the language menu open, read in one transaction each
(handlers/menu.py): My page for a participant, the organizer's home for an admin who takes no
part, an interpreter's schedule, or a stranger's "apply"; `/start TOKEN` joins by the invite
link first (an interpreter's, a colleague's or a participant's; after /announce, queueing the
company's timetable for them), choosing a language sets it first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from store.announce import queue_for_newcomer
from store.colleagues import Account, Joined, account_of, join_colleague, set_colleague_language
from store.event import event_if_any
from store.interpreter_screen import Home, home
from store.interpreters import by_telegram_id, join_interpreter
from store.models import Event, Interpreter
from store.participants import join, set_language
from store.readers import MAIN_CONTACT
from store.reports import AdminOverview, admin_overview


@dataclass(frozen=True)
class Landing:
    """The screen: the event (None: none set up yet); an admin who takes no part gets the
    organizer's home (`overview`), an interpreter their schedule (`home`)."""

    event: Event | None
    overview: AdminOverview | None = None
    interpreter: Interpreter | None = None
    home: Home | None = None


def landing(
    session: Session, telegram_id: int, admin: bool, taking_part: bool, withdrawn: bool = False
) -> Landing:
    """`taking_part`: the account acts for a participant still in the fair; `withdrawn`, for
    one the organizers withdrew."""
    if admin and not taking_part:
        return Landing(None, overview=admin_overview(session))
    event = event_if_any(session)
    if event is None or taking_part or withdrawn:
        return Landing(event)
    interpreter = by_telegram_id(session, telegram_id)
    if interpreter is None or interpreter.id is None:
        return Landing(event)
    return Landing(event, interpreter=interpreter, home=home(session, interpreter.id))


def _landing_of(session: Session, telegram_id: int, admin: bool) -> tuple[Account, Landing]:
    """Whom the account acts for now, and its screen."""
    account = account_of(session, telegram_id)
    company = account.participant
    taking_part = company is not None and company.active
    withdrawn = company is not None and not company.active
    return account, landing(session, telegram_id, admin, taking_part, withdrawn)


@dataclass(frozen=True)
class Arrived:
    """Whom the account acts for now, and the screen it lands on; after a link, the
    interpreter or the colleague it joined, if it was theirs."""

    account: Account
    landing: Landing
    interpreter: Interpreter | None = None
    colleague: Joined | None = None
    # The announcement round that now has a delivery of the company's timetable for them (a
    # main contact or colleague who opened the bot after it), for the caller to start sending.
    announced: int | None = None


def join_by_link(
    session: Session,
    token: str,
    telegram_id: int,
    name: str,
    telegram_language: str | None,
    language: str,
    now: datetime,
    admin: bool,
) -> Arrived:
    """`/start TOKEN`: an interpreter's link (their schedule, `home`), else a colleague's, else
    a participant's; refused (a `StoreError`) changing nothing."""
    interpreter = join_interpreter(session, token, telegram_id, language)
    if interpreter is not None and interpreter.id is not None:
        screen = Landing(None, interpreter=interpreter, home=home(session, interpreter.id))
        return Arrived(Account(None), screen, interpreter)
    colleague = join_colleague(session, token, telegram_id, name, telegram_language, now)
    if colleague is not None:
        announced = colleague.announced
    else:
        participant = join(session, token, telegram_id, telegram_language)
        assert participant.id is not None
        announced = queue_for_newcomer(session, participant.id, MAIN_CONTACT)
    account, screen = _landing_of(session, telegram_id, admin)
    return Arrived(account, screen, colleague=colleague, announced=announced)


def switch_language(session: Session, telegram_id: int, language: str, admin: bool) -> Arrived:
    """The language chosen: a colleague's own, else the participant's (a stranger's lives in
    their per-user state only); then their menu."""
    found = account_of(session, telegram_id)
    if found.colleague is not None and found.colleague.id is not None:
        set_colleague_language(session, found.colleague.id, language)
    elif found.participant is not None and found.participant.active:
        set_language(session, found.participant.id, language)
    session.flush()  # the account is read again with core statements
    return Arrived(*_landing_of(session, telegram_id, admin))
