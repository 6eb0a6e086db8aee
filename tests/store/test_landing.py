"""What /start, /menu and the language menu open, one store call each (store/landing.py):
whom the account acts for afterwards and the screen it lands on."""

import pytest
from sqlmodel import select

import builders
from builders import NOW
from store.colleagues import invite
from store.db import session_scope
from store.errors import NotFound
from store.landing import join_by_link, landing, switch_language
from store.models import Colleague, Interpreter, Participant
from store.participants import new_invite_token
from store.withdrawal import withdraw

MAIN, KIM, INTERPRETER, STRANGER = 1001, 5001, 7001, 4242


@pytest.fixture
def fair(engine) -> dict[str, str]:
    """S1 joined by MAIN; B1's link not opened; an invitation for S1's colleague and an
    interpreter's link, neither opened. Returns the tokens."""
    with session_scope(engine) as session:
        builders.event(session)
        s1 = builders.participant(session, "S1", telegram_id=MAIN, language="ko")
        b1 = builders.participant(session, "B1")
        person = Interpreter(code="I1", name="I1", languages="ja", invite_token=new_invite_token())
        session.add(person)
        session.flush()
        return {
            "B1": b1.invite_token,
            "colleague": invite(session, s1.id, MAIN, NOW).invite_token,
            "interpreter": person.invite_token,
        }


def _join(engine, token: str, telegram_id: int, admin: bool = False):
    with session_scope(engine) as session:
        return join_by_link(session, token, telegram_id, "Kim", "en", "en", NOW, admin)


def test_each_kind_of_link_joins_and_lands_on_its_screen(engine, fair):
    joined = _join(engine, fair["B1"], 3001)
    assert joined.account.participant.code == "B1" and joined.colleague is None
    assert joined.landing.event.name == "Boom Up Korea 2024" and joined.landing.home is None
    colleague = _join(engine, fair["colleague"], KIM)
    assert colleague.account.participant.code == "S1" and colleague.account.colleague is not None
    assert colleague.colleague is not None and not colleague.colleague.again
    interpreter = _join(engine, fair["interpreter"], 7001)
    assert interpreter.interpreter.telegram_id == 7001 and interpreter.account.participant is None
    assert interpreter.landing.home is not None and interpreter.landing.home.plan.jobs == ()


def test_a_refused_link_changes_nothing(engine, fair):
    with pytest.raises(NotFound):
        _join(engine, "no-such-link-at-all-x", STRANGER)
    with session_scope(engine) as session:
        accounts = [
            *session.exec(select(Participant.telegram_id)).all(),
            *session.exec(select(Colleague.telegram_id)).all(),
            *session.exec(select(Interpreter.telegram_id)).all(),
        ]
    assert sorted(a for a in accounts if a) == [MAIN]


def _landing(engine, telegram_id: int, admin: bool, taking_part: bool, withdrawn: bool = False):
    with session_scope(engine) as session:
        return landing(session, telegram_id, admin, taking_part, withdrawn)


def test_each_account_lands_on_its_own_screen(engine, fair):
    _join(engine, fair["interpreter"], INTERPRETER)
    organizer = _landing(engine, builders.ADMIN, True, False)
    assert organizer.event is None and organizer.overview.participants == 2
    assert organizer.overview.joined == 1
    assert _landing(engine, MAIN, False, True).event is not None
    assert _landing(engine, STRANGER, False, False).home is None  # "apply"
    assert _landing(engine, INTERPRETER, False, False).home is not None
    assert _landing(engine, INTERPRETER, False, False, withdrawn=True).home is None


def test_a_language_is_the_colleagues_own_or_the_companys(engine, fair):
    _join(engine, fair["colleague"], KIM)
    with session_scope(engine) as session:
        assert switch_language(session, KIM, "ko", False).account.colleague.language == "ko"
        theirs = switch_language(session, KIM, "en", False)
    assert theirs.account.colleague.language == "en" and theirs.account.participant.language == "ko"
    with session_scope(engine) as session:
        company = switch_language(session, MAIN, "en", False)
        stranger = switch_language(session, STRANGER, "en", False)
    assert company.account.participant.language == "en"
    assert company.account.participant.language_chosen
    assert stranger.account.participant is None and stranger.landing.event is not None
    with session_scope(engine) as session:
        withdraw(session, builders.ADMIN, "S1", "left", NOW)
    with session_scope(engine) as session:
        gone = switch_language(session, MAIN, "ko", False)
    assert gone.account.participant.language == "en"  # withdrawn: not changed
