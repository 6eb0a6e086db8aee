"""organizer jobs and announcements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 07:21:08.253255
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows get the models' defaults (server_default) for the new NOT NULL columns.
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("deadline", "meeting", name="noticekind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("claimed_at", store.models.UTCDateTime(), nullable=False),
        sa.Column("sent_at", store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "participant_id", "key"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notice_participant_id"), ["participant_id"], unique=False
        )

    with op.batch_alter_table("announcementdelivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "claimed_by",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("parts_sent", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("meetings", sa.Text(), nullable=False, server_default="[]"))

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("matching_runs", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("announce_round", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("announce_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("announce_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("announce_reported", sa.Integer(), nullable=False, server_default="0")
        )
    # A database from before this revision may hold announcement rounds already: the event
    # carries on from the latest, so that a half-sent round resumes and the next /announce
    # does not collide with an old round's deliveries (found by tests/handlers/
    # test_upgrade_in_place.py).
    op.execute(
        "UPDATE event SET announce_round ="
        " COALESCE((SELECT MAX(round) FROM announcementdelivery), 0)"
    )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("announce_reported")
        batch_op.drop_column("announce_message_id")
        batch_op.drop_column("announce_chat_id")
        batch_op.drop_column("announce_round")
        batch_op.drop_column("matching_runs")

    with op.batch_alter_table("announcementdelivery", schema=None) as batch_op:
        batch_op.drop_column("meetings")
        batch_op.drop_column("parts_sent")
        batch_op.drop_column("claimed_by")

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notice_participant_id"))

    op.drop_table("notice")
