"""Rendering of transcript events as a readable chat log (for demos and failing tests)."""

from __future__ import annotations

from collections.abc import Callable

from fake_telegram.models import TranscriptEvent

_BOT_LABELS = {
    "message": "",
    "photo": "",  # the text names the file: "[photo 1240×860, 85 KB] caption"
    "document": "",
    "sticker": "[sticker] ",
    "edit": "[edited] ",
    "delete": "[deleted] ",
    "answer": "[answer] ",
    "error": "[error] ",
    "press": "",
}
_USER_LABELS = {**_BOT_LABELS, "press": "[pressed] "}


def format_event(event: TranscriptEvent) -> str:
    """One line such as "👤 Kim: /start" or "🤖 bot: [edited] Saved"."""
    if event.actor == "user":
        return f"👤 {event.name}: {_USER_LABELS[event.kind]}{event.text}"
    return f"🤖 {event.name} → {event.chat_id}: {_BOT_LABELS[event.kind]}{event.text}"


def printer(write: Callable[[str], object] = print) -> Callable[[TranscriptEvent], None]:
    """A transcript hook that writes each event as one formatted line."""

    def hook(event: TranscriptEvent) -> None:
        write(format_event(event))

    return hook
