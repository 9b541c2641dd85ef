"""the stress-reducing conversation and the aftermath of a fight, for couples paired before them

New couples get every default ritual at pairing (services/rituals.py create_defaults). This gives the two
practices added in issue 14 (item 8) to every couple paired before them, once: a couple that still has
no ritual of that type (a turned-off one counts) gets a shared `ritual` entry naming its template, in the words
of the partner who paired (who authored the couple's other defaults), each taking a seq on the couple's
stream so both phones pull it on their next sync. A second run, or two phones, add nothing more.

Revision ID: f14p8a
Revises: f14c01
Create Date: 2026-11-30 02:00:00

"""

import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f14p8a"
down_revision = "f14c01"
branch_labels = None
depends_on = None

# The bodies as services/rituals.py default_bodies wrote them when this was written (a migration must
# not change when the catalogues do); each phone shows the template's words in its reader's language.
BODIES = {
    "en": {
        "stress_talk": {
            "type": "stress_talk",
            "title": "Stress-reducing conversation",
            "schedule": {"freq": "anytime", "interval": 1},
            "duration_min": 30,
            "prompts": [
                "Each of you picks a stress from outside the two of you: work, family, "
                "friends, health. Not about each other.",
                "First turn: the one who started talks; the other listens and takes "
                "their side. No advice unless asked.",
                "Second turn: swap. Now the other talks, and the first listens and takes their side.",
                'Close: ask each other "What would help?" It\'s the two of you against the problem.',
            ],
            "enabled": True,
            "template": "stress_talk",
        },
        "aftermath": {
            "type": "aftermath",
            "title": "After a fight",
            "schedule": {"freq": "anytime", "interval": 1},
            "duration_min": 30,
            "prompts": [
                "Only once you're both calm. Look back at the fight as if from a balcony, without going back into it.",
                "Feelings, the one who started: which feelings came up then? Feelings only, no blame.",
                "Feelings, the other: which feelings came up then? Feelings only, no blame.",
                "Versions, the one who started: what you saw and what you needed. Both versions can be true at once.",
                "Versions, the other: what you saw and what you needed. Both versions can be true at once.",
                "Triggers, the one who started: did an old hurt make it hit harder?",
                "Triggers, the other: did an old hurt make it hit harder?",
                'Your part, the one who started: "My part in this was…"',
                'Your part, the other: "My part in this was…"',
                "Next time, the one who started: one thing you'll do better.",
                "Next time, the other: one thing you'll do better.",
            ],
            "enabled": True,
            "template": "aftermath",
        },
    },
    "ru": {
        "stress_talk": {
            "type": "stress_talk",
            "title": "Разговор, снимающий стресс",
            "schedule": {"freq": "anytime", "interval": 1},
            "duration_min": 30,
            "prompts": [
                "Каждый выбирает стресс не из ваших отношений: работа, семья, друзья, здоровье. Не друг о друге.",
                "Первый ход: говорит тот, кто начал встречу; другой слушает и встаёт на "
                "его сторону. Советы — только если просят.",
                "Второй ход: меняйтесь. Теперь говорит второй, а первый слушает и встаёт на его сторону.",
                "В конце спросите друг друга: «Чем тебе помочь?» Это вы вдвоём против проблемы.",
            ],
            "enabled": True,
            "template": "stress_talk",
        },
        "aftermath": {
            "type": "aftermath",
            "title": "После ссоры",
            "schedule": {"freq": "anytime", "interval": 1},
            "duration_min": 30,
            "prompts": [
                "Только когда вы оба спокойны. Посмотрите на ссору как будто с балкона, не проваливаясь в неё снова.",
                "Чувства — сначала тот, кто начал встречу: какие чувства тогда поднялись? "
                "Только чувства, без обвинений.",
                "Чувства — теперь второй: какие чувства тогда поднялись? Только чувства, без обвинений.",
                "Версии — сначала тот, кто начал встречу: как это выглядело с твоей "
                "стороны и что тебе было нужно. Обе версии могут быть правдой "
                "одновременно.",
                "Версии — теперь второй: как это выглядело с твоей стороны и что тебе было "
                "нужно. Обе версии могут быть правдой одновременно.",
                "Что задело — сначала тот, кто начал встречу: не старая ли рана сделала это таким болезненным?",
                "Что задело — теперь второй: не старая ли рана сделала это таким болезненным?",
                "Своя часть — сначала тот, кто начал встречу: «Моя часть в этом — …»",
                "Своя часть — теперь второй: «Моя часть в этом — …»",
                "В следующий раз — сначала тот, кто начал встречу: одно, что ты сделаешь лучше.",
                "В следующий раз — теперь второй: одно, что ты сделаешь лучше.",
            ],
            "enabled": True,
            "template": "aftermath",
        },
    },
}
LANGUAGES = ("en", "ru")
TYPES = ("stress_talk", "aftermath")

