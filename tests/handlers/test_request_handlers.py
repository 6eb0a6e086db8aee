import asyncio
from datetime import timedelta

import pytest
from telegram.ext import CallbackContext

import builders
from builders import DEADLINE, NOW
from handlers.request_actions import notify_new_request
from store.db import session_scope
from store.exchange import export_instance
from store.models import MeetingRequest, RequestStatus
from store.requests import accept_request, send_request

# Telegram ids: sellers 1001.., buyers 2001..; S9 and B9 never opened the bot.
PEOPLE = {
    "S1": dict(telegram_id=1001, language="ko", company="한빛화장품"),
    "S2": dict(telegram_id=1002, language="ko"),
    "S9": dict(company="Silent Co"),
    "B1": dict(telegram_id=2001, language="en", company="Acme Trading", country="US"),
    "B2": dict(telegram_id=2002, language="en", company="Bolt Imports", country="DE"),
    "B3": dict(telegram_id=2003, language="en", company="Cedar & Sons", country="CA"),
    "B9": dict(company="Quiet Buyer"),
}


@pytest.fixture
def ids(bot, engine):
    with session_scope(engine) as session:
        builders.event(session)
        return {code: builders.participant(session, code, **f).id for code, f in PEOPLE.items()}


@pytest.fixture
def send(engine, ids):
    def send(sender, target, note="", minutes=0):
        with session_scope(engine) as session:
            at = NOW + timedelta(minutes=minutes)
            return send_request(session, ids[sender], ids[target], at, note).id

    return send


def status(engine, request_id):
    with session_scope(engine) as session:
        return session.get(MeetingRequest, request_id).status


def ranks(engine, request_ids):
    with session_scope(engine) as session:
        return [session.get(MeetingRequest, r).rank for r in request_ids]


def labels(message):
    return [label for row in message.keyboard for label, _ in row]


async def summary(user):
    [menu] = await user.ask("/menu")
    await user.press_data(menu, "reqs")
    [shown] = await user.wait_reply()
    return shown


async def open_list(user, label):
    shown = await summary(user)
    await user.press(shown, label)
    [listed] = await user.wait_reply()
    return listed


async def test_the_summary_counts_the_three_categories(ids, send, fake):
    send("S1", "B1")
    send("S1", "B2")
    send("B2", "S1")  # both asked: mutual
    send("B3", "S1")
    kim = fake.user(1001, "Kim", language_code="ko")
    shown = await summary(kim)
    assert "🤝 상호 신청: 1" in shown.text
    assert "📥 상대방 신청: 1" in shown.text and "📤 나의 신청: 1" in shown.text
    assert labels(shown) == [
        "🤝 상호 신청 (1)",
        "📥 상대방 신청 (1)",
        "📤 나의 신청 (1)",
        "⬅️ 뒤로",
    ]
    await kim.press(shown, "🤝 상호 신청 (1)")
    [mutual] = await kim.wait_reply()
    assert mutual.message_id == shown.message_id
    assert "Bolt Imports" in mutual.text and "서로 신청" in mutual.text
    assert labels(mutual) == ["✖️ Bolt Imports 신청 취소", "⬅️ 뒤로"]


async def test_with_no_requests_the_summary_reports_no_zeros(ids, send, fake):
    kim = fake.user(1001, "Kim", language_code="ko")
    shown = await summary(kim)
    assert "아직 주고받은 상담 신청이 없습니다." in shown.text and "0건" not in shown.text
    assert labels(shown) == ["⬅️ 뒤로"]  # no button to an empty list
    send("B3", "S1")
    shown = await summary(kim)
    assert "📥 상대방 신청: 1건" in shown.text and "🤝 상호 신청:" not in shown.text
    assert labels(shown) == ["📥 상대방 신청 (1)", "⬅️ 뒤로"]
    await kim.press(shown, "📥 상대방 신청 (1)")
    [received] = await kim.wait_reply()
    assert received.text.startswith("📥 상대방 신청 (1건)\n")  # no "1/1 페이지"


