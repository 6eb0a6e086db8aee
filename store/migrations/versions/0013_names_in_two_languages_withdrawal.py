"""company and event names in English too, the participant's own language choice, withdrawal

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.models

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_en", _text(200), nullable=False, server_default=""))
    with op.batch_alter_table("joinapplication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_en", _text(200), nullable=False, server_default=""))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("company_en", _text(200), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("language_chosen", sa.Boolean(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("withdrawn_at", store.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("withdrawn_reason", _text(300), nullable=False, server_default="")
        )
    # Until now the only way to set a participant's language in the bot was 🌐, but the
    # importer wrote the same column: which value was chosen is unknown, so none counts as
    # chosen and the first re-import with a language column decides, as it did before.


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_reason")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("language_chosen")
        batch_op.drop_column("company_en")
    with op.batch_alter_table("joinapplication", schema=None) as batch_op:
        batch_op.drop_column("company_en")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("name_en")
