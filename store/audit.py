"""The audit log: every admin action, who did it and when."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from sqlmodel import Session

from store.models import AuditLog

T = TypeVar("T")


def record(session: Session, admin_id: int, action: str, **detail: object) -> None:
    text = json.dumps(detail, ensure_ascii=False, default=str)
    session.add(AuditLog(admin_id=admin_id, action=action, detail=text[:2000]))


def audited(
    session: Session,
    admin_id: int,
    action: str,
    detail: dict[str, object],
    operation: Callable[..., T],
    *args: object,
) -> T:
    """`operation(session, *args)` for an admin and its audit line, in the caller's one
    transaction: both are committed or neither (a refused operation leaves no line)."""
    result = operation(session, *args)
    record(session, admin_id, action, **detail)
    return result