async def test_accepting_makes_it_mutual_and_tells_the_requester_in_their_language(
    ids, send, fake, engine
):
    request = send("B1", "S1", note="We import <serums> & toners")
    ann = fake.user(2001, "Ann", language_code="en")
    await ann.ask("/start")
    kim = fake.user(1001, "Kim", language_code="ko")
    received = await open_list(kim, "📥 상대방 신청 (1)")
    assert "Acme Trading · 미국 · 화장품" in received.text
    assert "We import <serums> & toners" in received.text and "🕒 신청" in received.text
    await kim.press(received, "✅ Acme Trading 수락")
    [edited] = await kim.wait_reply()
    assert edited.message_id == received.message_id
    assert "답변을 기다리는 상대방 신청이 없습니다." in edited.text
    assert "수락했습니다" in kim.callback_answers[-1].text
    assert status(engine, request) == RequestStatus.accepted
    [told] = await ann.wait_for(lambda m: "accepted" in m.text)
    assert "한빛화장품 · South Korea · Cosmetics" in told.text
    mutual = await open_list(kim, "🤝 상호 신청 (1)")
    assert "Acme Trading" in mutual.text and "상대방의 신청을 수락" in mutual.text
    assert labels(mutual) == ["⬅️ 뒤로"]  # an accepted answer cannot be taken back
    ann_mutual = await open_list(ann, "🤝 Mutual (1)")
    assert "They accepted your request" in ann_mutual.text
    assert labels(ann_mutual) == ["✖️ Cancel 한빛화장품", "⬅️ Back"]


async def test_rejecting_tells_the_requester(ids, send, fake, engine):
    request = send("S2", "B1", note="김치 수출")
    lee = fake.user(1002, "Lee", language_code="ko")
    await lee.ask("/start")
    ann = fake.user(2001, "Ann", language_code="en")
    received = await open_list(ann, "📥 Received (1)")
    assert "김치 수출" in received.text
    await ann.press(received, "❌ Decline Company S2")
    [edited] = await ann.wait_reply()
    assert "Nobody is waiting" in edited.text
    assert status(engine, request) == RequestStatus.rejected
    [told] = await lee.wait_for(lambda m: "반려" in m.text)
    assert "Acme Trading" in told.text


async def test_cancel_and_priorities_of_my_requests(ids, send, fake, engine):
    first, second, third = send("S1", "B1"), send("S1", "B2"), send("S1", "B3")
    kim = fake.user(1001, "Kim", language_code="ko")
    mine = await open_list(kim, "📤 나의 신청 (3)")
    assert mine.text.index("Acme") < mine.text.index("Bolt") < mine.text.index("Cedar &amp;"[:5])
    assert "우선순위: 1순위" in mine.text
    await kim.press(mine, "▼ Acme Trading")
    [edited] = await kim.wait_reply()
    assert ranks(engine, [first, second, third]) == [2, 1, 3]
    assert edited.text.index("Bolt") < edited.text.index("Acme")
    await kim.press(edited, "▲ Cedar & Sons")
    [edited] = await kim.wait_reply()
    assert ranks(engine, [first, second, third]) == [3, 1, 2]
    labels = [label for row in edited.keyboard for label, _ in row]
    assert (
        "▲ Bolt Imports" not in labels and "▼ Acme Trading" not in labels
    )  # the ends can't move further
    down_first = dict(item for row in edited.keyboard for item in row)["▼ Bolt Imports"]
    await kim.press_data(edited, down_first.replace(":dn:", ":up:"))  # a stale ▲ on the first
    await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert
    assert "이미 1순위입니다." in kim.callback_answers[-1].text
    assert ranks(engine, [first, second, third]) == [3, 1, 2]
    await kim.press(edited, "✖️ Bolt Imports 신청 취소")
    [edited] = await kim.wait_reply()
    assert status(engine, second) == RequestStatus.cancelled
    assert ranks(engine, [first, third]) == [2, 1]
    assert "(2건)" in edited.text and "Bolt" not in edited.text


