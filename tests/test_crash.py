"""Crash test: phones syncing against gunicorn (2 workers) on PostgreSQL; the master and its workers are
killed with SIGKILL mid-load and started again. The phones retry exactly as the protocol says (the same
batch after a connection error; drop what `last_mid` covers after a success) until their outboxes are
empty. Then every mutation is applied exactly once, and every phone's view agrees with the database."""

import os
import random
import sys
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import or_, select

from backend.extensions import db
from backend.models import ClientState, Entry, User
from servers import Processes, free_port, wait_healthy

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="crash test needs PostgreSQL (TEST_DATABASE_URL): gunicorn's workers write "
        "concurrently from separate processes",
    ),
]

COUPLES = 3
MUTATIONS_PER_PHONE = 120
PASSWORD = "correct horse battery"


class Gunicorn:
    def __init__(self, processes, database_url, tmp_path):
        self.processes, self.port = processes, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "HEARTH_INSTANCE": str(tmp_path),
            "SECRET_KEY": "crash-test-secret",
            "SESSION_COOKIE_SECURE": "0",
            "RATELIMIT_ENABLED": "0",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = None

    def start(self):
        self.process = self.processes.start(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "backend:create_app()",
            ],
            self.env,
            self.log,
        )
        wait_healthy(self.url, process=self.process)

    def crash(self):
        return self.processes.kill9(self.process)


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """gunicorn on the migrated test database (emptied by the `app` fixture); always killed at the end."""
    processes = Processes()
    server = Gunicorn(processes, database_url, tmp_path)
    try:
        server.start()
        yield server
    finally:
        processes.stop_all()


class Phone(threading.Thread):
    """One device: a client_id, an outbox with increasing mids, a cursor, and its synced copy of the data."""

    def __init__(self, url, session, seed):
        super().__init__(daemon=True)
        self.url, self.http, self.rng = url, session, random.Random(seed)
        self.client_id, self.mid, self.cursor, self.couple_id = str(uuid.uuid4()), 0, 0, None
        self.outbox, self.acked, self.statuses = [], set(), []
        self.mine = {}  # entry id -> (updates sent after the create, last text)
        self.view = {}  # entry id -> entry, as pulled incrementally
        self.connection_errors = self.server_errors = 0
        self.error = None

    def _queue_some(self):
        for _ in range(self.rng.randint(1, 4)):
            if self.mid >= MUTATIONS_PER_PHONE:
                return
            self.mid += 1
            if self.mine and self.rng.random() < 0.3:
                entry_id = self.rng.choice(sorted(self.mine))
                self.mine[entry_id] = (self.mine[entry_id][0] + 1, f"edit {self.mid}")
            else:
                entry_id = str(uuid.uuid4())
                self.mine[entry_id] = (0, f"note {self.mid}")
            body = {"text": self.mine[entry_id][1]}
            self.outbox.append(
                {
                    "mid": self.mid,
                    "op": "put",
                    "entry": {"id": entry_id, "kind": "appreciation", "visibility": "shared", "body": body},
                }
            )

    def sync_once(self):
        """One request; False after a connection error or 5xx (the caller retries the same batch)."""
        batch = self.outbox[:100]
        try:
            if self.couple_id is None:  # the couple the phone writes for, as the app keeps it
                self.couple_id = self.http.get(f"{self.url}/api/me", timeout=30).json()["couple"]["id"]
            response = self.http.post(
                f"{self.url}/api/sync",
                timeout=30,
                json={
                    "client_id": self.client_id,
                    "cursor": self.cursor,
                    "couple_id": self.couple_id,
                    "mutations": batch,
                },
            )
        except (requests.RequestException, ValueError):  # ValueError: a half-started server's answer
            self.connection_errors += 1
            return False
        if response.status_code >= 500:
            self.server_errors += 1
            return False
        assert response.status_code == 200, response.text
        data = response.json()
        self.statuses += [(r["mid"], r["status"]) for r in data["results"]]
        self.acked.update(m["mid"] for m in batch if m["mid"] <= data["last_mid"])
        self.outbox = [m for m in self.outbox if m["mid"] > data["last_mid"]]
        for change in data["changes"]:
            self.view[change["id"]] = change
        self.cursor = data["cursor"]
        return not data["more"] or self.sync_once()

    def run(self):
        try:
            deadline = time.time() + 90
            while (self.mid < MUTATIONS_PER_PHONE or self.outbox) and time.time() < deadline:
                self._queue_some()
                while not self.sync_once():
                    if time.time() > deadline:
                        return
                    time.sleep(0.1)  # the server is down: retry the same batch shortly
                time.sleep(self.rng.uniform(0.005, 0.03))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def pull_from_zero(self):
        entries, cursor = {}, 0
        while True:
            response = self.http.post(
                f"{self.url}/api/sync",
                timeout=30,
                json={"client_id": self.client_id, "cursor": cursor, "mutations": []},
            )
            assert response.status_code == 200, response.text
            for change in response.json()["changes"]:
                entries[change["id"]] = change
            cursor = response.json()["cursor"]
            if not response.json()["more"]:
                return entries


