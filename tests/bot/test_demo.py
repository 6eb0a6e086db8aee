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
    assert "[error]" not in transcript
