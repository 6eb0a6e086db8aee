"""Joining without an invite: a company applies, an admin approves or rejects."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sqlmodel import Session, col, select, update

from store import audit
from store.colleagues import account_of
from store.errors import AlreadyApplied, InvalidValue, NotFound, RequestChanged
from store.fields import clean
from store.models import ApplicationStatus, JoinApplication, Participant, Role
from store.notices import Draft, Queued, queued
from store.participants import LANGUAGES, new_invite_token, recognised
from store.vocabulary import Vocabulary

# The questions, in the order the bot asks them: a Korean company gives its Korean name and
# may skip the English one; a buyer's English name is its main one, a Korean name optional.
# A Korean company is not asked its country: it is Korea (KR).
_REST = ("industry", "products", "contact_name", "email")
QUESTIONS = {
    Role.seller: ("company", "company_en", *_REST),
    Role.buyer: ("company_en", "company", "country", *_REST),
}
OPTIONAL = {Role.seller: {"company_en", "products"}, Role.buyer: {"company", "products"}}


def check_answer(role: Role, field: str, value: str, vocabulary: Vocabulary) -> str:
    """One answer, cleaned (kept as typed: the approval stores codes); the application form
    requires more than a profile does, a lone dash (the form's "none") skips an optional
    answer, and a country or industry must be one `vocabulary` knows, as in a profile edit."""
    cleaned = clean(field, value)
    optional = field in OPTIONAL[role]
    if optional and cleaned == "-":
        return ""
    if not optional and not cleaned:
        raise InvalidValue(field=field, reason="required")
    recognised(vocabulary, field, cleaned)
    return cleaned


def submit(
    session: Session,
    telegram_id: int,
    language: str,
    role: Role,
    answers: Mapping[str, str],
    vocabulary: Vocabulary,
) -> JoinApplication:
    if account_of(session, telegram_id).participant is not None:
        raise AlreadyApplied()
    waiting = session.exec(
        select(JoinApplication).where(
            JoinApplication.telegram_id == telegram_id,
            JoinApplication.status == ApplicationStatus.pending,
        )
    ).first()
    if waiting is not None:
        raise AlreadyApplied()
    fields = {
        field: check_answer(role, field, answers.get(field, ""), vocabulary)
        for field in QUESTIONS[role]
    }
    fields.setdefault("country", "KR")
    application = JoinApplication(
        telegram_id=telegram_id,
        language=language if language in LANGUAGES else "ko",
        role=Role(role),
        **fields,
    )
    session.add(application)
    session.flush()
    return application


Approved = Callable[[JoinApplication], Draft]
"""The applicant's notice of the approval, rendered by the caller from the approved
application (its participant made): queued with the approval, so neither goes without the
other. A rejected applicant is no participant: the caller tells them directly."""


def decide(
    session: Session,
    application_id: int,
    admin_id: int,
    approve: bool,
    vocabulary: Vocabulary,
    told: Approved | None = None,
) -> tuple[JoinApplication, Queued]:
    """Approves (creating the participant, bound to the applicant, its country and industry
    as `vocabulary` reads them, and queuing the notice `told` renders) or rejects, once."""
    application = session.get(JoinApplication, application_id)
    if application is None:
        raise NotFound(what="application")
    outcome = ApplicationStatus.approved if approve else ApplicationStatus.rejected
    changed = session.execute(
        update(JoinApplication)
        .where(
            col(JoinApplication.id) == application_id,
            col(JoinApplication.status) == ApplicationStatus.pending,
        )
        .values(status=outcome, decided_by=admin_id)
    )
    session.refresh(application)
    if changed.rowcount != 1:
        raise RequestChanged(status=application.status)
    if approve:
        if account_of(session, application.telegram_id).participant is not None:
            raise AlreadyApplied()
        prefix = "B" if application.role == Role.buyer else "S"
        participant = Participant(
            code=f"{prefix}-A{application.id:04}",
            role=application.role,
            company=application.company,
            company_en=application.company_en,
            country=vocabulary.canonical("country", application.country),
            industry=vocabulary.canonical("industry", application.industry),
            products=application.products,
            contact_name=application.contact_name,
            email=application.email,
            telegram_id=application.telegram_id,
            language=application.language,
            invite_token=new_invite_token(),
        )
        session.add(participant)
        session.flush()
        application.participant_id = participant.id
        session.add(application)
    audit.record(session, admin_id, "application." + outcome.value, application=application.id)
    session.flush()
    return application, queued(session, [told(application)] if approve and told else [])
