"""Backups: `flask export-all` / `flask import-all` round-trip every row into an empty migrated database,
and a phone's next incremental sync carries on after the restore. On PostgreSQL, the pg_dump route too."""

import json
import os
import shutil
import subprocess
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

import e2e_crypto as ec
from backend import create_app
from backend.extensions import db
from backend.models import ClientState, Couple, DeviceKey, Entry, PushSubscription, User, WrappedKey
from conftest import _reset_postgres, make_config, worker_suffix
from key_material import PhoneDevice, recovery_blob, wrap
from push_service import Device
from samples import valid_body

pytestmark = pytest.mark.usefixtures("key_epochs_from_one")  # key ids c1, c2… below

ON_POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
ENTRY_COLUMNS = (
    "id",
    "couple_id",
    "author_id",
    "kind",
    "visibility",
    "shared_once",
    "ref_id",
    "question_id",
    "body",
    "rev",
    "seq",
    "created_at",
    "updated_at",
    "deleted",
    "deleted_at",
)


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
    name = f"test_h11_import{worker_suffix()}"
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
    edited = {
        "id": ids["appreciation"],
        "kind": "appreciation",
        "visibility": "shared",
        "body": {"text": "Thank you, edited."},
    }
    assert alice.sync(("put", edited)).json["results"][0]["status"] == "applied"
    assert alice.sync(("delete", {"id": ids["bid"]})).json["results"][0]["status"] == "applied"
    alice.pull_all()
    bob.pull_all()
    device = Device(SimpleNamespace(origin="https://fcm.googleapis.com"))
    response = bob.client.post("/api/push/subscriptions", json=device.subscription())
    assert response.status_code == 201, response.json
    # Keys (issue 15): a device each, the couple key wrapped to both, alice's personal key and recovery blob.
    phones = PhoneDevice(label="Alice's phone"), PhoneDevice()
    for person, phone in zip((alice, bob), phones, strict=True):
        assert person.client.post("/api/keys/devices", json=phone.body()).status_code == 201
    items = [
        {
            "device_id": phone.device_id,
            "key_id": key_id,
            "blob": wrap(bytes(32), phone.device_id, phone.public_key, key_id),
        }
        for phone, key_id in ((phones[0], "c1"), (phones[1], "c1"), (phones[0], "p1"))
    ]
    response = alice.client.put("/api/keys/wrapped", json={"items": items, "by_device": phones[0].device_id})
    assert response.status_code == 200, response.json
    blob = recovery_blob(alice.id, {"p1": bytes(32)})
    assert alice.client.put("/api/keys/recovery", json={"blob": blob}).status_code == 204
    return alice, bob, ids


