"""Logins and invite-code guesses are rate-limited per IP and per account (device cookies, which let a
browser that logged in before keep its own allowance: tests/test_device_cookies.py)."""

import json
import subprocess
import sys
import uuid

import pytest
import redis
from sqlalchemy import func, select

from backend.config import ROOT
from backend.extensions import db
from backend.models import AuthSession
from conftest import PASSWORD

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
REDIS_URI = "redis://127.0.0.1:6379"


def login(client, email, password="wrong password", ip="127.0.0.1"):
    return client.post("/api/auth/login", json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def join(person, code, ip="127.0.0.1"):
    return person.client.post("/api/couple/join", json={"code": code}, environ_base={"REMOTE_ADDR": ip})


def assert_429(response):
    assert response.status_code == 429
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 429
    assert response.json["status"] == "Too Many Requests"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def session_count(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user_id))


# --- logins -----------------------------------------------------------------------------------


def test_failed_logins_of_one_account_get_429_with_retry_after(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    client = app.test_client()
    signup_response = client.post(
        "/api/auth/signup",
        json={"email": "alice@example.com", "password": PASSWORD, "display_name": "Alice", "timezone": "UTC"},
    )
    user_id = signup_response.json["user"]["id"]
    elsewhere = app.test_client()  # a browser that never logged in to alice's account (no device cookie)
    assert [login(elsewhere, "alice@example.com").status_code for _ in range(3)] == [401] * 3
    response = login(elsewhere, "alice@example.com", PASSWORD)
    assert_429(response)
    assert "hearth_session=" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert session_count(app, user_id) == 1  # the signup's only


@pytest.mark.parametrize("email", ["person1@example.com", "nobody@example.com"])
def test_account_limit_follows_the_email_across_ips_and_letter_case(make_app, email):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    from conftest import Person

    Person(app, "person1@example.com", "Alice")
    client = app.test_client()
    variants = [email, email.upper(), " " + email.title()]
    statuses = [login(client, v, ip=f"10.0.0.{i}").status_code for i, v in enumerate(variants, 1)]
    assert statuses == [401, 401, 401]
    assert_429(login(client, email, ip="10.0.0.9"))


def test_successful_logins_never_lock_the_account(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    from conftest import Person

    alice = Person(app, "alice@example.com", "Alice")
    for _ in range(6):
        assert login(app.test_client(), alice.email, PASSWORD).status_code == 200
    assert session_count(app, alice.id) == 7
    assert [login(app.test_client(), alice.email).status_code for _ in range(3)] == [401] * 3
    assert_429(login(app.test_client(), alice.email, PASSWORD))


def test_one_locked_account_does_not_lock_another_on_the_same_ip(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    from conftest import Person

    alice, bob = Person(app, "alice@example.com", "Alice"), Person(app, "bob@example.com", "Bob")
    for _ in range(3):
        login(app.test_client(), alice.email)
    assert_429(login(app.test_client(), alice.email, PASSWORD))
    assert login(app.test_client(), bob.email, PASSWORD).status_code == 200


def test_many_accounts_from_one_ip_hit_the_ip_limit(make_app):
    app = make_app(LOGIN_LIMIT_PER_IP="3 per minute")
    from conftest import Person

    alice = Person(app, "alice@example.com", "Alice")
    client = app.test_client()
    statuses = [login(client, email).status_code for email in ("a@example.com", "b@example.com", "c@example.com")]
    assert statuses == [401, 401, 401]
    assert_429(login(client, alice.email, PASSWORD))
    assert login(client, alice.email, PASSWORD, ip="10.9.9.9").status_code == 200


def test_rate_limits_can_be_turned_off(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per minute", RATELIMIT_ENABLED=False)
    client = app.test_client()
    assert {login(client, "a@example.com").status_code for _ in range(4)} == {401}


# --- invite-code guesses ----------------------------------------------------------------------


def test_invite_code_guesses_of_one_account_get_429(make_app):
    app = make_app(INVITE_LIMIT_PER_ACCOUNT="3 per minute")
    from conftest import Person

    alice, bob = Person(app, "alice@example.com", "Alice"), Person(app, "bob@example.com", "Bob")
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    guesses = [join(bob, f"HEARTH-0000-000{i}", ip=f"10.0.0.{i}").status_code for i in range(3)]
    assert guesses == [404, 404, 404]
    assert_429(join(bob, code))
    assert bob.client.get("/api/me").json["couple"] is None


def test_one_guessing_account_does_not_lock_another_on_the_same_ip(make_app):
    app = make_app(INVITE_LIMIT_PER_ACCOUNT="3 per minute")
    from conftest import Person

    alice, bob, carol = (Person(app, f"{n}@example.com", n) for n in ("alice", "bob", "carol"))
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    for i in range(3):
        join(carol, f"HEARTH-0000-000{i}")
    assert_429(join(carol, "HEARTH-0000-0009"))
    assert join(bob, code).status_code == 200


def test_invite_code_guesses_from_one_ip_hit_the_ip_limit(make_app):
    app = make_app(INVITE_LIMIT_PER_IP="3 per minute")
    from conftest import Person

    people = [Person(app, f"p{i}@example.com", f"P{i}") for i in range(5)]
    code = people[0].client.post("/api/couple", json={}).json["invite"]["code"]
    assert [join(p, "HEARTH-0000-0000").status_code for p in people[1:4]] == [404, 404, 404]
    assert_429(join(people[4], code))
    assert join(people[4], code, ip="10.9.9.9").status_code == 200


# --- shared storage: several workers, one limit -----------------------------------------------

WORKER = """
import json, sys
from backend import create_app
from backend.config import TestConfig
url, storage, prefix, email, attempts = sys.argv[1:6]
config = type("WorkerConfig", (TestConfig,), {
    "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_STORAGE_URI": storage, "RATELIMIT_KEY_PREFIX": prefix,
    "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"})
client = create_app(config).test_client()
print(json.dumps([client.post("/api/auth/login", json={"email": email, "password": "wrong password"}).status_code
                  for _ in range(int(attempts))]))
"""


def run_worker(database_url, storage, prefix, email, attempts):
    """A separate process, as a gunicorn worker is: nothing shared with this one but the storage."""
    out = subprocess.run(
        [sys.executable, "-c", WORKER, database_url, storage, prefix, email, str(attempts)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture
def redis_prefix():
    prefix = f"hearth-test-{uuid.uuid4()}"
    server = redis.Redis.from_url(REDIS_URI)
    yield prefix
    keys = list(server.scan_iter(f"*{prefix}*"))
    if keys:
        server.delete(*keys)


def test_with_redis_the_limit_holds_across_worker_processes(app, database_url, redis_prefix):
    assert run_worker(database_url, REDIS_URI, redis_prefix, "alice@example.com", 2) == [401, 401]
    assert run_worker(database_url, REDIS_URI, redis_prefix, "alice@example.com", 2) == [401, 429]
    assert list(redis.Redis.from_url(REDIS_URI).scan_iter(f"*{redis_prefix}*"))


def test_with_the_memory_store_each_worker_counts_alone(app, database_url):
    """The control for the Redis test: without shared storage the second worker starts from zero."""
    prefix = str(uuid.uuid4())
    assert run_worker(database_url, "memory://", prefix, "alice@example.com", 2) == [401, 401]
    assert run_worker(database_url, "memory://", prefix, "alice@example.com", 2) == [401, 401]
