"""Backups: `flask export-all` / `flask import-all` round-trip every row into an empty migrated database,
and a phone's next incremental sync carries on after the restore. On PostgreSQL, the pg_dump route too."""
import json
import os
import shutil
import subprocess
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from backend import create_app
from backend.extensions import db
from backend.models import ClientState, Couple, Entry, PushSubscription, User
from conftest import _reset_postgres, make_config
from push_service import Device
from samples import valid_body

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
ENTRY_COLUMNS = ("id", "couple_id", "author_id", "kind", "visibility", "shared_once", "ref_id", "topic", "body",
                 "rev", "seq", "created_at", "updated_at", "deleted", "deleted_at")


def _scratch_url(base, name):
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(base):
    """An autocommit engine on the server's `postgres` database, to create and drop scratch databases."""
    return create_engine(_scratch_url(base, "postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def scratch_url(database_url, tmp_path_factory):
    """A second database for the module: a SQLite file, or PostgreSQL's test_h11_import (created once:
    CREATE and DROP DATABASE are slow, so each test empties its schema instead)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path_factory.mktemp('restore') / 'restored.db'}"
        return
    name = "test_h11_import"
    admin = _admin(database_url)
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield _scratch_url(database_url, name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def empty_database(scratch_url):
    """The scratch database, emptied and migrated: what `flask import-all` expects."""
    if ON_POSTGRES:
        _reset_postgres(scratch_url)
    else:
        path = scratch_url.removeprefix("sqlite:///")
        if os.path.exists(path):
            os.remove(path)
    app = create_app(make_config(scratch_url))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def populate(pair):
    """A couple with every kind of history: shared and private entries, edits (rev > 1), a tombstone,
    a device's sync state, and a push subscription."""
    alice, bob = pair()
    alice.pull_all()
    bob.pull_all()
    ids = {}
    for kind in ("appreciation", "disclosure", "checkin", "journal", "bid"):
        response, ids[kind] = alice.put(kind, valid_body(kind), visibility="shared")
        assert response.json["results"][0]["status"] == "applied", response.json
    response, ids["private"] = bob.put("appreciation", {"text": "only mine"}, visibility="private")
    assert response.json["results"][0]["status"] == "applied"
    edited = {"id": ids["appreciation"], "kind": "appreciation", "visibility": "shared",
              "body": {"text": "Thank you, edited."}}
    assert alice.sync(("put", edited)).json["results"][0]["status"] == "applied"
    assert alice.sync(("delete", {"id": ids["bid"]})).json["results"][0]["status"] == "applied"
    alice.pull_all()
    bob.pull_all()
    device = Device(SimpleNamespace(origin="https://fcm.googleapis.com"))
    response = bob.client.post("/api/push/subscriptions", json=device.subscription())
    assert response.status_code == 201, response.json
    return alice, bob, ids


def snapshot(app):
    """Every row that must survive, as plain comparable values."""
    with app.app_context():
        entries = {row.id: tuple(getattr(row, c) for c in ENTRY_COLUMNS)
                   for row in db.session.scalars(select(Entry))}
        return {
            "entries": entries,
            "users": {u.id: (u.email, u.password_hash, u.display_name, u.timezone, u.nudge_time, u.couple_id)
                      for u in db.session.scalars(select(User))},
            "couples": {c.id: (c.version, c.horizon_seq, c.paired_at, c.ended_at)
                        for c in db.session.scalars(select(Couple))},
            "clients": {(s.user_id, s.client_id): s.last_mid for s in db.session.scalars(select(ClientState))},
            "subscriptions": {s.endpoint: (s.user_id, s.p256dh, s.auth)
                              for s in db.session.scalars(select(PushSubscription))},
        }


def test_export_import_round_trip_keeps_every_row(app, pair, empty_database, tmp_path):
    alice, bob, ids = populate(pair)
    path = tmp_path / "hearth.jsonl"
    result = app.test_cli_runner().invoke(args=["export-all", str(path)])
    assert result.exit_code == 0, result.output
    lines = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "hearth-backup"
    assert json.loads(lines[-1])["end"] is True

    result = empty_database.test_cli_runner().invoke(args=["import-all", str(path)])
    assert result.exit_code == 0, result.output
    before, after = snapshot(app), snapshot(empty_database)
    assert len(before["entries"]) >= 9  # four default rituals, six entries (one deleted)
    assert after == before
    restored = after["entries"]
    assert restored[ids["bid"]][ENTRY_COLUMNS.index("deleted")] is True
    assert restored[ids["appreciation"]][ENTRY_COLUMNS.index("rev")] == 2
    assert restored[ids["appreciation"]][ENTRY_COLUMNS.index("body")] == {"text": "Thank you, edited."}


def test_phone_syncs_incrementally_after_a_restore(app, pair, empty_database, tmp_path):
    alice, bob, ids = populate(pair)
    path = tmp_path / "hearth.jsonl"
    assert app.test_cli_runner().invoke(args=["export-all", str(path)]).exit_code == 0
    assert empty_database.test_cli_runner().invoke(args=["import-all", str(path)]).exit_code == 0

    # The same phones, pointed at the restored server: same cookie, client_id, mid counter and cursor.
    name = app.config["SESSION_COOKIE_NAME"]
    for person in (alice, bob):
        cookie = person.client.get_cookie(name).value
        person.client = empty_database.test_client()
        person.client.set_cookie(name, cookie)
    cursor_before = alice.cursor
    replay = {"mid": alice.mid, "op": "put", "entry": {"id": ids["appreciation"], "kind": "appreciation",
                                                       "visibility": "shared", "body": {"text": "again"}}}
    response = alice.client.post("/api/sync", json={"client_id": alice.client_id, "cursor": alice.cursor,
                                                    "couple_id": alice.couple_id(), "mutations": [replay]})
    assert response.status_code == 200, response.json
    assert response.json["last_mid"] == alice.mid and response.json["results"] == []  # already processed
    assert response.json["changes"] == [] and response.json["cursor"] == cursor_before

    response, new_id = alice.put("appreciation", {"text": "after the restore"}, visibility="shared")
    assert response.status_code == 200
    assert response.json["results"][0]["status"] == "applied"
    couple_before, own_before = map(int, str(cursor_before).split("."))
    assert response.json["results"][0]["entry"]["seq"] == couple_before + 1  # the counters carried on
    assert response.json["cursor"] == f"{couple_before + 1}.{own_before + 1}"
    changes = bob.pull_all()
    assert [c["id"] for c in changes] == [new_id]
    with empty_database.app_context():
        assert db.session.get(Entry, ids["appreciation"]).body == {"text": "Thank you, edited."}


def test_import_refuses_a_database_that_is_not_empty(app, pair, tmp_path):
    populate(pair)
    path = tmp_path / "hearth.jsonl"
    assert app.test_cli_runner().invoke(args=["export-all", str(path)]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["import-all", str(path)])
    assert result.exit_code == 1
    assert "not empty" in result.output


def test_import_refuses_a_cut_off_file(app, pair, empty_database, tmp_path):
    populate(pair)
    path = tmp_path / "hearth.jsonl"
    assert app.test_cli_runner().invoke(args=["export-all", str(path)]).exit_code == 0
    path.write_text("\n".join(path.read_text().splitlines()[:-3]) + "\n")
    result = empty_database.test_cli_runner().invoke(args=["import-all", str(path)])
    assert result.exit_code == 1
    assert "incomplete" in result.output
    with empty_database.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Entry)) == 0  # nothing half-imported


