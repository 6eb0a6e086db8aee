"""interpreters: the fingerprint of each one's schedule as assigned now, beside the one last sent

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 01:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # "" (not known yet) for the interpreters of an existing fair: the push job looks at each
    # of them once and records what it finds; from then on only at those whose schedule changed.
    op.add_column(
        "interpreter",
        sa.Column(
            "schedule_fingerprint",
            sqlmodel.sql.sqltypes.AutoString(length=64),
            nullable=False,
            server_default="",
        ),
    )


def downgrade() -> None:
    op.execute("ALTER TABLE interpreter DROP COLUMN schedule_fingerprint")
