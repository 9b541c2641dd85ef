"""The schema comes only from the migrations: they build an empty database up to head, and match the models."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from backend import create_app
from backend.config import ROOT, TestConfig
from backend.extensions import db
from backend.models import utcnow

SCRATCH_SCHEMA = "h3_scratch"


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind the suite runs on: a new SQLite file, or on PostgreSQL a scratch
    schema in the test database (a schema drops in milliseconds; a database takes seconds)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCRATCH_SCHEMA}"))
    try:
        scratch = make_url(url).update_query_dict({"options": f"-csearch_path={SCRATCH_SCHEMA}"})
        yield scratch.render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCRATCH_SCHEMA} CASCADE"))
        server.dispose()


def _config(url):
    return type("EmptyDatabaseConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url})


def _head():
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def test_upgrade_builds_an_empty_database_up_to_head(empty_database_url):
    app = create_app(_config(empty_database_url))
    with app.app_context():
        try:
            upgrade()
            with db.engine.connect() as conn:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
                tables = set(inspect(conn).get_table_names())
                if conn.dialect.name == "postgresql":  # built in the scratch schema, not in public
                    assert conn.execute(text("SELECT current_schema()")).scalar_one() == SCRATCH_SCHEMA
        finally:
            db.session.remove()
            db.engine.dispose()

    assert version == _head()
    assert set(db.metadata.tables) <= tables


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_names_stored_with_direction_controls_lose_them(empty_database_url):
    """A name stored before they were refused ("Sam" + U+202E) would reverse the app's words after it."""
    app = create_app(_config(empty_database_url))
    names = {"u1": "Sam\u202e", "u2": "\u2067Noa\u2069", "u3": "\u202e", "u4": "Alex"}
    with app.app_context():
        try:
            upgrade(revision="b1sync0001")
            with db.engine.begin() as conn:
                for user_id, name in names.items():
                    conn.execute(
                        text(
                            "INSERT INTO users (id, email, password_hash, display_name, timezone, nudge_time, "
                            "show_previews, daily_push_limit, created_at) VALUES (:id, :email, 'x', :name, "
                            "'Europe/Berlin', '20:00', false, 6, '2026-06-01 10:00:00')"
                        ),
                        {"id": user_id, "email": f"{user_id}@example.com", "name": name},
                    )
            upgrade()
            with db.engine.connect() as conn:
                stored = dict(conn.execute(text("SELECT id, display_name FROM users")).all())
        finally:
            db.session.remove()
            db.engine.dispose()
    assert stored == {"u1": "Sam", "u2": "Noa", "u3": "Friend", "u4": "Alex"}


def test_people_who_signed_up_before_languages_speak_english(empty_database_url):
    """users.language arrives with every existing account set to English, the only language there was."""
    app = create_app(_config(empty_database_url))
    with app.app_context():
        try:
            upgrade(revision="b3names01")
            with db.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, display_name, timezone, nudge_time, "
                        "show_previews, daily_push_limit, created_at) VALUES ('u1', 'u1@example.com', 'x', 'Sam', "
                        "'Europe/Berlin', '20:00', false, 6, '2026-06-01 10:00:00')"
                    )
                )
            upgrade()
            with db.engine.connect() as conn:
                stored = conn.execute(text("SELECT id, language FROM users")).all()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert [tuple(row) for row in stored] == [("u1", "en")]


