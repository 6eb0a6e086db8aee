"""who of a company answered: a request's accept or reject, a meeting's confirmation or
cancellation, an outcome (0 the main contact, else the colleague); the answers there were are
counted as the main contacts' (a request's stays unknown: None)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 01:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ADD COLUMN (no table rebuild on SQLite); not foreign keys, like the notice's recipient.
COLUMNS = (
    ("meetingconfirmation", "colleague_id"),
    ("meetingcancellation", "by_colleague_id"),
    ("meetingoutcome", "colleague_id"),
)


def upgrade() -> None:
    op.add_column("meetingrequest", sa.Column("answered_by", sa.Integer(), nullable=True))
    for table, column in COLUMNS:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table, column in (("meetingrequest", "answered_by"), *COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
