"""The audit log: every admin action, who did it and when. Each store operation an admin
runs records its line itself (`record`), in the operation's transaction: both are committed
or neither, and a refused operation leaves no line."""

from __future__ import annotations

import json
from typing import TypeVar

from sqlmodel import Session

from store.models import AuditLog

T = TypeVar("T")


def record(session: Session, admin_id: int, action: str, **detail: object) -> None:
    text = json.dumps(detail, ensure_ascii=False, default=str)
    session.add(AuditLog(admin_id=admin_id, action=action, detail=text[:2000]))
