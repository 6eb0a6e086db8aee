"""Typed refusals of the store's operations.

Each error carries a `key` naming the sentence the bot shows (its catalog entry is
`error.<key>` in `locales/`) and the values that sentence needs, so no text lives here.
"""

from __future__ import annotations

from dataclasses import dataclass


class StoreError(Exception):
    key = "generic"

    def __init__(self, **values: object) -> None:
        super().__init__(self.key, values)
        self.values = values


class NoEvent(StoreError):
    key = "no_event"


class InviteUsed(StoreError):
    """The invite is bound to another account, or this account to another participant."""

    key = "invite_used"


class AlreadyApplied(StoreError):
    """This account already takes part, or already waits for an answer to an application."""

    key = "already_applied"


class ApplicationsClosed(StoreError):
    key = "applications_closed"


class NotFound(StoreError):
    key = "not_found"


class SameSide(StoreError):
    key = "same_side"


class SelfRequest(StoreError):
    key = "self_request"


class DuplicateRequest(StoreError):
    key = "duplicate_request"


class RejectedBefore(StoreError):
    key = "rejected_before"


class NotYours(StoreError):
    key = "not_yours"


class RequestChanged(StoreError):
    """The request is no longer in the state the button was made for."""

    key = "request_changed"


class AlreadyFirst(StoreError):
    """▲ on the request that is already first in 나의 신청 (a stale button)."""

    key = "already_first"


class AlreadyLast(StoreError):
    key = "already_last"


class InvalidValue(StoreError):
    """A field value a participant typed does not fit; `field` and `reason` say why."""

    key = "invalid_value"


class EventConfigError(StoreError):
    key = "event_config"


@dataclass(frozen=True)
class Problem:
    """One bad cell of an imported file: row 0 means the file as a whole. `reason` names the
    catalog entry `import.<reason>`; `value` and `limit` fill it in (`limit` is also the row
    where a duplicate id was first seen)."""

    row: int
    column: str
    reason: str
    value: str = ""
    limit: int = 0
    detail: str = ""  # a file's problem: what was found (`file.garbled`: a cell and its meaning)


class ImportFailed(StoreError):
    key = "import_failed"

    def __init__(
        self,
        problems: list[Problem],
        encoding: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(count=len(problems))
        self.problems = problems
        self.encoding = encoding  # the text encoding a CSV file was read in, if it was
        self.headers = headers or {}  # each column's header as the file writes it


class UnknownCode(StoreError):
    """No participant has the code an organizer typed."""

    key = "unknown_code"


class Withdrawn(StoreError):
    """The participant behind an invite link or an account was withdrawn by the organizers."""

    key = "withdrawn"


class AlreadyWithdrawn(StoreError):
    key = "already_withdrawn"


class NotWithdrawn(StoreError):
    key = "not_withdrawn"


class MainContactOnly(StoreError):
    """A colleague tried what only the participant's main contact may do (the company's
    profile, the colleagues)."""

    key = "main_contact_only"


class ColleagueLimit(StoreError):
    """A participant already has as many colleagues (joined or invited) as allowed."""

    key = "colleague_limit"


class ColleagueLinkUsed(StoreError):
    """A colleague's link was opened before by another Telegram account."""

    key = "colleague_link_used"


class ColleagueRevoked(StoreError):
    key = "colleague_revoked"


class AccountTaken(StoreError):
    """This Telegram account already takes part otherwise (a participant, an interpreter or
    another company's colleague)."""

    key = "account_taken"


class AnsweredBy(StoreError):
    """Another person of the company (its main contact or a colleague) answered first: the
    company has one answer. Names who (`name`, their own, or "" with `role`: main_contact or
    colleague) and what (`what`; an outcome's `result`)."""

    key = "answered_by"