def snapshot(app):
    """Every row that must survive, as plain comparable values."""
    with app.app_context():
        entries = {row.id: tuple(getattr(row, c) for c in ENTRY_COLUMNS) for row in db.session.scalars(select(Entry))}
        return {
            "entries": entries,
            "users": {
                u.id: (u.email, u.password_hash, u.display_name, u.timezone, u.nudge_time, u.couple_id)
                + (u.personal_key_epoch, u.recovery_blob)
                for u in db.session.scalars(select(User))
            },
            "couples": {
                c.id: (c.seq, c.horizon_seq, c.paired_at, c.ended_at, c.key_epoch)
                for c in db.session.scalars(select(Couple))
            },
            "device_keys": {
                (d.user_id, d.device_id): (d.public_key, d.label, d.created_at)
                for d in db.session.scalars(select(DeviceKey))
            },
            "wrapped_keys": {
                (w.user_id, w.device_id, w.key_id): (w.couple_id, w.blob, w.by_device, w.created_at)
                for w in db.session.scalars(select(WrappedKey))
            },
            "clients": {(s.user_id, s.client_id): s.last_mid for s in db.session.scalars(select(ClientState))},
            "subscriptions": {
                s.endpoint: (s.user_id, s.p256dh, s.auth) for s in db.session.scalars(select(PushSubscription))
            },
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
    assert len(before["device_keys"]) == 2 and len(before["wrapped_keys"]) == 3
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
    replay = {
        "mid": alice.mid,
        "op": "put",
        "entry": {"id": ids["appreciation"], "kind": "appreciation", "visibility": "shared", "body": {"text": "again"}},
    }
    response = alice.client.post(
        "/api/sync",
        json={
            "client_id": alice.client_id,
            "cursor": alice.cursor,
            "couple_id": alice.couple_id(),
            "mutations": [replay],
        },
    )
    assert response.status_code == 200, response.json
    assert response.json["last_mid"] == alice.mid and response.json["results"] == []  # already processed
    assert response.json["changes"] == [] and response.json["cursor"] == cursor_before

    # Sealed as alice's phone seals it (she has a device key: with the setting on, plaintext is refused).
    new_id = str(uuid.uuid4())
    words = ec.seal_text(bytes(32), "c1", new_id, "appreciation", "text", "after the restore")
    response, _ = alice.put("appreciation", {"text": words}, visibility="shared", id=new_id)
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


CHECKSUM = text(
    "SELECT count(*), md5(string_agg(id || ':' || seq || ':' || rev || ':' || deleted || ':' "
    "|| body::text, ',' ORDER BY id)) FROM entries"
)


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="pg_dump/pg_restore: needs PostgreSQL (TEST_DATABASE_URL)")
@pytest.mark.skipif(
    not shutil.which("pg_dump") or not shutil.which("pg_restore"), reason="pg_dump and pg_restore are not installed"
)
def test_pg_dump_and_pg_restore_keep_every_entry(app, pair, database_url, tmp_path):
    populate(pair)
    source = urlsplit(database_url)
    dump = tmp_path / "hearth.dump"
    connection = ["-h", source.hostname, "-p", str(source.port or 5432), "-U", source.username or "postgres"]
    subprocess.run(
        ["pg_dump", "-Fc", "--no-owner", *connection, "-f", str(dump), source.path.lstrip("/")], check=True, timeout=120
    )
    name = f"test_h11_restore{worker_suffix()}"
    admin = _admin(database_url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            conn.execute(text(f"CREATE DATABASE {name}"))
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", *connection, "-d", name, str(dump)], check=True, timeout=120
        )
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


# --- rows whatever their text; import checks first and names rows, never their values ---------


