"""The audit log: every admin action, who did it and when."""

from __future__ import annotations

import json

from sqlmodel import Session

from store.models import AuditLog


def record(session: Session, admin_id: int, action: str, **detail: object) -> None:
    text = json.dumps(detail, ensure_ascii=False, default=str)
    session.add(AuditLog(admin_id=admin_id, action=action, detail=text[:2000]))
