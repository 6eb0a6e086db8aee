"""event.version, set by triggers on every change to the event row or to the slots

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each change sets a fresh random version, never the old one plus one: a process that read
# its copy inside a transaction later rolled back must not take a version reached again for
# the copy's. SQLite's triggers run per row: an UPDATE of the event that leaves `version` alone
# sets it (the trigger's own UPDATE changes it, so it does not fire again); so does any change
# to a slot.
SQLITE_RANDOM = "abs(random() % 2147483647)"
SQLITE = [
    f"""CREATE TRIGGER event_version_on_change AFTER UPDATE ON event
        FOR EACH ROW WHEN NEW.version = OLD.version
        BEGIN UPDATE event SET version = {SQLITE_RANDOM} WHERE id = NEW.id; END""",
    *(
        f"""CREATE TRIGGER event_version_on_slot_{change} AFTER {change} ON slot
            BEGIN UPDATE event SET version = {SQLITE_RANDOM}; END"""
        for change in ("insert", "update", "delete")
    ),
]
POSTGRESQL_RANDOM = "floor(random() * 2147483647)::integer"
POSTGRESQL = [
    f"""CREATE FUNCTION event_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.version = OLD.version THEN NEW.version := {POSTGRESQL_RANDOM}; END IF;
          RETURN NEW;
        END $$""",
    """CREATE TRIGGER event_version_on_change BEFORE UPDATE ON event
       FOR EACH ROW EXECUTE FUNCTION event_version_bump()""",
    f"""CREATE FUNCTION event_version_on_slots() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN UPDATE event SET version = {POSTGRESQL_RANDOM}; RETURN NULL; END $$""",
    """CREATE TRIGGER event_version_on_slots AFTER INSERT OR UPDATE OR DELETE ON slot
       FOR EACH STATEMENT EXECUTE FUNCTION event_version_on_slots()""",
]


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRESQL if postgresql else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER event_version_on_slots ON slot")
        op.execute("DROP TRIGGER event_version_on_change ON event")
        op.execute("DROP FUNCTION event_version_on_slots()")
        op.execute("DROP FUNCTION event_version_bump()")
    else:
        for name in ("change", "slot_insert", "slot_update", "slot_delete"):
            op.execute(f"DROP TRIGGER event_version_on_{name}")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("version")
