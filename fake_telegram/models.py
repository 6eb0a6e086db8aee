"""What the fake stores: messages in chats, files, callback answers, transcript events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Button:
    """One inline keyboard button; `value` is its callback data or URL."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    @property
    def value(self) -> str | None:
        return self.callback_data if self.callback_data is not None else self.url


@dataclass(frozen=True)
class StoredFile:
    """A file uploaded by the bot or sent by a simulated user; downloadable via getFile."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def photo_sizes(self) -> list[dict[str, Any]]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.data),
            }
        ]

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


@dataclass(frozen=True)
class Revision:
    """The content a message had before one of its edits."""

    text: str | None
    caption: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None


@dataclass
class ChatMessage:
    """A message in a private chat, in its current state (edits applied)."""

    message_id: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    date: int
    from_bot: bool
    text: str | None = None
    caption: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    photo: StoredFile | None = None
    document: StoredFile | None = None
    sticker: dict[str, Any] | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[Revision] = field(default_factory=list)

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has ("" if none)."""
        return self.text if self.text is not None else self.caption or ""

    @property
    def buttons(self) -> list[list[Button]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [Button(b["text"], b.get("callback_data"), b.get("url")) for b in row] for row in rows
        ]

    @property
    def keyboard(self) -> list[list[tuple[str, str | None]]]:
        """Inline keyboard as rows of (text, callback data or URL)."""
        return [[(button.text, button.value) for button in row] for row in self.buttons]

    def button(self, text: str) -> Button:
        """The inline button labelled `text`; LookupError lists the labels if there is none."""
        for row in self.buttons:
            for button in row:
                if button.text == text:
                    return button
        labels = [button.text for row in self.buttons for button in row]
        raise LookupError(f"no button {text!r} on message {self.message_id}; buttons: {labels}")

    @property
    def photo_bytes(self) -> bytes | None:
        return self.photo.data if self.photo else None

    @property
    def document_bytes(self) -> bytes | None:
        return self.document.data if self.document else None

    @property
    def document_name(self) -> str | None:
        return self.document.file_name if self.document else None

    def revise(self) -> None:
        """Remember the current content before it is edited."""
        self.history.append(
            Revision(self.text, self.caption, list(self.entities), self.reply_markup)
        )

    def to_api(self) -> dict[str, Any]:
        """The Bot API `Message` object."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "date": self.date,
            "chat": self.chat,
            "from": self.sender,
        }
        if self.text is not None:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.caption is not None:
            message["caption"] = self.caption
            if self.entities:
                message["caption_entities"] = self.entities
        if self.photo is not None:
            message["photo"] = self.photo.photo_sizes()
        if self.document is not None:
            message["document"] = self.document.document()
        if self.sticker is not None:
            message["sticker"] = self.sticker
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        return message


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call as the fake received and answered it."""

    token: str
    method: str
    params: dict[str, Any]
    chat_id: int | None
    error: str | None
    error_code: int | None
    arrived: float = 0.0  # time.monotonic() when it arrived, as the flood limit counts it


EventKind = Literal[
    "message", "photo", "document", "sticker", "press", "edit", "delete", "answer", "error"
]


@dataclass(frozen=True)
class TranscriptEvent:
    """One line of the conversation log: who did what in which chat."""

    actor: Literal["user", "bot"]
    kind: EventKind
    chat_id: int
    name: str
    text: str
    message_id: int | None = None
