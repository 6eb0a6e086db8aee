"""Joining without an invite: a company applies, an admin approves or rejects."""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session, col, select, update

from store import audit
from store.errors import AlreadyApplied, InvalidValue, NotFound, RequestChanged
from store.fields import canonical, clean
from store.models import ApplicationStatus, JoinApplication, Participant, Role
from store.participants import LANGUAGES, by_telegram_id, new_invite_token

# The questions, in the order the bot asks them.
QUESTIONS = ("company", "country", "industry", "products", "contact_name", "email")
REQUIRED = {"company", "country", "industry", "contact_name", "email"}


def questions(role: Role) -> tuple[str, ...]:
    """The questions asked of one side: a Korean company is not asked its country (KR)."""
    return QUESTIONS if role == Role.buyer else tuple(f for f in QUESTIONS if f != "country")


def check_answer(field: str, value: str) -> str:
    """One answer, cleaned; the application form requires more than a profile does, and a
    lone dash (the form's "none") skips an optional answer."""
    cleaned = clean(field, value)
    if field not in REQUIRED and cleaned == "-":
        return ""
    if field in REQUIRED and not cleaned:
        raise InvalidValue(field=field, reason="required")
    return cleaned


def submit(
    session: Session, telegram_id: int, language: str, role: Role, answers: Mapping[str, str]
) -> JoinApplication:
    if by_telegram_id(session, telegram_id) is not None:
        raise AlreadyApplied()
    waiting = session.exec(
        select(JoinApplication).where(
            JoinApplication.telegram_id == telegram_id,
            JoinApplication.status == ApplicationStatus.pending,
        )
    ).first()
    if waiting is not None:
        raise AlreadyApplied()
    fields = {field: check_answer(field, answers.get(field, "")) for field in questions(role)}
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


def decide(session: Session, application_id: int, admin_id: int, approve: bool) -> JoinApplication:
    """Approves (creating the participant, bound to the applicant) or rejects, once."""
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
        if by_telegram_id(session, application.telegram_id) is not None:
            raise AlreadyApplied()
        prefix = "B" if application.role == Role.buyer else "S"
        participant = Participant(
            code=f"{prefix}-A{application.id:04}",
            role=application.role,
            company=application.company,
            country=canonical("country", application.country),
            industry=canonical("industry", application.industry),
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
    return application
