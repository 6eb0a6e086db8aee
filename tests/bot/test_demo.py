import re

import pytest

from bot.demo import play

pytestmark = pytest.mark.slow


async def transcript(language: str) -> str:
    lines: list[str] = []
    await play(lines.append, language=language)
    return "\n".join(lines)


async def test_the_english_demo_follows_a_buyer_through_the_english_screens():
    text = await transcript("en")
    assert "=== An overseas buyer opens its invite link" in text
    assert "👤 John: /start" in text
    assert "Acme Trading is now linked to this Telegram account" in text
    assert "Products: sheet masks, sun care, 비건 화장품" in text
    assert "Approved: Andes Beauty" in text
    assert "keen to meet!" in text and "Your meeting request was accepted" in text
    assert "[pressed] ▲ " in text and "Moved up" in text
    assert "Requests are closed. The matching ran" in text
    assert "Announcement 1 done" in text
    assert re.search(r"🟥 \d\d:\d\d–\d\d:\d\d 한빛화장품 \(South Korea\) · booth T-01", text)
    assert "4 confirmed meetings." in text
    assert re.search(r"\[photo \d+×\d+, \d+ KB\] 📅", text)
    assert re.search(r"\[document [^\]]* meeting schedule\.ics, \d+ KB\] 📆 4 meetings", text)
    assert "[error]" not in text and "(s)" not in text


async def test_the_korean_demo_follows_a_korean_company_through_the_korean_screens():
    text = await transcript("ko")
    assert "=== 국내기업 담당자가 초대 링크를 열고" in text
    assert "👤 김민지: [pressed] ✏️ 전화번호" in text and "✅ 전화번호를 저장했습니다." in text
    assert "🕒 상담가능시간 설정" in text and "⛔ 불가 1개" in text
    assert "승인함: 새봄푸드" in text
    # the keyword 화장품 finds the cosmetics buyers by their industry's Korean name
    assert "검색어: 화장품\n업체 2곳" in text
    assert "⭐ Acme Trading · 미국 · 화장품" in text
    assert "✅ 상담 신청이 수락되었습니다!" in text
    assert "📋 신청 현황" in text and "📥 상대방 신청 (1건)" in text
    assert "수락했습니다. 이제 상호 신청입니다." in text and "우선순위를 올렸습니다." in text
    assert "📅 주선 결과 · " in text and "확정된 상담은 4건입니다." in text
    assert "모든 시간은 한국 시간 기준입니다." in text
    assert "Acme Trading (미국) · 부스 T-01" in text
    assert re.search(r"\[photo \d+×\d+, \d+ KB\] 📅", text)
    assert re.search(r"\[document [^\]]* 상담일정\.ics", text)
    # the Korean participant's way shows no English screen text
    own = [line for line in text.split("\n") if "→ 1001:" in line]
    assert own and not [line for line in own if re.search(r"[A-Za-z]{4,} [a-z]{3,}", line)]
    assert "[error]" not in text and "을(를)" not in text
