"""Fixtures: a migrated database per run (SQLite file, or PostgreSQL from TEST_DATABASE_URL),
emptied before every test; an app, a client, a CLI runner; helpers to sign up and pair.

`make test` runs the suite in two pytest-xdist workers. Each has its own database: a SQLite file under its
own temporary folder, or on PostgreSQL a database of its own named after TEST_DATABASE_URL's and the worker
(test_gw0, test_gw1), made here on the same server; TEST_DATABASE_URL is pointed at it for the worker, so
every test and every process a test starts sees the worker's database and never the other worker's."""

import os
import time
import uuid
from datetime import datetime

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db
from backend.models import base as model_base
from push_service import SUBJECT, PushService, new_vapid_pem

PASSWORD = "correct horse battery"

# The instant every test runs at unless it names its own with @pytest.mark.now("…"): a Wednesday,
# 12:00 in Berlin (the helpers' zone), when no default ritual, nudge or reminder is due.
# `make test-clocks` runs the worker and schedule tests again at harder instants through
# HEARTH_TEST_NOW (a Sunday at 10:00 and 21:30, both DST change days, New Year's Eve 23:59 UTC).
DEFAULT_NOW = "2026-06-10T10:00:00+00:00"


def parse_instant(value):
    instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert instant.tzinfo is not None, f"give the test instant a zone: {value}"
    return instant


def _run_instant():
    return parse_instant(os.environ.get("HEARTH_TEST_NOW") or DEFAULT_NOW)


def worker_suffix():
    """ "" in a plain run; "_gw0", "_gw1" … in a pytest-xdist worker: for names two workers must not share."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


def _own_postgres_database():
    """In an xdist worker on PostgreSQL: makes the worker's database (when missing) and points
    TEST_DATABASE_URL at it. A plain run keeps TEST_DATABASE_URL as given."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql") or not worker_suffix():
        return
    base = make_url(url)
    name = f"{base.database}{worker_suffix()}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    os.environ["TEST_DATABASE_URL"] = base.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config):
    """Collection already reads the clock (parametrized dates): it reads the run's instant too. A worker
    takes its own database before any test module reads TEST_DATABASE_URL."""
    model_base.clock.shift_to(_run_instant())
    _own_postgres_database()


@pytest.fixture(autouse=True)
def clock(request):
    """Fixes the app's "now" for this test: its @pytest.mark.now instant, else HEARTH_TEST_NOW, else
    DEFAULT_NOW. Time then runs on from there, as it would. Browser tests set their pages' clocks to
    the same instant (tests/e2e/conftest.py)."""
    marker = request.node.get_closest_marker("now")
    model_base.clock.shift_to(parse_instant(marker.args[0]) if marker else _run_instant())
    yield model_base.clock
    model_base.clock.shift_to(_run_instant())


