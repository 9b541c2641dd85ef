"""one push budget a day per person: users.daily_partner_push_limit becomes users.daily_push_budget

The old limit counted partner events only (1-50, default 6) while the nudge and every reminder came on
top of it. The budget counts every push (0-6, default 3). The untouched default 6 becomes the new
default 3; a limit someone chose is kept, at most 6 (they asked for fewer pushes, never more).

Revision ID: f14b01
Revises: f14p8a
Create Date: 2026-11-30 01:20:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f14b01"
down_revision = "f14p8a"
branch_labels = None
depends_on = None


# A plain RENAME COLUMN (PostgreSQL, SQLite 3.25+): a batch copy of `users` on SQLite would drop the
# table under the entries' foreign keys. The default stays in the model, as before.


def upgrade():
    op.execute(sa.text("ALTER TABLE users RENAME COLUMN daily_partner_push_limit TO daily_push_budget"))
    op.execute(
        sa.text(
            "UPDATE users SET daily_push_budget = CASE WHEN daily_push_budget = 6 THEN 3 "
            "WHEN daily_push_budget > 6 THEN 6 ELSE daily_push_budget END"
        )
    )


def downgrade():
    op.execute(sa.text("UPDATE users SET daily_push_budget = 6 WHERE daily_push_budget = 3"))
    op.execute(sa.text("UPDATE users SET daily_push_budget = 1 WHERE daily_push_budget < 1"))
    op.execute(sa.text("ALTER TABLE users RENAME COLUMN daily_push_budget TO daily_partner_push_limit"))