async def test_a_double_tap_acts_once(ids, send, fake, engine):
    request = send("B1", "S1")
    ann = fake.user(2001, "Ann", language_code="en")
    await ann.ask("/start")
    kim = fake.user(1001, "Kim", language_code="ko")
    received = await open_list(kim, "📥 상대방 신청 (1)")
    data = received.button("✅ Acme Trading 수락").callback_data
    await kim.press_data(received, data)
    await kim.press_data(received, data)
    await kim.wait_reply()
    first, second = kim.callback_answers[-2:]
    assert "수락했습니다" in first.text
    assert second.show_alert and "수락됨" in second.text  # it is now accepted; nothing done
    assert status(engine, request) == RequestStatus.accepted
    await asyncio.sleep(0.2)  # a second notice would have arrived by now
    assert len([m for m in ann.messages if "accepted" in m.text]) == 1


async def test_cancel_and_accept_at_once_end_consistently(ids, send, fake, engine):
    request = send("B1", "S1")
    kim = fake.user(1001, "Kim", language_code="ko")
    ann = fake.user(2001, "Ann", language_code="en")
    received = await open_list(kim, "📥 상대방 신청 (1)")
    mine = await open_list(ann, "📤 Sent (1)")
    await kim.press(received, "✅ Acme Trading 수락")
    await ann.press(mine, "✖️ Cancel 한빛화장품")
    await asyncio.gather(kim.wait_reply(), ann.wait_reply())
    assert status(engine, request) == RequestStatus.cancelled
    assert "cancelled" in ann.callback_answers[-1].text
    accepted = kim.callback_answers[-1]
    assert "수락했습니다" in accepted.text or "취소됨" in accepted.text


async def test_the_target_is_notified_and_answers_from_the_notice(ids, send, fake, bot, engine):
    lee = fake.user(1002, "Lee", language_code="ko")
    await lee.ask("/start")
    ann = fake.user(2001, "Ann", language_code="en")
    await ann.ask("/start")
    with session_scope(engine) as session:
        request = send_request(session, ids["S2"], ids["B1"], NOW, "Let's meet at booth A-12")
    await notify_new_request(CallbackContext(bot), request)
    [notice] = await ann.wait_for(lambda m: "New meeting request" in m.text)
    assert "Company S2 · South Korea · Cosmetics" in notice.text
    assert "Let's meet at booth A-12" in notice.text
    assert labels(notice) == ["✅ Accept", "❌ Decline", "📋 My requests"]
    await ann.press(notice, "✅ Accept")
    [edited] = await ann.wait_reply()
    assert edited.message_id == notice.message_id and "You accepted" in edited.text
    assert labels(edited) == ["📋 My requests"]
    assert status(engine, request.id) == RequestStatus.accepted
    [told] = await lee.wait_for(lambda m: "수락" in m.text)
    assert "Acme Trading" in told.text


async def test_a_notice_in_korean_refuses_once_the_request_is_cancelled(
    ids, send, fake, bot, engine
):
    kim = fake.user(1001, "Kim", language_code="ko")
    await kim.ask("/start")
    with session_scope(engine) as session:
        request = send_request(session, ids["B2"], ids["S1"], NOW, "")
    await notify_new_request(CallbackContext(bot), request)
    [notice] = await kim.wait_for(lambda m: "새 상담 신청" in m.text)
    assert "Bolt Imports" in notice.text and "📝" not in notice.text
    ann = fake.user(2002, "Bo", language_code="en")
    mine = await open_list(ann, "📤 Sent (1)")
    await ann.press(mine, "✖️ Cancel 한빛화장품")
    await ann.wait_reply()
    await kim.press(notice, "✅ 수락")
    await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert and "취소됨" in kim.callback_answers[-1].text
    assert status(engine, request.id) == RequestStatus.cancelled


