"""the survey's final count: when a process took it to send (a lease, as deliveries have)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import store.models

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite): the event row's triggers (0015) stay.
    # NULL: nobody is sending it.
    op.add_column("event", sa.Column("survey_report_claimed_at", store.models.UTCDateTime()))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35+): rebuilding the event table would trip its triggers.
    op.execute("ALTER TABLE event DROP COLUMN survey_report_claimed_at")
