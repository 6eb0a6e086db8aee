"""The organizer's workbook: whom to call on the participants' sheet, slots headed by date and
time, columns as wide as their contents."""

import io
from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

import builders
from store.colleagues import invite, join_colleague, revoke
from store.db import session_scope
from store.event import parse_config, setup_event
from store.export import export_data
from store.interpreters import reassign
from store.models import Attendance, Interpreter, Role
from store.participants import new_invite_token
from store.sheets import text_width
from views.export_workbook import workbook


def test_the_participants_sheet_carries_both_names_and_the_contact(engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(
            session,
            "S1",
            Role.seller,
            company="(주)한빛코스메틱",
            company_en="Hanbit Cosmetic Co., Ltd.",
            contact_name="김민지",
            contact_title="과장",
            email="minji@hanbit.co.kr",
            phone="010-1234-5678",
        )
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(workbook(export_data(session), "ko")))
    sheet = book["참가업체"]
    header, row = (list(r) for r in sheet.iter_rows(max_row=2, values_only=True))
    record = dict(zip(header, row, strict=True))
    names = (record["회사명"], record["회사명(영문)"])
    assert names == ("(주)한빛코스메틱", "Hanbit Cosmetic Co., Ltd.")
    assert (record["담당자"], record["직위"]) == ("김민지", "과장")
    assert (record["이메일"], record["휴대폰"]) == ("minji@hanbit.co.kr", "010-1234-5678")
    assert "6/20 09:00" in header and "6/21 11:30" in header  # not D1-0900
    assert not any(str(title).startswith("D1-") for title in header)
    for column in sheet.iter_cols():
        widest = max(text_width(cell.value) for cell in column)
        width = sheet.column_dimensions[column[0].column_letter].width
        assert widest < width <= 60


def test_the_schedule_sheet_carries_the_video_link_and_the_interpreter(engine):
    with session_scope(engine) as session:
        setup_event(
            session,
            parse_config(builders.EVENT_FILE | {"video_link": "https://meet.jit.si/X-{room}"}),
        )
        online = builders.participant(
            session, "B1", attendance=Attendance.online, interpreter_language="ja"
        )
        onsite = builders.participant(session, "B2", interpreter_language="zh")
        s1, s2 = builders.participant(session, "S1"), builders.participant(session, "S2")
        builders.meeting(session, online, s1, "D1-0900")
        builders.meeting(session, onsite, s2, "D1-0900")
        session.add(
            Interpreter(code="I1", name="Aoki", languages="ja", invite_token=new_invite_token())
        )
        session.flush()
        reassign(session)
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(workbook(export_data(session), "en")))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    by_buyer = {record["Buyer"]: record for record in records}
    assert by_buyer["B1"]["Video link"].startswith("https://meet.jit.si/X-")
    assert (by_buyer["B1"]["Interpreter"], by_buyer["B1"]["Interpreter language"]) == (
        "I1 Aoki",
        "Japanese",
    )
    assert (by_buyer["B2"]["Video link"], by_buyer["B2"]["Interpreter"]) == (None, "not assigned")


def test_the_colleagues_sheet_says_who_joined_for_which_company_and_what_is_open(engine):
    invited_at = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)  # 10:00 in Seoul
    with session_scope(engine) as session:
        builders.event(session)
        seller = builders.participant(session, "S1", Role.seller, company="한빛화장품")
        joined = invite(session, seller.id, 1, invited_at)
        join_colleague(session, joined.invite_token, 5001, "Park Jiho", "en", invited_at)
        invite(session, seller.id, 1, invited_at)
        gone = invite(session, seller.id, 1, invited_at)
        revoke(session, seller.id, gone.id, 1, invited_at + timedelta(hours=1))
        builders.participant(session, "S2", Role.seller)  # no colleagues: no rows
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(workbook(export_data(session), "ko")))
    rows = list(book["동료"].iter_rows(values_only=True))
    assert rows[0] == (
        "코드",
        "회사명",
        "초대 번호",
        "이름(텔레그램)",
        "상태",
        "언어",
        "초대 일시",
        "연결 일시",
        "해제 일시",
    )
    ten = datetime(2026, 6, 1, 10, 0)
    assert rows[1:] == [
        ("S1", "한빛화장품", 1, "Park Jiho", "연결됨", "영어", ten, ten, None),
        ("S1", "한빛화장품", 2, None, "링크 미열람", None, ten, None, None),
        ("S1", "한빛화장품", 3, None, "해제됨", None, ten, None, ten + timedelta(hours=1)),
    ]


def test_without_colleagues_the_workbook_has_no_colleagues_sheet(engine):
    with session_scope(engine) as session:
        builders.event(session)
        builders.participant(session, "S1", Role.seller)
    with session_scope(engine) as session:
        book = load_workbook(io.BytesIO(workbook(export_data(session), "en")))
    assert "Colleagues" not in book.sheetnames
