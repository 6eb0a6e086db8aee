"""who of each side answered a refill offer (0 the main contact, else the colleague)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("buyer_answered_by", "seller_answered_by")


def upgrade() -> None:
    for column in COLUMNS:  # plain ADD COLUMN: no table rebuild on SQLite
        op.add_column("refilloffer", sa.Column(column, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("refilloffer", schema=None) as batch_op:
        for column in COLUMNS:
            batch_op.drop_column(column)
