"""Rendering timetables: a buyer with a full 3-day schedule (09:00-17:00, 30-minute slots, a
lunch break, 8 meetings a day, Korean and English company names, some slots unavailable).

`python -m bench.timetable [--runs N]` prints how long the snapshot, the text, the PNG and the
.ics take (median, 95th percentile and worst of N runs, after one warm-up that loads the
font). "cold" clears the drawn-text caches before each picture (the first picture of a run);
"announcement run" renders every participant's timetable in turn, as /announce does.
Target: one PNG under 30 ms, cold.
`python -m bench.timetable --example docs/timetable-example.png [--language ko|en]` writes the
example picture shown in the README instead.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import select

from store.db import make_engine, session_scope, upgrade
from store.event import parse_config, setup_event, slots
from store.models import Event, Meeting, Participant, Phase, Role, Tier, Unavailability
from store.participants import new_invite_token
from store.timetable import Timetable, timetable
from views.timetable_image import drawable, fit, text_mask
from views.timetable_render import timetable_ics, timetable_messages, timetable_png

EVENT = {
    "name": "2024 붐업코리아 수출상담회",
    "timezone": "Asia/Seoul",
    "deadline": "2024-06-10T18:00:00+09:00",
    "days": ["2024-06-19", "2024-06-20", "2024-06-21"],
    "start": "09:00",
    "end": "17:00",
    "slot_minutes": 30,
    "breaks": [["12:00", "13:00"]],
}
SELLERS = (
    "한빛화장품",
    "Daehan Foods Co., Ltd.",
    "주식회사 미래바이오텍",
    "Seoul Smart Devices",
    "(주)청정수산",
    "K-Beauty Lab 🌸",
    "동방의료기기 주식회사",
    "Gangnam Fashion & Textiles Corporation International",
    "누리텍",
    "Busan Marine Products",
    "(주)하늘정밀",
    "Jeju Green Tea Estate",
    "솔빛에너지",
    "Hanra Auto Parts",
    "(주)다온키즈",
    "Incheon Logistics Solutions",
    "바른식품 영농조합법인",
    "Daegu Textile Works",
    "(주)코스모랩",
    "Gwangju Photonics",
    "새한제약",
    "Ulsan Chemical Industries",
    "(주)빛고을공예",
    "Suwon Robotics",
)
PER_DAY = 8


def build(database_url: str) -> int:
    """A migrated database holding the event and the buyer's schedule; returns the buyer's id."""
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(engine) as session:
        setup_event(session, parse_config(EVENT))
        event = session.exec(select(Event)).one()
        event.phase = Phase.announced

        def person(code: str, role: Role, company: str, country: str) -> Participant:
            row = Participant(
                code=code,
                role=role,
                company=company,
                country=country,
                industry="cosmetics",
                booth="T-0107" if role == Role.buyer else None,
                invite_token=new_invite_token(),
                contact_name="Kim Minji",
                email=f"{code.lower()}@example.com",
            )
            session.add(row)
            return row

        buyer = person("B00001", Role.buyer, "Acme Trading LLC", "US")
        grid = slots(session)
        session.flush()
        by_day: dict[object, list] = {}
        for slot in grid:
            by_day.setdefault(slot.day, []).append(slot)
        number = 0
        for day_slots in by_day.values():
            session.add(Unavailability(participant_id=buyer.id, slot_id=day_slots[-1].id))
            for slot in day_slots[1 : 1 + PER_DAY]:
                company = SELLERS[number % len(SELLERS)]
                number += 1
                seller = person(f"S{number:05}", Role.seller, company, "KR")
                session.flush()
                session.add(
                    Meeting(
                        buyer_id=buyer.id,
                        seller_id=seller.id,
                        slot_id=slot.id,
                        booth=buyer.booth,
                        tier=Tier.mutual,
                    )
                )
        session.flush()
        buyer_id = buyer.id
    engine.dispose()
    return buyer_id


def snapshot(database_url: str, participant_id: int) -> Timetable:
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        table = timetable(session, participant_id)
    engine.dispose()
    return table


def everyone(database_url: str) -> list[Timetable]:
    """Every participant's timetable, as an announcement renders them."""
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        ids = session.exec(select(Participant.id).order_by(Participant.id)).all()
        tables = [timetable(session, participant_id) for participant_id in ids]
    engine.dispose()
    return tables


def cold_png(table: Timetable, language: str) -> bytes:
    """One picture with nothing drawn before (only the font file and glyph checks loaded)."""
    for cached in (text_mask, fit, drawable):
        cached.cache_clear()
    return timetable_png(table, language)


def measure(label: str, work: Callable[[], object], runs: int) -> None:
    work()  # warm-up: fonts, glyph checks, imports
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"{label:<22} median {statistics.median(times):7.2f} ms   "
        f"p95 {p95:7.2f} ms   max {times[-1]:7.2f} ms   ({runs} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.timetable")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--example", type=Path, help="write the example PNG here and stop")
    parser.add_argument("--language", default="ko", choices=("ko", "en"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        buyer_id = build(url)
        table = snapshot(url, buyer_id)
        if args.example:
            args.example.parent.mkdir(parents=True, exist_ok=True)
            args.example.write_bytes(timetable_png(table, args.language))
            print(f"wrote {args.example}")
            return
        slot_count = len(table.entries)
        print(
            f"{len(table.days)} days, {slot_count} slots, {len(table.meetings)} meetings, "
            f"PNG {len(timetable_png(table, 'ko')) // 1024} KiB"
        )
        measure("timetable() snapshot", lambda: snapshot(url, buyer_id), max(args.runs // 10, 5))
        measure("PNG cold (ko)", lambda: cold_png(table, "ko"), args.runs)
        measure("PNG cold (en)", lambda: cold_png(table, "en"), args.runs)
        measure("PNG again (ko)", lambda: timetable_png(table, "ko"), args.runs)
        tables = everyone(url)
        runs = max(args.runs // len(tables), 3)
        start = time.perf_counter()
        for _ in range(runs):
            cold_png(tables[0], "ko")
            for each in tables[1:]:
                timetable_png(each, "ko")
        per_image = (time.perf_counter() - start) * 1000 / (runs * len(tables))
        print(
            f"{'PNG announcement run':<22} mean {per_image:7.2f} ms per picture "
            f"({len(tables)} participants' timetables, cold start, {runs} runs)"
        )
        measure("text messages (ko)", lambda: timetable_messages(table, "ko"), args.runs)
        measure(".ics (ko)", lambda: timetable_ics(table, "ko"), args.runs)


if __name__ == "__main__":
    main()
