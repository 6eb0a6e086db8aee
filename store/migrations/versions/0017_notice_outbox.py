"""notices as an outbox: status, lease, rendered text, useful until, attempts; survey report

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum(
    "pending",
    "sent",
    "failed",
    "blocked",
    "unchanged",
    "given_up",
    name="deliverystatus",
    native_enum=False,
    length=16,
)


def upgrade() -> None:
    # A row never marked sent was claimed by a bot that then crashed or failed to send, and
    # holds no text to send again: removed, so that the job queues it anew (rendered).
    op.execute("DELETE FROM notice WHERE sent_at IS NULL")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", STATUS, nullable=False, server_default="sent"))
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("markup", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("not_after", store.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "claimed_by",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "error",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.alter_column("claimed_at", existing_type=store.models.UTCDateTime(), nullable=True)
        batch_op.create_index(batch_op.f("ix_notice_status"), ["status"], unique=False)
    # A plain ADD COLUMN: a batch copy of `event` would break the triggers on `slot` that name
    # it (0015).
    op.add_column(
        "event",
        sa.Column("survey_reported", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("event", "survey_reported")
    op.execute("DELETE FROM notice WHERE status <> 'sent'")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_status"))
        batch_op.alter_column(
            "claimed_at", existing_type=store.models.UTCDateTime(), nullable=False
        )
        for column in ("error", "attempts", "claimed_by", "not_after", "markup", "text", "status"):
            batch_op.drop_column(column)