def test_the_partner_push_limit_becomes_the_push_budget_with_entries_kept(empty_database_url):
    """The untouched default 6 (partner events only) becomes the budget's default 3; a limit someone chose
    stays, at most 6. Nothing else about the accounts, nor their entries, changes."""
    app = create_app(_config(empty_database_url))
    with app.app_context():
        try:
            upgrade(revision="f14a01")
            with db.engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO couples (id, seq, horizon_seq, created_at) VALUES ('c1', 1, 0, :t)"),
                    {"t": "2026-06-01 10:00:00"},
                )
                for user, limit in (("u6", 6), ("u2", 2), ("u10", 10), ("u1", 1)):
                    conn.execute(
                        text(
                            "INSERT INTO users (id, email, password_hash, display_name, timezone, nudge_time, "
                            "show_previews, daily_partner_push_limit, language, own_seq, own_horizon, couple_id, "
                            "created_at) VALUES (:id, :email, 'x', :id, 'Europe/Berlin', '20:00', false, :limit, "
                            "'en', 0, 0, 'c1', '2026-06-01 10:00:00')"
                        ),
                        {"id": user, "email": f"{user}@example.com", "limit": limit},
                    )
                conn.execute(
                    text(
                        "INSERT INTO entries (id, couple_id, author_id, kind, visibility, body, rev, seq, deleted, "
                        "shared_once, created_at, updated_at) VALUES ('e1', 'c1', 'u6', 'appreciation', 'shared', "
                        "'{\"text\": \"hi\"}', 1, 1, false, true, '2026-06-01 10:00:00', '2026-06-01 10:00:00')"
                    )
                )
            upgrade()
            with db.engine.connect() as conn:
                budgets = dict(conn.execute(text("SELECT id, daily_push_budget FROM users")).all())
                entries = conn.execute(text("SELECT id FROM entries")).scalars().all()
        finally:
            db.session.remove()
            db.engine.dispose()
    assert budgets == {"u6": 3, "u2": 2, "u10": 6, "u1": 1}
    assert entries == ["e1"]


def test_default_rituals_stored_before_templates_name_theirs(empty_database_url):
    """A ritual whose type, title and prompts are exactly a default's, in English or Russian, gets its
    template (a new rev, and a seq so both phones pull it); one someone made or rewrote stays as it was."""
    from backend.services.rituals import words

    def ritual(type_, lang="en", **change):
        title, prompts = words(type_, lang)
        return {"type": type_, "title": title, "prompts": prompts, "duration_min": 20, "enabled": True} | {
            "schedule": {"freq": "anytime"},
            **change,
        }

    bodies = {
        "en": ritual("weekly_checkin"),
        "ru": ritual("story", "ru"),
        "retitled": ritual("monthly_state", title="Our month"),
        "reprompted": ritual("nightly_gratitude", "ru", prompts=["Одно спасибо"]),
        "mixed": ritual("reassessment", title=words("reassessment", "ru")[0]),
        "other_type": ritual("weekly_checkin") | {"type": "custom"},
    }
    app = create_app(_config(empty_database_url))
    with app.app_context():
        try:
            upgrade(revision="c1seqname01")
            tables = db.metadata.tables
            with db.engine.begin() as conn:
                conn.execute(tables["couples"].insert().values(id="c1", seq=len(bodies)))
                for user, own_seq in (("u1", 5), ("u2", 0)):
                    # Plain SQL: the model has moved on (users.daily_push_budget came after this revision).
                    conn.execute(
                        text(
                            "INSERT INTO users (id, email, password_hash, display_name, timezone, nudge_time, "
                            "show_previews, daily_partner_push_limit, language, own_seq, own_horizon, couple_id, "
                            "created_at) VALUES (:id, :email, 'x', :id, 'Europe/Berlin', '20:00', false, 6, 'en', "
                            ":own_seq, 0, 'c1', :now)"
                        ),
                        {"id": user, "email": f"{user}@example.com", "own_seq": own_seq, "now": utcnow()},
                    )
                for seq, (name, body) in enumerate(bodies.items(), start=1):
                    conn.execute(
                        tables["entries"]
                        .insert()
                        .values(id=name, couple_id="c1", author_id="u1", kind="ritual", visibility="shared")
                        .values(body=body, rev=1, seq=seq, own_seq=1 if name == "ru" else None)
                    )
            upgrade()
            with db.engine.connect() as conn:
                entries = tables["entries"]
                stored = {row.id: row for row in conn.execute(db.select(entries))}
                couple_seq = conn.execute(db.select(tables["couples"].c.seq)).scalar_one()
                own_seqs = dict(conn.execute(db.select(tables["users"].c.id, tables["users"].c.own_seq)).all())
        finally:
            db.session.remove()
            db.engine.dispose()

    assert {name: row.body.get("template") for name, row in stored.items()} == {
        "en": "weekly_checkin",
        "ru": "story",
        "retitled": None,
        "reprompted": None,
        "mixed": None,
        "other_type": None,
    }
    assert {name: row.body for name, row in stored.items() if name not in ("en", "ru")} == {
        name: body for name, body in bodies.items() if name not in ("en", "ru")
    }
    assert stored["ru"].body == {**bodies["ru"], "template": "story"}
    assert [(stored[n].rev, stored[n].seq) for n in ("en", "ru", "mixed")] == [(2, 7), (2, 8), (1, 5)]
    assert couple_seq == 8
    assert (stored["ru"].own_seq, stored["en"].own_seq, own_seqs) == (6, None, {"u1": 6, "u2": 0})


