"""announcements and broadcasts per person: a copy for the main contact and one for each
colleague; the rows there were are the main contacts' (colleague_id 0)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 01:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables' unique keys as 0001 and 0012 made them, unnamed: SQLite's reflection gives them
# no name (the batch's naming convention names them), PostgreSQL named them itself.
TABLES = {
    "announcementdelivery": (
        ("participant_id", "round"),
        {
            "sqlite": "uq_announcementdelivery_participant_id",
            "postgresql": "announcementdelivery_participant_id_round_key",
        },
    ),
    "broadcastdelivery": (
        ("broadcast_id", "participant_id"),
        {
            "sqlite": "uq_broadcastdelivery_broadcast_id",
            "postgresql": "broadcastdelivery_broadcast_id_participant_id_key",
        },
    ),
}
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (key, old_name) in TABLES.items():
        with op.batch_alter_table(table, schema=None, naming_convention=CONVENTION) as batch_op:
            batch_op.add_column(
                sa.Column("colleague_id", sa.Integer(), nullable=False, server_default="0")
            )
            batch_op.drop_constraint(old_name[dialect], type_="unique")
            batch_op.create_unique_constraint(f"uq_{table}", [*key, "colleague_id"])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, (key, old_name) in TABLES.items():
        op.execute(f"DELETE FROM {table} WHERE colleague_id <> 0")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}", type_="unique")
            batch_op.create_unique_constraint(old_name[dialect], list(key))
            batch_op.drop_column("colleague_id")
