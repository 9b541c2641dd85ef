"""display names: strip direction controls stored before they were refused

Signup and settings now refuse names with embeddings, overrides, isolates and direction marks
(schemas/common.py); a name stored earlier could still end in U+202E and reverse the app's own
words on the partner's screen. Such characters are removed; a name left empty becomes "Friend".

Revision ID: b3names01
Revises: b1sync0001
Create Date: 2026-11-29 12:40:00

"""

import re

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b3names01"
down_revision = "b1sync0001"
branch_labels = None
depends_on = None

# The same set as schemas/common.py _BIDI, written out here: a migration must not change when the app does.
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
users = sa.table("users", sa.column("id", sa.String), sa.column("display_name", sa.String))


def cleaned(name):
    return DIRECTION_CONTROLS.sub("", name).strip() or "Friend"


def upgrade():
    conn = op.get_bind()
    for user_id, name in conn.execute(sa.select(users.c.id, users.c.display_name)).all():
        if name and DIRECTION_CONTROLS.search(name):
            conn.execute(users.update().where(users.c.id == user_id).values(display_name=cleaned(name)))


def downgrade():
    pass  # the removed characters are not kept anywhere: nothing to restore
