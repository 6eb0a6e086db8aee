"""event match mode and time limit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 07:56:04.395582
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # An existing event gets the models' defaults (server_default): greedy, 30 seconds.
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "match_mode",
                sa.Enum("greedy", "optimal", name="matchmode", native_enum=False, length=16),
                nullable=False,
                server_default="greedy",
            )
        )
        batch_op.add_column(
            sa.Column("match_time_limit", sa.Integer(), nullable=False, server_default="30")
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("match_time_limit")
        batch_op.drop_column("match_mode")
