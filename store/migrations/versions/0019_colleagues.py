"""colleagues: up to three per participant, each with their own link and language; notices per
recipient (the main contact and each colleague)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.models

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_REVOKED = sa.text("revoked_at IS NULL")
# The notice table's unique key as 0003 made it, unnamed: SQLite's reflection gives it no name
# (the batch's naming convention names it), PostgreSQL named it itself.
OLD_KEY = ("kind", "participant_id", "key")
OLD_NAME = {"sqlite": "uq_notice_kind", "postgresql": "notice_kind_participant_id_key_key"}
CONVENTION = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    op.create_table(
        "colleague",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("invite_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("created_at", store.models.UTCDateTime(), nullable=False),
        sa.Column("joined_at", store.models.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", store.models.UTCDateTime(), nullable=True),
        sa.Column("blocked_bot_at", store.models.UTCDateTime(), nullable=True),
        sa.CheckConstraint("seat BETWEEN 1 AND 3", name="ck_colleague_seat"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("invite_token"),
    )
    with op.batch_alter_table("colleague", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_colleague_participant_id"), ["participant_id"], unique=False
        )
        for name, columns in (
            ("uq_colleague_seat", ["participant_id", "seat"]),
            ("uq_colleague_account", ["telegram_id"]),
        ):
            batch_op.create_index(
                name,
                columns,
                unique=True,
                sqlite_where=NOT_REVOKED,
                postgresql_where=NOT_REVOKED,
            )
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("notice", schema=None, naming_convention=CONVENTION) as batch_op:
        batch_op.add_column(
            sa.Column("colleague_id", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.drop_constraint(OLD_NAME[dialect], type_="unique")
        batch_op.create_unique_constraint("uq_notice", [*OLD_KEY, "colleague_id"])


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.execute("DELETE FROM notice WHERE colleague_id <> 0")
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint("uq_notice", type_="unique")
        batch_op.create_unique_constraint(OLD_NAME[dialect], list(OLD_KEY))
        batch_op.drop_column("colleague_id")
    with op.batch_alter_table("colleague", schema=None) as batch_op:
        batch_op.drop_index("uq_colleague_account")
        batch_op.drop_index("uq_colleague_seat")
        batch_op.drop_index(batch_op.f("ix_colleague_participant_id"))
    op.drop_table("colleague")