CHECKSUM = text("SELECT count(*), md5(string_agg(id || ':' || seq || ':' || rev || ':' || deleted || ':' "
                "|| body::text, ',' ORDER BY id)) FROM entries")


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump/pg_restore: needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.skipif(not shutil.which("pg_dump") or not shutil.which("pg_restore"),
                    reason="pg_dump and pg_restore are not installed")
def test_pg_dump_and_pg_restore_keep_every_entry(app, pair, database_url, tmp_path):
    populate(pair)
    source = urlsplit(database_url)
    dump = tmp_path / "hearth.dump"
    connection = ["-h", source.hostname, "-p", str(source.port or 5432), "-U", source.username or "postgres"]
    subprocess.run(["pg_dump", "-Fc", "--no-owner", *connection, "-f", str(dump), source.path.lstrip("/")],
                   check=True, timeout=120)
    name = "test_h11_restore"
    admin = _admin(database_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", *connection, "-d", name, str(dump)],
                       check=True, timeout=120)
        engines = [create_engine(database_url), create_engine(_scratch_url(database_url, name))]
        try:
            sums = []
            for engine in engines:
                with engine.connect() as conn:
                    sums.append(tuple(conn.execute(CHECKSUM).one()))
        finally:
            for engine in engines:
                engine.dispose()
        assert sums[0][0] >= 9
        assert sums[0] == sums[1]
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