def _reset_postgres(url):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_config(url, **overrides):
    return type("PerTestConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **overrides})


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Still argon2id, with the cost turned down: the suite signs up hundreds of people.
    Production parameters are the library's defaults (see services/accounts.py)."""
    from argon2 import PasswordHasher

    from backend.services import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("not anyone's password"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database built by the migrations alone (never create_all), shared by the run."""
    from flask_migrate import upgrade

    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        _reset_postgres(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hearth.db'}"
    app = create_app(make_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def empty_tables(app, attempts=5):
    """Empties every table. A browser test's server may still be answering the last test's closed
    pages: on PostgreSQL such a request can hold a table the TRUNCATE needs while waiting for one
    it already locked, and the database then breaks the deadlock by failing one of the two. The
    TRUNCATE is simply tried again once that request is done."""
    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        for attempt in range(attempts):
            try:
                with db.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
                    else:
                        for table in tables:
                            conn.execute(text(f"DELETE FROM {table}"))
                return
            except OperationalError as err:
                if attempt == attempts - 1 or "deadlock" not in str(err.orig).lower():
                    raise
                time.sleep(0.2 * (attempt + 1))


@pytest.fixture
def make_app(database_url):
    """Builds an app on the test database with config overrides; the tables are emptied first."""
    apps = []

    def build(**overrides):
        app = create_app(make_config(database_url, **overrides))
        if not apps:
            empty_tables(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def vapid_pem():
    """One VAPID private key (PEM) for the run."""
    return new_vapid_pem()


@pytest.fixture
def app(request, make_app):
    """The app on the test database. Under @pytest.mark.vapid (the push test modules' pytestmark) it
    has a VAPID key and subject, as a deployment that sends pushes has; otherwise it has none."""
    if request.node.get_closest_marker("vapid"):
        return make_app(VAPID_PRIVATE_KEY=request.getfixturevalue("vapid_pem"), VAPID_SUBJECT=SUBJECT)
    return make_app()


@pytest.fixture
def push_service():
    """A loopback Web Push service on 127.0.0.1 (tests/push_service.py), closed after the test."""
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CURRENT = object()


class Person:
    """A signed-up user with their own cookie jar, and a device (client_id + mid counter) for sync."""

    def __init__(self, app, email, name, timezone="Europe/Berlin"):
        self.client = app.test_client()
        self.email, self.name = email, name
        response = self.client.post(
            "/api/auth/signup", json={"email": email, "password": PASSWORD, "display_name": name, "timezone": timezone}
        )
        assert response.status_code == 201, response.json
        self.user = response.json["user"]
        self.id = self.user["id"]
        self.client_id = str(uuid.uuid4())
        self.mid = 0
        self.cursor = 0

    def sync(self, *mutations, cursor=None, couple_id=CURRENT):
        """POST /api/sync with the given (op, entry) pairs, numbering mids from this device's counter.
        The request names `couple_id` (by default the couple the user is in now, as GET /api/me says)."""
        numbered = []
        for op, entry in mutations:
            self.mid += 1
            numbered.append({"mid": self.mid, "op": op, "entry": entry})
        if couple_id is CURRENT:
            couple_id = self.couple_id()
        return self.client.post(
            "/api/sync",
            json={
                "client_id": self.client_id,
                "cursor": self.cursor if cursor is None else cursor,
                "couple_id": couple_id,
                "mutations": numbered,
            },
        )

    def couple_id(self):
        couple = self.client.get("/api/me").json["couple"]
        return couple and couple["id"]

    def put(self, kind, body, **fields):
        """Syncs one new entry; returns (response, entry id)."""
        entry = {"id": fields.pop("id", str(uuid.uuid4())), "kind": kind, "body": body, **fields}
        return self.sync(("put", entry)), entry["id"]

    def pull_all(self):
        """Every change since this device's cursor, page by page; advances the cursor."""
        changes = []
        while True:
            response = self.sync()
            assert response.status_code == 200, response.json
            changes += response.json["changes"]
            self.cursor = response.json["cursor"]
            if not response.json["more"]:
                return changes


@pytest.fixture
def signup(app):
    count = iter(range(1, 1000))

    def make(name=None, timezone="Europe/Berlin"):
        n = next(count)
        return Person(app, f"person{n}@example.com", name or f"Person {n}", timezone)

    return make


@pytest.fixture
def pair(app, signup):
    """Two partners in one couple: (alice, bob).

    Pairing creates the default rituals. Protocol tests that reason about a couple's exact
    entries and seqs ask for rituals=False: the defaults are removed and the counter reset,
    as for a couple paired before they existed.
    """

    def make(rituals=True):
        alice, bob = signup("Alice"), signup("Bob")
        code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
        assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
        if not rituals:
            _drop_default_rituals(app, bob.id)
        return alice, bob

    return make


def _drop_default_rituals(app, user_id):
    from backend.models import Couple, Entry, User

    with app.app_context():
        couple_id = db.session.get(User, user_id).couple_id
        db.session.execute(db.delete(Entry).where(Entry.couple_id == couple_id))
        db.session.get(Couple, couple_id).seq = 0
        db.session.commit()


@pytest.fixture
def key_epochs_from_one(monkeypatch):
    """New couples start at key epoch 1 instead of a random one (services/couples.py `first_key_epoch`), so
    a key directory test can name `c1`, `c2`… tests/test_keys.py checks the random start itself."""
    from backend.services import couples

    monkeypatch.setattr(couples, "first_key_epoch", lambda: 1)
