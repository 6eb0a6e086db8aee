"""Countries and industries are stored as codes and slugs, whatever name people type, so the
filters group them and each reader sees them in their own language."""

from sqlmodel import select

import builders
from store.applications import decide, submit
from store.db import session_scope
from store.importer import import_participants
from store.models import Participant, Role
from store.participants import update_field
from views.vocabulary import vocabulary


def test_an_import_with_korean_names_stores_codes_and_slugs(engine, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        "id,role,company,country,industry\n"
        "B1,buyer,Acme,미국,Cosmetics\n"
        "S1,seller,한빛식품,대한민국,식품\n"
        "S2,seller,Space Co,KR,aerospace\n",
        encoding="utf-8",
    )
    with session_scope(engine) as session:
        builders.event(session)
        import_participants(session, path, vocabulary())
    with session_scope(engine) as session:
        stored = {p.code: (p.country, p.industry) for p in session.exec(select(Participant))}
    assert stored == {"B1": ("US", "cosmetics"), "S1": ("KR", "food"), "S2": ("KR", "aerospace")}


def test_an_approved_application_and_a_profile_edit_store_codes_and_slugs(engine):
    answers = {"company": "새봄푸드", "country": "한국", "industry": "식품"}
    answers |= {"contact_name": "이서준", "email": "sj@saebom.kr", "products": "-"}
    with session_scope(engine) as session:
        builders.event(session)
        application = submit(session, 3001, "ko", Role.seller, answers, vocabulary())
        # as typed; a Korean company is not asked its country
        assert (application.country, application.industry) == ("KR", "식품")
        decide(session, application.id, 777, approve=True, vocabulary=vocabulary())
    with session_scope(engine) as session:
        joined = session.exec(select(Participant).where(Participant.telegram_id == 3001)).one()
        assert (joined.country, joined.industry) == ("KR", "food")
        update_field(session, joined.id, "industry", "Cosmetics", vocabulary())
        update_field(session, joined.id, "country", "Vietnam", vocabulary())
    with session_scope(engine) as session:
        joined = session.exec(select(Participant).where(Participant.telegram_id == 3001)).one()
        assert (joined.country, joined.industry) == ("VN", "cosmetics")
