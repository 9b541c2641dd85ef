"""The live channel (issue 12, items 1-2): GET /api/live on the live service (backend/live), started as a
real process on the test's database, read as Server-Sent Events. On SQLite it reads counters every tick;
on PostgreSQL it hears the sync transaction's NOTIFY. Every wait is bounded."""

import os
import queue
import socket
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
import requests
from sqlalchemy import update

import samples
from backend.extensions import db
from backend.models import AuthSession, utcnow
from conftest import PASSWORD
from samples import put_ok
from servers import LiveProcess, Processes, free_port, wait_healthy

POSTGRES = os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")
QUIET = 1.5  # seconds a stream must stay silent to show that nothing was sent
SWEEP = 0.5  # the test processes' session sweep (--sweep)


@pytest.fixture
def processes():
    started = Processes()
    yield started
    started.stop_all()


@pytest.fixture
def live(app, database_url, processes, tmp_path, clock):
    """A factory of live processes on the test database; the first call's is reused by default."""
    made = []

    def start(*extra):
        args = ("--sweep", str(SWEEP), "--tick", "0.1", *extra)
        process = LiveProcess(processes, database_url, tmp_path / f"live{len(made)}.log", now=clock.now(), extra=args)
        made.append(process)
        return process

    return start


class Events:
    """One open /api/live stream: its response, and what it sent, parsed, in a queue read by a thread.
    Items: ("retry", "3000"), ("changed", {"cursor": …}), ("comment", "ping"), and ("end", None) once the
    server closed the stream."""

    def __init__(self, url, cookie, lang=None):
        headers = {"Accept-Language": lang} if lang else {}
        self.response = requests.get(
            url + "/api/live", cookies={"hearth_session": cookie}, headers=headers, stream=True, timeout=(5, 30)
        )
        self.items = queue.Queue()
        if self.response.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        import json

        event, data = None, []
        try:
            for line in self.response.iter_lines(chunk_size=1, decode_unicode=True):
                if line == "":
                    if data:
                        self.items.put((event or "message", json.loads("\n".join(data))))
                    event, data = None, []
                elif line.startswith(":"):
                    self.items.put(("comment", line[1:].strip()))
                elif line.startswith("retry:"):
                    self.items.put(("retry", line[6:].strip()))
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
        except Exception:  # closed by the test (AttributeError inside urllib3) or by the server
            pass
        self.items.put(("end", None))

    def next(self, timeout=2.0, skip_comments=True):
        """The next item within `timeout` seconds (comments skipped unless asked for), else None."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self.items.get(timeout=left)
            except queue.Empty:
                return None
            if not (skip_comments and item[0] == "comment"):
                return item
        return None

    def cursor(self, timeout=2.0):
        item = self.next(timeout)
        assert item is not None and item[0] == "changed", item
        assert set(item[1]) == {"cursor"}
        return item[1]["cursor"]

    def opened(self):
        """The retry hint, then at once the first cursor."""
        assert self.next(timeout=5) == ("retry", "3000")
        return self.cursor(timeout=2)

    def close(self):
        """Shuts the socket first: the reader thread is blocked in a read until the next ping otherwise."""
        sock = getattr(getattr(self.response.raw, "connection", None), "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.response.close()


@pytest.fixture
def streams():
    opened = []

    def open_stream(url, person_or_cookie, lang=None):
        cookie = person_or_cookie if isinstance(person_or_cookie, str) else cookie_of(person_or_cookie)
        events = Events(url, cookie, lang)
        opened.append(events)
        return events

    yield open_stream
    for events in opened:
        events.close()


def cookie_of(person):
    return person.client.get_cookie("hearth_session").value


def cursor_now(person):
    """The cursor a sync from scratch would end at (what the stream must tell)."""
    person.cursor = 0
    person.pull_all()
    return person.cursor


# --- who may open a stream -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_without_a_live_session_the_answer_is_flasks_login_required(app, signup, live, streams, lang):
    server = live()
    alice, bob, carol = signup("Alice"), signup("Bob"), signup("Carol")
    bob_cookie, carol_cookie = cookie_of(bob), cookie_of(carol)
    assert bob.client.post("/api/auth/logout", json={}).status_code == 204
    with app.app_context():
        db.session.execute(
            update(AuthSession).where(AuthSession.user_id == carol.id).values(expires_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()
    flask = app.test_client().get("/api/me", headers={"Accept-Language": lang})
    assert flask.status_code == 401

    no_cookie = requests.get(server.url + "/api/live", headers={"Accept-Language": lang}, timeout=5)
    refused = [no_cookie] + [
        streams(server.url, cookie, lang).response for cookie in ("not-a-token", bob_cookie, carol_cookie)
    ]
    for index, response in enumerate(refused):
        assert response.status_code == 401, index
        assert response.headers["Content-Type"] == "application/json"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.json() == flask.json
        assert response.content == flask.data  # the same bytes as Flask's jsonify
    assert streams(server.url, alice).response.status_code == 200


def test_the_stream_opens_with_the_retry_hint_and_the_current_cursor(app, pair, live, streams):
    server = live()
    alice, bob = pair()
    put_ok(alice, "appreciation")
    put_ok(alice, "journal")
    events = streams(server.url, alice)
    assert events.response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert events.response.headers["Cache-Control"] == "no-store"
    assert events.response.headers["X-Accel-Buffering"] == "no"
    assert events.opened() == cursor_now(alice)
    assert streams(server.url, bob).opened() == cursor_now(bob)


def test_heartbeat_comments_arrive_at_the_configured_interval(pair, live, streams):
    server = live("--ping", "0.3")
    alice, _ = pair()
    events = streams(server.url, alice)
    events.opened()
    assert events.next(timeout=2, skip_comments=False) == ("comment", "ping")
    assert events.next(timeout=2, skip_comments=False) == ("comment", "ping")


# --- what moves a stream, and what does not ------------------------------------------------------


def test_a_partners_shared_write_arrives_and_their_private_write_moves_nothing(pair, live, streams):
    server = live()
    alice, bob = pair()
    events = streams(server.url, bob)
    before = events.opened()

    put_ok(alice, "journal")
    put_ok(alice, "disclosure", visibility="private")
    assert events.next(timeout=QUIET) is None  # not even that something changed

    started = time.monotonic()
    put_ok(alice, "appreciation")
    moved = events.cursor(timeout=1.0)
    assert time.monotonic() - started < 1.0
    assert moved != before and moved == cursor_now(bob)
    assert moved.split(".")[1] == before.split(".")[1]  # Bob's own counter did not move


def test_another_couples_changes_reach_nobody_else(pair, live, streams):
    server = live()
    alice, bob = pair()
    carol, dave = pair()
    events = streams(server.url, dave)
    events.opened()
    put_ok(alice, "appreciation")
    put_ok(bob, "journal")
    assert events.next(timeout=QUIET) is None
    put_ok(carol, "appreciation")  # the stream is alive: its own couple's change arrives
    assert events.cursor(timeout=1.0) == cursor_now(dave)


def test_my_own_write_from_another_device_arrives(app, pair, live, streams):
    server = live()
    alice, _ = pair()
    events = streams(server.url, alice)
    before = events.opened()
    other_device = app.test_client()
    assert other_device.post("/api/auth/login", json={"email": alice.email, "password": PASSWORD}).status_code == 200
    alice.client, phone = other_device, alice.client
    alice.client_id = str(uuid.uuid4())
    put_ok(alice, "journal")  # private: only Alice's own counter moves
    moved = events.cursor(timeout=1.0)
    alice.client = phone
    assert moved.split(".")[0] == before.split(".")[0] and moved == cursor_now(alice)


# --- couples and sessions change -----------------------------------------------------------------


def test_pairing_and_leaving_tell_the_new_cursor(signup, live, streams):
    server = live()
    alice, bob = signup("Alice"), signup("Bob")
    alice_events, bob_events = streams(server.url, alice), streams(server.url, bob)
    assert alice_events.opened() == bob_events.opened() == "0.0"

    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    assert alice_events.cursor(timeout=2.0) == cursor_now(alice)  # a couple of her own, still at 0
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    paired = cursor_now(bob)
    assert int(paired.split(".")[0]) > 0  # the default rituals
    assert bob_events.cursor(timeout=2.0) == paired
    assert alice_events.cursor(timeout=2.0) == cursor_now(alice)

    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    assert alice_events.cursor(timeout=2.0) == cursor_now(alice) and cursor_now(alice).startswith("0.")
    assert bob_events.cursor(timeout=2.0) == cursor_now(bob) and cursor_now(bob).startswith("0.")


def _ends(events, timeout):
    """True when the server closes the stream within timeout (whatever else it sends first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        item = events.next(timeout=deadline - time.monotonic())
        if item is not None and item[0] == "end":
            return True
    return False


def test_the_stream_ends_with_its_session(app, pair, live, streams):
    """Logout, a password change (other sessions), account deletion, expiry: at once on PostgreSQL (the
    NOTIFY), within the sweep on SQLite; expiry within the sweep on both."""
    server = live()
    bound = 1.0 if POSTGRES else SWEEP + 1.5
    alice, bob = pair()
    carol, dave = pair()

    logged_out = streams(server.url, alice)
    logged_out.opened()
    assert alice.client.post("/api/auth/logout", json={}).status_code == 204
    assert _ends(logged_out, bound)

    other = app.test_client()
    assert other.post("/api/auth/login", json={"email": bob.email, "password": PASSWORD}).status_code == 200
    revoked, kept = streams(server.url, other.get_cookie("hearth_session").value), streams(server.url, bob)
    revoked.opened(), kept.opened()
    changed = bob.client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": "another long password"}
    )
    assert changed.status_code == 204
    assert _ends(revoked, bound)
    assert kept.next(timeout=SWEEP + 0.5) is None  # the session that changed it lives on

    deleted = streams(server.url, carol)
    deleted.opened()
    assert carol.client.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    assert _ends(deleted, bound)

    expiring = streams(server.url, dave)
    expiring.opened()
    with app.app_context():
        db.session.execute(
            update(AuthSession).where(AuthSession.user_id == dave.id).values(expires_at=utcnow() + timedelta(seconds=1))
        )
        db.session.commit()
    # The live process's clock started from the test's instant when it started: a second or two behind.
    assert _ends(expiring, 1.0 + 3.0 + SWEEP + 1.5)