def test_the_key_directory_arrives_with_epoch_one_and_goes_again_on_downgrade(empty_database_url):
    """f15k01: every existing couple and person starts at key epoch 1 with no recovery blob; the downgrade
    drops the two tables and three columns and leaves the accounts and couples as they were."""
    from flask_migrate import downgrade

    app = create_app(_config(empty_database_url))
    with app.app_context():
        try:
            upgrade(revision="f14b01")
            with db.engine.begin() as conn:
                conn.execute(
                    text("INSERT INTO couples (id, seq, horizon_seq, created_at) VALUES ('c1', 3, 0, :t)"),
                    {"t": "2026-06-01 10:00:00"},
                )
                conn.execute(
                    text(
                        "INSERT INTO users (id, email, password_hash, display_name, timezone, nudge_time, "
                        "show_previews, daily_push_budget, language, own_seq, own_horizon, couple_id, "
                        "created_at) VALUES ('u1', 'u1@example.com', 'x', 'Sam', 'Europe/Berlin', '20:00', false, "
                        "3, 'en', 0, 0, 'c1', '2026-06-01 10:00:00')"
                    )
                )
            upgrade(revision="f15k01")
            with db.engine.begin() as conn:
                epochs = conn.execute(text("SELECT key_epoch FROM couples")).scalars().all()
                people = conn.execute(text("SELECT personal_key_epoch, recovery_blob FROM users")).all()
                conn.execute(
                    text(
                        "INSERT INTO device_keys (user_id, device_id, public_key, created_at) "
                        "VALUES ('u1', 'd1', 'k', '2026-06-01 10:00:00')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO wrapped_keys (user_id, device_id, couple_id, key_id, blob, created_at) "
                        "VALUES ('u1', 'd1', 'c1', 'c1', 'w1.x', '2026-06-01 10:00:00')"
                    )
                )
            downgrade(revision="f14b01")
            with db.engine.connect() as conn:
                inspector = inspect(conn)
                tables = set(inspector.get_table_names())
                user_columns = {c["name"] for c in inspector.get_columns("users")}
                couple_columns = {c["name"] for c in inspector.get_columns("couples")}
                kept = conn.execute(text("SELECT u.id, c.seq FROM users u JOIN couples c ON c.id = u.couple_id")).all()
            upgrade()  # and up again, from a database that had keys once
        finally:
            db.session.remove()
            db.engine.dispose()
    assert epochs == [1] and [tuple(p) for p in people] == [(1, None)]
    assert not {"device_keys", "wrapped_keys"} & tables
    assert not {"personal_key_epoch", "recovery_blob"} & user_columns and "key_epoch" not in couple_columns
    assert [tuple(row) for row in kept] == [("u1", 3)]
