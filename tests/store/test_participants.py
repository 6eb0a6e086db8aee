import pytest
from sqlmodel import select

import builders
from store.db import session_scope
from store.errors import InvalidValue, InviteUsed, NotFound
from store.importer import import_participants
from store.models import Participant
from store.participants import by_telegram_id, join, set_language, update_field
from store.profile import profile, save_field
from views.vocabulary import vocabulary


@pytest.fixture
def invited(engine):
    with session_scope(engine) as session:
        builders.event(session)
        first = builders.participant(session, "B1")
        second = builders.participant(session, "S1")
        return first.invite_token, second.invite_token


def test_an_invite_binds_the_account_once(engine, invited):
    token, other = invited
    with session_scope(engine) as session:
        joined = join(session, token, 111, "en-US")
        assert joined.code == "B1"
        assert join(session, token, 111, "ko").code == "B1"
    with session_scope(engine) as session:
        assert by_telegram_id(session, 111).code == "B1"
    with session_scope(engine) as session, pytest.raises(InviteUsed):
        join(session, token, 222, "ko")
    with session_scope(engine) as session, pytest.raises(InviteUsed):
        join(session, other, 111, "ko")


@pytest.mark.parametrize("token", ["nope", "x" * 20])
def test_malformed_and_unknown_invites_are_refused(engine, invited, token):
    with session_scope(engine) as session, pytest.raises(NotFound):
        join(session, token, 111, "ko")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("email", "not-an-email", "malformed"),
        ("company", "  ", "required"),
        ("products", "가" * 1001, "too_long"),
        ("description", "가" * 5000, "too_long"),
        ("website", "no spaces allowed.com x", "malformed"),
        ("phone", "call me", "malformed"),
        ("telegram_id", "5", "unknown_field"),
        ("country", "Atlantis", "unknown_country"),  # kept as written by an import, not here
        ("industry", "정원 가꾸기", "unknown_industry"),
    ],
)
def test_invalid_profile_values_change_nothing(engine, invited, field, value, reason):
    with session_scope(engine) as session:
        person = join(session, invited[0], 5, None)
    with session_scope(engine) as session, pytest.raises(InvalidValue) as error:
        update_field(session, person.id, field, value, vocabulary())
    assert error.value.values["reason"] == reason
    if field == "description":  # the limit the refusal names
        assert error.value.values["limit"] == 2000
    with session_scope(engine) as session:
        assert session.get(Participant, person.id).model_dump() == person.model_dump()


def test_valid_profile_values_are_stored_trimmed(engine, invited):
    with session_scope(engine) as session:
        person = join(session, invited[0], 5, None)
        update_field(session, person.id, "email", " kim@example.kr ", vocabulary())
        update_field(session, person.id, "company", "한빛 코스메틱 🌸", vocabulary())
        set_language(session, person.id, "en")
    with session_scope(engine) as session:
        stored = session.get(Participant, person.id)
        assert (stored.email, stored.company, stored.language) == (
            "kim@example.kr",
            "한빛 코스메틱 🌸",
            "en",
        )
        with pytest.raises(InvalidValue):
            set_language(session, person.id, "fr")


def test_a_language_chosen_in_the_bot_outlasts_the_files_language_column(engine, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("id,role,company,country,industry,language\nS1,seller,가나,KR,food,ko\n")
    with session_scope(engine) as session:
        builders.event(session)
        import_participants(session, path, vocabulary())
        person = session.exec(select(Participant)).one()
        assert person.language == "ko"
        set_language(session, person.id, "en")
    with session_scope(engine) as session:
        import_participants(session, path, vocabulary())
        assert session.exec(select(Participant)).one().language == "en"


def test_a_saved_field_comes_back_with_its_section(engine, invited):
    with session_scope(engine) as session:
        person = join(session, invited[0], 5, None)
        saved = save_field(session, person.id, "products", " 김 ", True, vocabulary())
        account = save_field(session, person.id, "email", "kim@example.kr", False, vocabulary())
    assert saved.participant.products == "김" and saved.choices is not None
    assert saved.choices.languages  # a buyer chooses an interpreter's language
    assert account.participant.email == "kim@example.kr" and account.choices is None


def test_before_an_event_participation_info_has_no_choices(engine):
    with session_scope(engine) as session:
        person = builders.participant(session, "B1")
        assert profile(session, person.id, True).choices is None


@pytest.mark.parametrize(
    ("field", "value", "nearest"),
    [
        ("country", "Vietnan", "VN"),
        ("country", "베트냠", "VN"),
        ("industry", "Cosmetic", "cosmetics"),
    ],
)
def test_a_typo_of_a_country_or_industry_is_refused_with_the_nearest_name(
    engine, invited, field, value, nearest
):
    with session_scope(engine) as session:
        person = join(session, invited[0], 5, None)
    with session_scope(engine) as session, pytest.raises(InvalidValue) as error:
        update_field(session, person.id, field, value, vocabulary())
    assert error.value.values["like"] == nearest
