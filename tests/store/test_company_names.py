"""Company and event names in the reader's language, falling back to the other."""

import pytest

import builders
from store.db import session_scope
from store.errors import InvalidValue
from store.models import Event, Participant, Role
from store.names import company_name, event_name
from store.participants import update_field
from views.vocabulary import vocabulary


@pytest.mark.parametrize(
    ("korean", "english", "ko", "en"),
    [
        (
            "(주)한빛코스메틱",
            "Hanbit Cosmetic Co., Ltd.",
            "(주)한빛코스메틱",
            "Hanbit Cosmetic Co., Ltd.",
        ),
        ("(주)한빛코스메틱", "", "(주)한빛코스메틱", "(주)한빛코스메틱"),
        ("", "Acme Trading", "Acme Trading", "Acme Trading"),
    ],
)
def test_each_reader_sees_their_language_and_else_the_other(korean, english, ko, en):
    company = Participant(code="S1", role=Role.seller, company=korean, company_en=english)
    assert (company_name(company, "ko"), company_name(company, "en")) == (ko, en)
    event = Event(name=korean, name_en=english, timezone="Asia/Seoul")
    assert (event_name(event, "ko"), event_name(event, "en")) == (ko, en)


def test_a_profile_edit_may_empty_one_name_but_not_both(engine):
    with session_scope(engine) as session:
        company = builders.participant(session, "S1", company="가나화장품")
        update_field(session, company.id, "company_en", "Gana Cosmetics", vocabulary())
        assert company.company_en == "Gana Cosmetics"
        update_field(session, company.id, "company", "   ", vocabulary())
        assert company.company == ""
        with pytest.raises(InvalidValue) as refused:
            update_field(session, company.id, "company_en", "", vocabulary())
        assert refused.value.values["reason"] == "required"
        assert company.company_en == "Gana Cosmetics"
