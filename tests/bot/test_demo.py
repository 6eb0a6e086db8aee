from bot.demo import play


async def test_the_demo_plays_a_readable_transcript():
    lines: list[str] = []
    await play(lines.append, language="en")
    transcript = "\n".join(lines)
    assert "=== A Korean company opens its invite link" in transcript
    assert "👤 김민지: /start" in transcript
    assert "한빛화장품님, 환영합니다" in transcript
    assert "+82 10-1234-5678" in transcript
    assert "Approved: Andes Beauty" in transcript
    assert "keen to meet!" in transcript and "Your meeting request was accepted" in transcript
    assert "▲ 2" in transcript and "Moved up" in transcript
    assert "Applications are closed. The matching ran" in transcript
    assert "Announcement 1 done" in transcript
    assert "🟥 09:00–09:30 한빛화장품 (KR) · booth T-01" in transcript
    assert "[error]" not in transcript
