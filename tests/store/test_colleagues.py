"""Colleagues in the store: invitations up to three, joining by the link and each refusal,
revoking, whom an account acts for, and the audit of each change."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlmodel import select

import builders
from store.colleagues import (
    account_of,
    colleagues,
    invitation,
    invite,
    join_colleague,
    revoke,
    revoking,
    set_colleague_language,
)
from store.db import session_scope
from store.errors import (
    AccountTaken,
    ColleagueLimit,
    ColleagueLinkUsed,
    ColleagueRevoked,
    InvalidValue,
    InviteUsed,
    NotFound,
    Withdrawn,
)
from store.models import AuditLog, Colleague, Interpreter, Notice, NoticeKind
from store.notices import Draft
from store.participants import join, new_invite_token
from store.withdrawal import withdraw

ROOT = Path(__file__).parents[2]
NOW = builders.NOW
MAIN, KIM, LEE = 1001, 5001, 5002


@pytest.fixture
def company(engine) -> int:
    """S1 (Korean company, joined by MAIN) and B1, a buyer."""
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "B1", telegram_id=2001)
        return builders.participant(session, "S1", telegram_id=MAIN, language="ko").id


def _invite(engine, company: int) -> Colleague:
    with session_scope(engine) as session:
        return invite(session, company, MAIN, NOW)


def _join(engine, token: str, telegram_id: int, name: str = "Kim", language: str = "en"):
    with session_scope(engine) as session:
        return join_colleague(session, token, telegram_id, name, language, NOW)


def _audit(engine) -> list[tuple[str, dict]]:
    with session_scope(engine) as session:
        rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
        return [(row.action, json.loads(row.detail)) for row in rows]


def test_a_colleague_joins_by_their_link_and_acts_for_the_company(engine, company):
    made = _invite(engine, company)
    joined = _join(engine, made.invite_token, KIM, "Kim \x1b[31mMinsu\u200b", "en-US")
    assert joined.participant.code == "S1" and not joined.again
    assert joined.colleague.name == "Kim Minsu"  # typed text cleaned like any other
    assert joined.colleague.language == "en"  # their own, not the company's Korean
    with session_scope(engine) as session:
        acting = account_of(session, KIM)
        assert acting.participant.code == "S1" and acting.colleague.id == made.id
        assert account_of(session, MAIN).colleague is None
        assert account_of(session, 999).participant is None
        set_colleague_language(session, made.id, "ko")
        assert session.get(Colleague, made.id).language == "ko"
        with pytest.raises(InvalidValue):
            set_colleague_language(session, made.id, "fr")
    assert _audit(engine) == [("colleague_invited", {"participant": "S1", "colleague": made.id})]


def test_opening_the_link_twice_changes_nothing(engine, company):
    made = _invite(engine, company)
    _join(engine, made.invite_token, KIM, "Kim")
    again = _join(engine, made.invite_token, KIM, "Someone else", "ko")
    assert again.again and again.colleague.name == "Kim" and again.colleague.language == "en"


@pytest.mark.parametrize(
    ("prepare", "refusal"),
    [
        ("other_account", ColleagueLinkUsed),
        ("revoked", ColleagueRevoked),
        ("withdrawn", Withdrawn),
        ("account_is_a_participant", AccountTaken),
        ("account_is_an_interpreter", AccountTaken),
        ("account_is_another_colleague", AccountTaken),
    ],
)
def test_a_link_is_refused_and_nothing_changes(engine, company, prepare, refusal):
    made = _invite(engine, company)
    joiner = LEE
    if prepare == "other_account":
        _join(engine, made.invite_token, KIM)
    with session_scope(engine) as session:
        if prepare == "revoked":
            revoke(session, company, made.id, MAIN, NOW)
        elif prepare == "withdrawn":
            withdraw(session, builders.ADMIN, "S1", "left", NOW)
        elif prepare == "account_is_a_participant":
            joiner = 2001  # B1's main contact
        elif prepare == "account_is_an_interpreter":
            session.add(
                Interpreter(
                    code="I1",
                    name="Park",
                    languages="ja",
                    invite_token=new_invite_token(),
                    telegram_id=LEE,
                )
            )
        else:
            other = builders.participant(session, "S2", telegram_id=1002)
            theirs = invite(session, other.id, 1002, NOW)
            join_colleague(session, theirs.invite_token, LEE, "Lee", "ko", NOW)
    with session_scope(engine) as session:
        before = session.get(Colleague, made.id).model_dump()
    with pytest.raises(refusal):
        _join(engine, made.invite_token, joiner)
    with session_scope(engine) as session:
        assert session.get(Colleague, made.id).model_dump() == before


def test_tokens_of_others_and_forged_ones(engine, company):
    assert _join(engine, "no-such-colleague-token", KIM) is None  # maybe a participant's link
    with pytest.raises(NotFound):  # a forged one: no link's, as an unknown one would be
        _join(engine, "bad token!", KIM)


def test_a_colleague_cannot_take_a_participants_link(engine, company):
    made = _invite(engine, company)
    _join(engine, made.invite_token, KIM)
    with session_scope(engine) as session:
        unjoined = builders.participant(session, "S3").invite_token
        joined_one = builders.participant(session, "S4", telegram_id=1004).invite_token
    with session_scope(engine) as session, pytest.raises(AccountTaken):
        join(session, unjoined, KIM, "ko")
    with session_scope(engine) as session, pytest.raises(InviteUsed):
        join(session, joined_one, KIM, "ko")


def test_three_colleagues_at_most_and_a_revoked_seat_is_free_again(engine, company):
    made = [_invite(engine, company) for _ in range(3)]
    assert sorted(c.seat for c in made) == [1, 2, 3]
    with pytest.raises(ColleagueLimit) as refused:
        _invite(engine, company)
    assert refused.value.values == {"count": 3}
    with session_scope(engine) as session:
        revoke(session, company, made[1].id, MAIN, NOW)
    again = _invite(engine, company)
    assert again.seat == 2 and again.invite_token not in {c.invite_token for c in made}
    with session_scope(engine) as session:
        assert [c.id for c in colleagues(session, company)] == [made[0].id, made[2].id, again.id]


def test_two_invitations_at_the_same_moment_never_make_a_fourth(engine, company):
    for _ in range(2):
        _invite(engine, company)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def one() -> None:
        barrier.wait()
        try:
            _invite(engine, company)
            outcomes.append("invited")
        except ColleagueLimit:
            outcomes.append("refused")
        except Exception as error:  # a database lock on SQLite: refused as well, not a fourth
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("invited") == 1
    with session_scope(engine) as session:
        assert len(colleagues(session, company)) == 3


def test_revoking_unbinds_the_account_and_is_audited(engine, company):
    made = _invite(engine, company)
    _join(engine, made.invite_token, KIM)
    with session_scope(engine) as session:
        revoke(session, company, made.id, MAIN, NOW)
        assert account_of(session, KIM).participant is None
        with pytest.raises(ColleagueRevoked):
            revoke(session, company, made.id, MAIN, NOW)
    with session_scope(engine) as session:
        other = builders.participant(session, "S2", telegram_id=1002).id
    with session_scope(engine) as session, pytest.raises(NotFound):
        revoke(session, other, made.id, 1002, NOW)  # not S2's colleague
    # The revoked account may join another company later.
    with session_scope(engine) as session:
        theirs = invite(session, other, 1002, NOW)
    assert _join(engine, theirs.invite_token, KIM).participant.code == "S2"
    actions = [action for action, _ in _audit(engine)]
    assert actions == ["colleague_invited", "colleague_revoked", "colleague_invited"]


def test_the_screens_invitation_comes_with_the_list_showing_it(engine, company):
    with session_scope(engine) as session:
        made = invitation(session, company, MAIN, NOW)
    assert [c.id for c in made.team.members] == [made.colleague.id]
    assert made.team.timezone == "Asia/Seoul"


def test_the_screens_revoke_asks_then_revokes_a_colleague_still_on_the_list(engine, company):
    made = _invite(engine, company)
    _join(engine, made.invite_token, KIM)

    def press(confirmed: bool, participant: int = company):
        with session_scope(engine) as session:
            told = Draft(
                NoticeKind.colleague, company, f"revoked-{made.id}", "해제", colleague_id=made.id
            )
            notice = told if confirmed else None
            return revoking(session, participant, made.id, MAIN, NOW, notice)

    asked = press(False)
    assert asked.colleague.id == made.id and [c.id for c in asked.team.members] == [made.id]
    with session_scope(engine) as session:
        other = builders.participant(session, "S2", telegram_id=1002).id
        assert account_of(session, KIM).participant.id == company  # asking changed nothing
    assert press(True, other).colleague is None  # not S2's colleague
    done = press(True)
    assert done.colleague.id == made.id and done.team.members == []
    assert press(True).colleague is None and press(False).colleague is None  # gone
    actions = [action for action, _ in _audit(engine)]
    assert actions == ["colleague_invited", "colleague_revoked"]
    with session_scope(engine) as session:  # told once, with the change
        assert [n.colleague_id for n in session.exec(select(Notice)).all()] == [made.id]


def test_a_withdrawn_company_invites_nobody(engine, company):
    with session_scope(engine) as session:
        withdraw(session, builders.ADMIN, "S1", "left", NOW)
    with pytest.raises(Withdrawn):
        _invite(engine, company)


FIRST_WORK_IS_CORE = """
import sys
import sqlalchemy as sa
from store.colleagues import account_on
from store.db import make_engine, upgrade
from store.models import Participant, Role

engine = make_engine(sys.argv[1])
upgrade(engine)
with engine.begin() as connection:
    connection.execute(sa.insert(Participant), [dict(
        code="B1", role=Role.buyer, company="Acme", country="US", industry="food",
        invite_token="t" * 20, telegram_id=77, active=True,
    )])
    print(account_on(connection, 77).participant.active)
"""


@pytest.mark.processes
def test_an_account_read_with_core_statements_in_a_fresh_process(database_url):
    """A bot process's first database work is the per-user state's core statements
    (store/user_state.py): the participant built from its row must work before any session
    query ever ran in that process. Its database is the test's, migrated already, as a
    bot's is at every start but the first (migrating a new file took 0.6 s of its 2 s of CPU)."""
    done = subprocess.run(
        [sys.executable, "-c", FIRST_WORK_IS_CORE, database_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "True"), done.stderr[-2000:]