async def test_unreachable_recipients_do_not_break_the_action(ids, send, fake, bot, engine):
    kim = fake.user(1001, "Kim", language_code="ko")
    ann = fake.user(2001, "Ann", language_code="en")
    await ann.ask("/start")
    context = CallbackContext(bot)
    with session_scope(engine) as session:
        silent = send_request(session, ids["S2"], ids["B9"], NOW, "")  # no Telegram account
        never = send_request(session, ids["B1"], ids["S2"], NOW, "")  # S2 never opened the chat
    await notify_new_request(context, silent)
    await notify_new_request(context, never)
    from_blocked = send("B1", "S1")
    fake.block(2001)  # Ann blocks the bot: she cannot be told of Kim's answer
    received = await open_list(kim, "📥 상대방 신청 (1)")
    await kim.press(received, "✅ Acme Trading 수락")
    [edited] = await kim.wait_reply()
    assert "수락했습니다" in kim.callback_answers[-1].text
    assert status(engine, from_blocked) == RequestStatus.accepted
    assert "답변을 기다리는 상대방 신청이 없습니다." in edited.text
    with session_scope(engine) as session:
        silent_to_b9 = send_request(session, ids["B9"], ids["S1"], NOW, "")
    received = await open_list(kim, "📥 상대방 신청 (1)")
    await kim.press(received, "❌ Quiet Buyer 반려")  # B9 never opened the bot
    await kim.wait_reply()
    assert status(engine, silent_to_b9.id) == RequestStatus.rejected


async def test_long_lists_are_paged(ids, send, fake, engine):
    with session_scope(engine) as session:
        buyers = [
            builders.participant(session, f"B{n}", company=f"Buyer {n:02}").id
            for n in range(10, 22)
        ]
    for minutes, buyer in enumerate(buyers):
        with session_scope(engine) as session:
            send_request(session, buyer, ids["S1"], NOW + timedelta(minutes=minutes))
    kim = fake.user(1001, "Kim", language_code="ko")
    page = await open_list(kim, "📥 상대방 신청 (12)")
    assert "1/3 페이지" in page.text and "Buyer 10" in page.text and "Buyer 15" not in page.text
    assert "다음 ▶️" in labels(page) and "◀️ 이전" not in labels(page)
    await kim.press(page, "다음 ▶️")
    [page] = await kim.wait_reply()
    assert "2/3 페이지" in page.text and "6. " in page.text and "Buyer 15" in page.text
    await kim.press(page, "다음 ▶️")
    [page] = await kim.wait_reply()
    assert "Buyer 21" in page.text and "다음 ▶️" not in labels(page)
    await kim.press(page, "✅ Buyer 21 수락")
    [page] = await kim.wait_reply()
    assert "(11건)" in page.text and "3/3 페이지" in page.text
    await kim.press(page, "◀️ 이전")
    [page] = await kim.wait_reply()
    assert "2/3 페이지" in page.text


@pytest.mark.parametrize(
    "forged, answer",
    [
        ("reqs:a:acc:{others}:r:1", "isn't yours"),  # someone else's request
        ("reqs:a:acc:{own}:r:1", "isn't yours"),  # accepting a request I sent
        ("reqs:a:can:{received}:o:1", "isn't yours"),  # cancelling one sent to me
        ("reqs:a:up:{received}:o:1", "isn't yours"),
        ("reqs:a:acc:999999:r:1", "doesn't exist"),
        ("reqs:a:acc:abc:r:1", "not valid"),
        ("reqs:a:zap:{received}:r:1", "not valid"),
        ("reqs:l:z:1", "not valid"),
        ("reqs:n:can:{received}", "not valid"),
        ("reqs:zz", "not valid"),
    ],
)
async def test_forged_buttons_are_refused_and_change_nothing(
    ids, send, fake, engine, forged, answer
):
    others = send("S2", "B2")
    own = send("B1", "S1")
    received = send("S2", "B1")
    lee = fake.user(1002, "Lee", language_code="ko")
    await lee.ask("/start")
    ann = fake.user(2001, "Ann", language_code="en")
    shown = await summary(ann)
    await ann.press_data(shown, forged.format(others=others, own=own, received=received))
    await ann.wait_reply()
    assert ann.callback_answers[-1].show_alert
    assert answer in ann.callback_answers[-1].text
    assert [status(engine, r) for r in (others, own, received)] == [RequestStatus.pending] * 3
    assert ranks(engine, [own]) == [1]
    assert len(lee.messages) == 1  # only the menu: nobody was told anything


