"""default rituals name their template, so each partner reads them in their own language

A default ritual was stored in the words of the partner who paired; the other partner, speaking the
other language, read them in the wrong one. Rituals now carry `template` (ritual.default.<template> in
the catalogues) and every reader gets the template's words in their language. This sets it on the
default rituals stored before: those whose type, title and prompts are exactly a default's, in English
or in Russian. A ritual someone made or rewrote is left alone. Each changed ritual takes a new rev and
a new seq on its couple's stream (and on its author's own stream when it has a place there), so both
phones pull it.

Revision ID: c2tmpl01
Revises: c1seqname01
Create Date: 2026-11-29 18:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c2tmpl01"
down_revision = "c1seqname01"
branch_labels = None
depends_on = None

# The default rituals' words as the catalogues held them when this was written (they had not changed
# since the first release): a migration must not change when the catalogues do.
DEFAULT_WORDS = {
    "nightly_gratitude": (
        (
            "Nightly thank-you",
            (
                "Name one thing your partner did today that you were glad of.",
                "Say it to them in a sentence, then listen to theirs.",
            ),
        ),
        (
            "Вечернее спасибо",
            (
                "Что из сделанного сегодня близким человеком тебя порадовало? Назови одно.",
                "Скажи об этом одной фразой, а потом послушай, что скажут тебе.",
            ),
        ),
    ),
    "weekly_checkin": (
        (
            "Weekly check-in",
            (
                "Phones away, in another room if you can. What went well for us this week?",
                "What was hard this week, for you or between us?",
                "Is there anything you've been carrying that you'd like to put down here?",
                "What would help you feel close to me in the week ahead?",
                "One small thing each of us will do before next Sunday.",
            ),
        ),
        (
            "Разговор недели",
            (
                "Телефоны в сторону, лучше в другую комнату. Что у нас получилось на этой неделе?",
                "Что было трудно на этой неделе — тебе или между нами?",
                "Есть что-то, что ты носишь в себе и хочешь здесь отпустить?",
                "Что поможет тебе чувствовать близость на следующей неделе?",
                "Одна маленькая вещь, которую каждый из нас сделает до следующего воскресенья.",
            ),
        ),
    ),
    "monthly_state": (
        (
            "State of us",
            (
                "What are you proud of us for this month?",
                "Where did we drift apart, even a little?",
                "Which of our agreements is working, and which needs a rethink?",
                "What are you looking forward to doing together next month?",
                "How are you really feeling about us right now, in words rather than numbers?",
            ),
        ),
        (
            "Как мы",
            (
                "Чем ты гордишься в нас за этот месяц?",
                "Где мы отдалились друг от друга, хоть немного?",
                "Какие наши договорённости работают, а какие стоит пересмотреть?",
                "Что ты ждёшь от следующего месяца вместе?",
                "Как ты на самом деле чувствуешь нас сейчас — словами, а не цифрами?",
            ),
        ),
    ),
    "connection_check": (
        (
            "Connection check",
            (
                "Beforehand: each of you writes down three questions you'd like to ask the other.",
                "First ten minutes: just be together. No screens, no plans, no problem-solving.",
                "Ask your first question. Let three seconds pass before anyone answers.",
                "Ask your second question. Let three seconds pass before anyone answers.",
                "Ask your third question. Let three seconds pass before anyone answers.",
            ),
        ),
        (
            "Время друг для друга",
            (
                "Заранее: каждый записывает три вопроса, которые хочет задать другому.",
                "Первые десять минут — просто побудьте вместе. Без экранов, планов и решения проблем.",
                "Задай первый вопрос. Пусть пройдёт три секунды, прежде чем кто-то ответит.",
                "Задай второй вопрос. Пусть пройдёт три секунды, прежде чем кто-то ответит.",
                "Задай третий вопрос. Пусть пройдёт три секунды, прежде чем кто-то ответит.",
            ),
        ),
    ),
    "vulnerability": (
        (
            "Five minutes each",
            (
                "First turn, five minutes: one of you talks about something you're afraid of. The other only listens.",
                "Listener: say back what you heard in your own words, and that it makes sense to you. No fixing, no arguing.",
                "Swap: the listener now talks for five minutes, and the first speaker mirrors.",
                "End with a thank-you. Nothing said here is up for debate later.",
            ),
        ),
        (
            "Пять минут каждому",
            (
                "Первый ход, пять минут: один рассказывает о том, чего боится. Другой только слушает.",
                "Слушающий: перескажи услышанное своими словами и скажи, что это понятно. Не чини и не спорь.",
                "Меняйтесь: теперь говорит слушавший, а первый пересказывает.",
                "Закончите словами благодарности. Сказанное здесь потом не обсуждается и не оспаривается.",
            ),
        ),
    ),
    "story": (
        (
            "A 90-second story",
            (
                'Tell one moment in 90 seconds: "I felt … when …, and it taught me …"',
                "Listener: no questions until the timer ends, then say what stayed with you.",
            ),
        ),
        (
            "История за 90 секунд",
            (
                "Расскажи об одном моменте за 90 секунд: «Мне было … когда …, и это научило меня …»",
                "Слушающий: никаких вопросов, пока не кончится таймер, потом скажи, что тебе запомнилось.",
            ),
        ),
    ),
    "reassessment": (
        (
            "Twelve weeks on",
            (
                "Look at the Us page together. Which number surprised you?",
                "Which ritual helped us most, and which one should change or stop?",
                "What do we want more of in the next twelve weeks?",
                "Pick one goal for the next twelve weeks and write it down as an agreement.",
            ),
        ),
        (
            "Двенадцать недель спустя",
            (
                "Посмотрите вместе на страницу «Мы». Какая цифра тебя удивила?",
                "Какой ритуал помог нам больше всего, а какой стоит изменить или убрать?",
                "Чего мы хотим больше в следующие двенадцать недель?",
                "Выберите одну цель на следующие двенадцать недель и запишите её как договорённость.",
            ),
        ),
    ),
}

entries = sa.table(
    "entries",
    sa.column("id", sa.String),
    sa.column("couple_id", sa.String),
    sa.column("author_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("body", sa.JSON),
    sa.column("rev", sa.Integer),
    sa.column("seq", sa.BigInteger),
    sa.column("own_seq", sa.BigInteger),
    sa.column("deleted", sa.Boolean),
)
couples = sa.table("couples", sa.column("id", sa.String), sa.column("seq", sa.BigInteger))
users = sa.table("users", sa.column("id", sa.String), sa.column("own_seq", sa.BigInteger))


def template_of(body):
    """The default ritual these words are, or None (a ritual someone made or rewrote)."""
    if not isinstance(body, dict) or "template" in body:
        return None
    words = (body.get("title"), tuple(body.get("prompts") or ()))
    return body.get("type") if words in DEFAULT_WORDS.get(body.get("type"), ()) else None


def _take(conn, table, column, key):
    """The next value of a stream counter (couples.seq, users.own_seq), taken."""
    conn.execute(table.update().where(table.c.id == key).values({column: table.c[column] + 1}))
    return conn.execute(sa.select(table.c[column]).where(table.c.id == key)).scalar_one()


def upgrade():
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            entries.c.id, entries.c.couple_id, entries.c.author_id, entries.c.body, entries.c.rev, entries.c.own_seq
        )
        .where(entries.c.kind == "ritual", entries.c.deleted.is_(False))
        .order_by(entries.c.seq)
    ).all()
    for entry_id, couple_id, author_id, body, rev, own_seq in rows:
        template = template_of(body)
        if template is None:
            continue
        values = {"body": {**body, "template": template}, "rev": (rev or 1) + 1}
        if couple_id is not None:
            values["seq"] = _take(conn, couples, "seq", couple_id)
        if own_seq is not None:
            values["own_seq"] = _take(conn, users, "own_seq", author_id)
        conn.execute(entries.update().where(entries.c.id == entry_id).values(**values))


def downgrade():
    # The template goes; the stored words were never changed, so the rituals read as before.
    conn = op.get_bind()
    rows = conn.execute(sa.select(entries.c.id, entries.c.body).where(entries.c.kind == "ritual")).all()
    for entry_id, body in rows:
        if isinstance(body, dict) and "template" in body:
            rest = {key: value for key, value in body.items() if key != "template"}
            conn.execute(entries.update().where(entries.c.id == entry_id).values(body=rest))