entries = sa.table(
    "entries",
    sa.column("id", sa.String),
    sa.column("couple_id", sa.String),
    sa.column("author_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("visibility", sa.String),
    sa.column("shared_once", sa.Boolean),
    sa.column("body", sa.JSON),
    sa.column("rev", sa.Integer),
    sa.column("seq", sa.BigInteger),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("deleted", sa.Boolean),
)
couples = sa.table(
    "couples",
    sa.column("id", sa.String),
    sa.column("seq", sa.BigInteger),
    sa.column("created_by", sa.String),
    sa.column("paired_at", sa.DateTime),
    sa.column("ended_at", sa.DateTime),
)
users = sa.table(
    "users", sa.column("id", sa.String), sa.column("couple_id", sa.String), sa.column("language", sa.String)
)


def _author(conn, couple_id, created_by):
    """(id, language) of the partner who paired: the author of the couple's defaults, else the one who joined."""
    members = dict(conn.execute(sa.select(users.c.id, users.c.language).where(users.c.couple_id == couple_id)).all())
    rows = conn.execute(
        sa.select(entries.c.author_id, entries.c.body)
        .where(entries.c.couple_id == couple_id, entries.c.kind == "ritual")
        .order_by(entries.c.seq)
    ).all()
    paired = next((a for a, body in rows if isinstance(body, dict) and body.get("template") and a in members), None)
    if paired is None:
        paired = next((m for m in sorted(members) if m != created_by), None) or min(members, default=None)
    return (paired, members[paired]) if paired else (None, None)


def add_missing(conn, now):
    """Adds the practices each paired couple lacks; returns how many entries it wrote."""
    now = now.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
    paired = conn.execute(
        sa.select(couples.c.id, couples.c.created_by)
        .where(couples.c.paired_at.is_not(None), couples.c.ended_at.is_(None))
        .order_by(couples.c.id)
    ).all()
    written = 0
    for couple_id, created_by in paired:
        bodies = conn.execute(
            sa.select(entries.c.body).where(entries.c.couple_id == couple_id, entries.c.kind == "ritual")
        ).scalars()
        have = {body.get("type") for body in bodies if isinstance(body, dict)}
        missing = [type_ for type_ in TYPES if type_ not in have]
        author, language = _author(conn, couple_id, created_by)
        if not missing or author is None:
            continue
        words = BODIES[language if language in LANGUAGES else "en"]
        for type_ in missing:
            conn.execute(couples.update().where(couples.c.id == couple_id).values(seq=couples.c.seq + 1))
            seq = conn.execute(sa.select(couples.c.seq).where(couples.c.id == couple_id)).scalar_one()
            conn.execute(
                entries.insert().values(
                    id=str(uuid.uuid4()),
                    couple_id=couple_id,
                    author_id=author,
                    kind="ritual",
                    visibility="shared",
                    shared_once=True,
                    body=words[type_],
                    rev=1,
                    seq=seq,
                    created_at=now,
                    updated_at=now,
                    deleted=False,
                )
            )
            written += 1
    return written


def upgrade():
    add_missing(op.get_bind(), datetime.now(UTC))


def downgrade():
    # Left in place: an older server reads them as rituals with a title and prompts of their own.
    pass
