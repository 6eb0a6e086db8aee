"""Real store objects for tests: an event with a slot grid, and participants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from store.colleagues import invite, join_colleague
from store.event import parse_config, setup_event
from store.models import Colleague, Event, Meeting, Participant, Phase, Role, Slot, Tier
from store.participants import new_invite_token
from store.requests import accept_request, send_request

ADMIN = 9000  # the organizer's Telegram id in ADMIN_IDS of the test bot
NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(days=9)


# Two days, 09:00-12:00 in 30-minute slots with a 10:30-11:00 break: 10 slots.
EVENT_FILE = {
    "name": "Boom Up Korea 2024",
    "timezone": "Asia/Seoul",
    "deadline": DEADLINE.isoformat(),
    "days": ["2024-06-20", "2024-06-21"],
    "start": "09:00",
    "end": "12:00",
    "slot_minutes": 30,
    "breaks": [["10:30", "11:00"]],
}


def event(session: Session, *, deadline: datetime = DEADLINE, daily_cap: int = 8) -> Event:
    config = parse_config(EVENT_FILE | {"deadline": deadline.isoformat(), "daily_cap": daily_cap})
    return setup_event(session, config)


def participant(
    session: Session,
    code: str,
    role: Role | None = None,
    *,
    company: str | None = None,
    industry: str = "cosmetics",
    country: str | None = None,
    telegram_id: int | None = None,
    **fields: object,
) -> Participant:
    role = role or (Role.buyer if code.startswith("B") else Role.seller)
    person = Participant(
        code=code,
        role=role,
        company=f"Company {code}" if company is None else company,
        country=country or ("US" if role == Role.buyer else "KR"),
        industry=industry,
        booth=f"T-{code}" if role == Role.buyer else None,
        invite_token=new_invite_token(),
        telegram_id=telegram_id,
        **fields,
    )
    session.add(person)
    session.flush()
    return person


def colleague(
    session: Session,
    participant_id: int,
    main_telegram_id: int,
    telegram_id: int,
    name: str,
    language: str,
    now: datetime = NOW,
) -> Colleague:
    """A colleague who joined participant `participant_id` with the link its main contact made."""
    made = invite(session, participant_id, main_telegram_id, now)
    join_colleague(session, made.invite_token, telegram_id, name, language, now)
    return made


TEAM_MAIN, TEAM_KIM, TEAM_LEE = 1001, 5001, 5002  # S1's main contact and colleagues (`team`)


def team(session: Session, phase: Phase | None = None) -> dict[str, int]:
    """S1 (main contact TEAM_MAIN, Korean) with its colleagues Kim (TEAM_KIM, English) and Lee
    (TEAM_LEE, Korean) joined and a link nobody opened ("link"); S2 (1002, English) alone; S3
    never opened the bot. The event in `phase`, if given. Ids by those names."""
    event(session)
    s1 = participant(session, "S1", telegram_id=TEAM_MAIN, language="ko")
    s2 = participant(session, "S2", telegram_id=1002, language="en")
    participant(session, "S3")
    if phase is not None:
        set_phase(session, phase)
    ids = {"S1": s1.id, "S2": s2.id}
    for name, telegram_id, language in (("Kim", TEAM_KIM, "en"), ("Lee", TEAM_LEE, "ko")):
        ids[name] = colleague(session, s1.id, TEAM_MAIN, telegram_id, name, language).id
    ids["link"] = invite(session, s1.id, TEAM_MAIN, NOW).id
    return ids


def fair(session: Session, buyers: int = 3, sellers: int = 3, **event_options: object) -> Event:
    """An event with buyers B1.. and sellers S1.. (cosmetics), each with a Telegram account
    (1000 + n for buyers, 2000 + n for sellers), and a request from every seller to every
    buyer sent at NOW; B1 accepted S1's. For the organizer's tests."""
    happening = event(session, **event_options)  # type: ignore[arg-type]
    people_b = [participant(session, f"B{n}", telegram_id=1000 + n) for n in range(1, buyers + 1)]
    people_s = [participant(session, f"S{n}", telegram_id=2000 + n) for n in range(1, sellers + 1)]
    for seller in people_s:
        for buyer in people_b:
            sent = send_request(session, seller.id, buyer.id, NOW)
            if (buyer.code, seller.code) == ("B1", "S1"):
                accept_request(session, sent.id, buyer.id, NOW)
    return happening


# Three days of the same grid, for timetables that span several days.
THREE_DAY_EVENT_FILE = EVENT_FILE | {"days": ["2024-06-19", "2024-06-20", "2024-06-21"]}


def three_day_event(session: Session, *, daily_cap: int = 8) -> Event:
    config = parse_config(
        THREE_DAY_EVENT_FILE | {"deadline": DEADLINE.isoformat(), "daily_cap": daily_cap}
    )
    return setup_event(session, config)


def meeting(
    session: Session,
    buyer: Participant,
    seller: Participant,
    slot_code: str,
    *,
    tier: Tier = Tier.mutual,
) -> Meeting:
    """A confirmed meeting at the buyer's booth, as a stored matching run leaves it."""
    slot = session.exec(select(Slot).where(Slot.code == slot_code)).one()
    row = Meeting(
        buyer_id=buyer.id, seller_id=seller.id, slot_id=slot.id, booth=buyer.booth, tier=tier
    )
    session.add(row)
    session.flush()
    return row


def set_phase(session: Session, phase: Phase) -> None:
    event = session.exec(select(Event)).one()
    event.phase = phase
    session.add(event)
    session.flush()


def bilingual_people(session: Session, people: dict[str, int]) -> dict[str, Participant]:
    """Participants by code (B… buyers, S… sellers) with the given Telegram ids: buyers read
    English and are "Buyer B1", Korean companies read Korean and are "국내기업 S1"."""
    return {
        code: participant(
            session,
            code,
            telegram_id=telegram_id,
            language="en" if code.startswith("B") else "ko",
            company=f"{'Buyer' if code.startswith('B') else '국내기업'} {code}",
        )
        for code, telegram_id in people.items()
    }
