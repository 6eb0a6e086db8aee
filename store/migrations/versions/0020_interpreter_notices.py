"""notices to interpreters: the interpreter a notice goes to (the meeting reminder's copy)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (no table rebuild on SQLite); not a foreign key, like the notice's
    # other recipients' ids, so that the notice table's constraints stay as they are.
    op.add_column("notice", sa.Column("interpreter_id", sa.Integer(), nullable=True))
    op.create_index("ix_notice_interpreter_id", "notice", ["interpreter_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notice_interpreter_id", table_name="notice")
    op.execute("DELETE FROM notice WHERE interpreter_id IS NOT NULL")
    op.execute("ALTER TABLE notice DROP COLUMN interpreter_id")