def _person(url, n):
    session = requests.Session()
    response = session.post(
        f"{url}/api/auth/signup",
        timeout=30,
        json={
            "email": f"crash{n}@example.com",
            "password": PASSWORD,
            "display_name": f"Crash {n}",
            "timezone": "Europe/Berlin",
        },
    )
    assert response.status_code == 201, response.text
    return session, response.json()["user"]["id"]


def _couples(url):
    people = []
    for n in range(COUPLES):
        (a, a_id), (b, b_id) = _person(url, 2 * n), _person(url, 2 * n + 1)
        code = a.post(f"{url}/api/couple", json={}, timeout=30).json()["invite"]["code"]
        assert b.post(f"{url}/api/couple/join", json={"code": code}, timeout=30).status_code == 200
        people += [(a, a_id), (b, b_id)]
    return people


def _summary(entry):
    return (entry["rev"], entry["seq"], entry["deleted"], entry["body"])


def test_sigkill_mid_load_loses_nothing_and_applies_each_mutation_once(app, gunicorn):
    people = _couples(gunicorn.url)
    phones = [Phone(gunicorn.url, session, seed) for seed, (session, _) in enumerate(people)]
    for phone in phones:
        phone.start()

    # Crash once a good part of the load has been acknowledged, while the rest is in flight.
    total = MUTATIONS_PER_PHONE * len(phones)
    deadline = time.time() + 30
    while sum(len(p.acked) for p in phones) < total // 3 and time.time() < deadline:
        time.sleep(0.05)
    acked_before_crash = sum(len(p.acked) for p in phones)
    killed = gunicorn.crash()
    assert len(killed) == 3, killed  # the master and both workers
    time.sleep(1.0)  # phones hit a dead port meanwhile
    gunicorn.start()
    for phone in phones:
        phone.join(120)

    assert acked_before_crash < total, "the crash came after all the load: nothing was in flight"
    assert sum(p.connection_errors + p.server_errors for p in phones) > 0, "no phone noticed the crash"
    for phone in phones:
        assert phone.error is None, phone.error
        assert not phone.is_alive() and phone.outbox == [], "a phone could not empty its outbox"
        assert phone.acked == set(range(1, MUTATIONS_PER_PHONE + 1))
        assert {status for _, status in phone.statuses} == {"applied"}
        mids = [mid for mid, _ in phone.statuses]
        assert len(mids) == len(set(mids)), "a mutation was reported processed twice"

    with app.app_context():
        rows = {e.id: e for e in db.session.scalars(select(Entry).where(Entry.kind == "appreciation"))}
        for phone, (_, user_id) in zip(phones, people):
            mine = {i: e for i, e in rows.items() if e.author_id == user_id}
            assert set(mine) == set(phone.mine)  # every create present once (ids are the phone's)
            for entry_id, (updates, text) in phone.mine.items():
                # rev counts applications: an update applied twice would show here.
                assert (mine[entry_id].rev, mine[entry_id].body) == (1 + updates, {"text": text})
            state = db.session.get(ClientState, (user_id, phone.client_id))
            assert state.last_mid == MUTATIONS_PER_PHONE

        for phone, (_, user_id) in zip(phones, people):
            couple_id = db.session.get(User, user_id).couple_id
            visible = db.session.scalars(
                select(Entry).where(
                    Entry.couple_id == couple_id, or_(Entry.author_id == user_id, Entry.visibility == "shared")
                )
            ).all()
            expected = {e.id: (e.rev, e.seq, e.deleted, e.body) for e in visible}
            assert {i: _summary(e) for i, e in phone.pull_from_zero().items()} == expected
            assert phone.sync_once()  # catch up on what the partner wrote after this phone finished
            assert {i: _summary(e) for i, e in phone.view.items()} == expected  # incremental pulls agree too