# --- several processes (PostgreSQL) --------------------------------------------------------------


def _gunicorn(processes, database_url, tmp_path, name):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HEARTH_INSTANCE": str(tmp_path),
        "SECRET_KEY": "live-test-secret",
        "SESSION_COOKIE_SECURE": "0",
        "RATELIMIT_ENABLED": "0",
        "PYTHONUNBUFFERED": "1",
    }
    argv = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "backend:create_app()"]
    process = processes.start(argv, env, tmp_path / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, process=process)
    return url


@pytest.mark.skipif(not POSTGRES, reason="several hosts share one database on PostgreSQL only")
def test_two_live_processes_hear_writes_through_either_gunicorn(app, database_url, processes, tmp_path, live, streams):
    lives = [live(), live()]
    webs = [_gunicorn(processes, database_url, tmp_path, f"web{i}") for i in range(2)]
    phones = {name: requests.Session() for name in ("alice", "bob")}
    for name, phone in phones.items():
        signed = phone.post(
            webs[0] + "/api/auth/signup",
            json={"email": f"{name}@example.com", "password": PASSWORD, "display_name": name, "timezone": "UTC"},
        )
        assert signed.status_code == 201, signed.text
    code = phones["alice"].post(webs[0] + "/api/couple", json={}).json()["invite"]["code"]
    assert phones["bob"].post(webs[1] + "/api/couple/join", json={"code": code}).status_code == 200
    bob_cookie = phones["bob"].cookies["hearth_session"]
    listening = [streams(server.url, bob_cookie) for server in lives]
    first = {events.opened() for events in listening}
    assert len(first) == 1

    for web_url in webs:
        entry = samples.entry("appreciation")
        me = phones["alice"].get(web_url + "/api/me").json()
        synced = phones["alice"].post(
            web_url + "/api/sync",
            json={
                "client_id": str(uuid.uuid4()),
                "cursor": 0,
                "couple_id": me["couple"]["id"],
                "mutations": [{"mid": 1, "op": "put", "entry": entry}],
            },
        )
        assert synced.status_code == 200, synced.text
        assert synced.json()["results"][0]["status"] == "applied", synced.json()
        moved = {events.cursor(timeout=1.0) for events in listening}
        assert len(moved) == 1 and moved != first
        first = moved
