"""Errors the fake answers with, worded exactly as the real Bot API words them."""

from __future__ import annotations

from typing import Any

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
CHAT_NOT_FOUND = "Bad Request: chat not found"
MESSAGE_TO_EDIT_NOT_FOUND = "Bad Request: message to edit not found"
MESSAGE_TO_DELETE_NOT_FOUND = "Bad Request: message to delete not found"
TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
NO_TEXT_TO_EDIT = "Bad Request: there is no text in the message to edit"
NO_CAPTION_TO_EDIT = "Bad Request: there is no caption in the message to edit"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
BLOCKED = "Forbidden: bot was blocked by the user"
# Telegram does not document this one; what matters is that the paid pace is refused.
PAID_REFUSED = "Bad Request: BALANCE_TOO_LOW"


class ApiError(Exception):
    """A failed Bot API call: becomes Telegram's `{"ok": false, ...}` answer."""

    def __init__(
        self, code: int, description: str, retry_after: int | None = None, delay: float = 0.0
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after
        self.delay = delay  # seconds the answer is held back (a bot times out meanwhile)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    """A 400; `description` is the text after "Bad Request: " unless it already has it."""
    if not description.startswith("Bad Request: "):
        description = f"Bad Request: {description}"
    return ApiError(400, description)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


def not_found() -> ApiError:
    return ApiError(404, "Not Found")