async def test_after_the_deadline_lists_are_read_only(ids, send, fake, engine, clock):
    request = send("B1", "S1")
    kim = fake.user(1001, "Kim", language_code="ko")
    received = await open_list(kim, "📥 상대방 신청 (1)")
    clock.now = DEADLINE
    await kim.press(received, "✅ Acme Trading 수락")
    [edited] = await kim.wait_reply()
    assert kim.callback_answers[-1].show_alert and "마감" in kim.callback_answers[-1].text
    assert status(engine, request) == RequestStatus.pending
    assert "마감" in edited.text and labels(edited) == ["⬅️ 뒤로"]
    shown = await summary(kim)
    assert "마감" in shown.text


async def test_strangers_are_told_to_join_first(ids, send, fake):
    request = send("B1", "S1")
    eve = fake.user(3003, "Eve", language_code="en")
    [welcome] = await eve.ask("/start")
    for data in ("reqs", "reqs:l:r:1", f"reqs:a:acc:{request}:r:1", f"reqs:n:acc:{request}"):
        await eve.press_data(welcome, data)
        await eve.wait_reply()
        assert "not registered" in eve.callback_answers[-1].text


async def test_an_accepted_request_can_still_be_withdrawn_by_its_sender(ids, send, fake, engine):
    request = send("S1", "B1")
    with session_scope(engine) as session:
        accept_request(session, request, ids["B1"], NOW)
    kim = fake.user(1001, "Kim", language_code="ko")
    mutual = await open_list(kim, "🤝 상호 신청 (1)")
    assert "상대방이 나의 신청을 수락" in mutual.text
    john = fake.user(2001, "John", language_code="en")
    john.bot.open_chat(john.profile)
    await kim.press(mutual, "✖️ Acme Trading 신청 취소")
    [edited] = await kim.wait_reply()
    assert status(engine, request) == RequestStatus.cancelled
    assert "아직 상호 신청이 없습니다" in edited.text
    [told] = await john.wait_for(1)
    assert "request to you was withdrawn" in told.text and "한빛화장품" in told.text


async def test_priorities_read_1_2_3_as_shown_when_the_first_request_became_mutual(
    ids, send, fake, engine
):
    first, second, third = send("S1", "B1"), send("S1", "B2"), send("S1", "B3")
    with session_scope(engine) as session:
        accept_request(session, first, ids["B1"], NOW)  # mutual now: it leaves 📤, keeps rank 1
    kim = fake.user(1001, "Kim", language_code="ko")
    mine = await open_list(kim, "📤 나의 신청 (2)")
    assert mine.text.index("Bolt") < mine.text.index("우선순위: 1순위") < mine.text.index("Cedar")
    assert "우선순위: 2순위" in mine.text and "3순위" not in mine.text
    assert "▲ Bolt Imports" not in labels(mine) and "▼ Cedar & Sons" not in labels(mine)
    await kim.press(mine, "▼ Bolt Imports")
    [edited] = await kim.wait_reply()
    assert (
        edited.text.index("Cedar")
        < edited.text.index("우선순위: 1순위")
        < edited.text.index("Bolt")
    )
    assert edited.text.index("Bolt") < edited.text.index("우선순위: 2순위")
    assert ranks(engine, [first, second, third]) == [1, 3, 2]
    # The matching weighs what the seller sees: Cedar is her first choice among her requests.
    with session_scope(engine) as session:
        sent = {r["to"]: r["rank"] for r in export_instance(session)["requests"]}
    assert sent == {"B1": 1, "B2": 2, "B3": 1}