def _export(app, tmp_path):
    path = tmp_path / "hearth.jsonl"
    result = app.test_cli_runner().invoke(args=["export-all", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _write(path, items):
    """Writes items back as a backup, with the trailer's counts made to match."""
    counts = {}
    for item in items[1:-1]:
        counts[item["t"]] = counts.get(item["t"], 0) + 1
    items[-1]["counts"] = counts
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")


def _secrets(app):
    with app.app_context():
        return [value for user in db.session.scalars(select(User)) for value in (user.email, user.password_hash)]


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL cannot store these (see the next test)")
def test_export_all_writes_rows_with_nul_and_lone_surrogates_stored_by_old_versions(app, pair, tmp_path):
    alice, _bob, ids = populate(pair)
    with app.app_context():  # as SQLite kept them before inputs were checked
        db.session.execute(
            text("UPDATE entries SET body = :body WHERE id = :id"),
            {"body": '{"text": "broken \\ud800 emoji \\u0000"}', "id": ids["appreciation"]},
        )
        db.session.execute(
            text("UPDATE users SET display_name = :name WHERE id = :id"), {"name": "Ali\x00ce", "id": alice.id}
        )
        db.session.commit()
    path = _export(app, tmp_path)
    path.read_bytes().decode("utf-8")  # strict UTF-8 all through
    rows = {(item["t"], item["r"].get("id")): item["r"] for item in _lines(path)[1:-1]}
    assert rows[("entries", ids["appreciation"])]["body"] == {"text": "broken \ud800 emoji \x00"}
    assert rows[("users", alice.id)]["display_name"] == "Ali\x00ce"
    assert not os.path.exists(f"{path}.partial")


@pytest.mark.postgres_only
@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's own refusal")
@pytest.mark.parametrize(
    "statement, value",
    [
        ("UPDATE users SET display_name = :v", "Ali\x00ce"),
        ("UPDATE entries SET body = CAST(:v AS jsonb)", '{"text": "a\\u0000b"}'),
        ("UPDATE entries SET body = CAST(:v AS jsonb)", '{"text": "a\\ud800b"}'),
    ],
)
def test_postgresql_stores_no_nul_or_lone_surrogate_so_its_backups_have_none(app, pair, statement, value):
    populate(pair)
    with app.app_context():
        with pytest.raises(Exception) as refused:  # noqa: PT011 - the driver's or the server's error, below
            db.session.execute(text(statement), {"v": value})
        db.session.rollback()
    assert "0x00" in str(refused.value) or "Unicode" in str(refused.value) or "NUL" in str(refused.value)


@pytest.mark.parametrize(
    "change, table, column, what",
    [
        (lambda row: row.update(display_name="Ali\x00ce"), "users", "display_name", "NUL"),
        (lambda row: row.update(email="a\x00@example.com"), "users", "email", "NUL"),
        (lambda row: row.update(body={"text": "broken \ud800"}), "entries", "body", "surrogate"),
        (lambda row: row.update(body={"answers": [{"text\x00": "x"}]}), "entries", "body", "NUL"),
        (lambda row: row.update(seq="twelve"), "entries", "seq", "not an integer"),
        (lambda row: row.update(created_at="yesterday"), "entries", "created_at", "ISO 8601"),
        (lambda row: row.update(favourite="x"), "users", "favourite", "not a column"),
        (lambda row: row.pop("email"), "users", "email", "missing"),
    ],
    ids=["nul-name", "nul-email", "surrogate-body", "nul-body-key", "seq", "created_at", "unknown", "missing"],
)
def test_import_checks_every_row_first_and_names_it_without_its_values(
    app, pair, empty_database, tmp_path, change, table, column, what
):
    populate(pair)
    path = _export(app, tmp_path)
    items = _lines(path)
    rows = [i for i, item in enumerate(items) if item.get("t") == table]
    change(items[rows[-1]]["r"])
    _write(path, items)
    result = empty_database.test_cli_runner().invoke(args=["import-all", str(path)])
    assert result.exit_code == 1
    assert f"table {table}, row {len(rows)} (line {rows[-1] + 1}), column {column}:" in result.output
    assert what in result.output and "nothing was imported" in result.output
    for secret in _secrets(app):
        assert secret not in result.output and secret.split("@")[0] not in result.output
    with empty_database.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_import_names_a_row_the_database_refuses_without_its_values(app, pair, empty_database, tmp_path):
    """Two users with one email: only the database can tell (its DETAIL line quotes the email)."""
    populate(pair)
    path = _export(app, tmp_path)
    items = _lines(path)
    users = [i for i, item in enumerate(items) if item.get("t") == "users"]
    copy = json.loads(json.dumps(items[users[0]]))
    copy["r"]["id"] = "00000000-0000-4000-8000-000000000000"
    items.insert(users[-1] + 1, copy)
    _write(path, items)
    result = empty_database.test_cli_runner().invoke(args=["import-all", str(path)])
    assert result.exit_code == 1
    assert f"table users, row {len(users) + 1} (line {users[-1] + 2}): the database refused it" in result.output
    for secret in _secrets(app):
        assert secret not in result.output and secret.split("@")[0] not in result.output
    with empty_database.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_import_can_replace_bad_text_and_lists_each_row_it_changed(app, pair, empty_database, tmp_path):
    alice, _bob, ids = populate(pair)
    path = _export(app, tmp_path)
    items = _lines(path)
    for item in items:
        if item.get("t") == "entries" and item["r"]["id"] == ids["appreciation"]:
            item["r"]["body"] = {"text": "broken \ud800 emoji"}
        if item.get("t") == "users" and item["r"]["id"] == alice.id:
            item["r"]["display_name"] = "Ali\x00ce"
    _write(path, items)
    result = empty_database.test_cli_runner().invoke(args=["import-all", "--replace-bad-text", str(path)])
    assert result.exit_code == 0, result.output
    assert "column body: contained a lone UTF-16 surrogate: replaced with U+FFFD" in result.output
    assert "column display_name: contained a NUL character (U+0000): replaced with U+FFFD" in result.output
    with empty_database.app_context():
        assert db.session.get(Entry, ids["appreciation"]).body == {"text": "broken \ufffd emoji"}
        assert db.session.get(User, alice.id).display_name == "Ali\ufffdce"
