"""Limits: the request body size, every text field's length, and rate limits shared through Redis by two
gunicorn processes (and by two apps in one process)."""

import inspect
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import redis
import requests
from marshmallow import Schema, fields

from backend.config import ROOT, Config
from backend.kinds import KINDS
from conftest import PASSWORD, Person

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
REDIS_URI = "redis://127.0.0.1:6379"
TOO_LONG = "x" * 100_000


# --- body size --------------------------------------------------------------------------------


def test_the_default_body_cap_is_one_mebibyte():
    assert Config.MAX_CONTENT_LENGTH == 1024 * 1024 or "MAX_CONTENT_LENGTH" in os.environ


@pytest.mark.parametrize(
    "path", ["/api/auth/signup", "/api/auth/login", "/api/sync", "/api/me/password", "/api/push/subscriptions"]
)
def test_a_body_over_the_cap_is_413_in_the_error_shape(make_app, path):
    person = Person(make_app(MAX_CONTENT_LENGTH=4096), "alice@example.com", "Alice")
    response = person.client.post(path, json={"padding": "x" * 5000})
    assert response.status_code == 413
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 413


def test_a_body_under_the_cap_is_read(make_app):
    client = make_app(MAX_CONTENT_LENGTH=4096).test_client()
    response = client.post(
        "/api/auth/signup",
        json={"email": "a@example.com", "password": PASSWORD, "display_name": "A", "timezone": "UTC"},
    )
    assert response.status_code == 201


# --- every text field is capped ---------------------------------------------------------------


def schema_classes():
    found = {}
    for name in ("accounts", "bodies", "common", "couples", "entries", "keys", "misc", "push", "sync"):
        module = __import__(f"backend.schemas.{name}", fromlist=["_"])
        for value in vars(module).values():
            if inspect.isclass(value) and issubclass(value, Schema) and value.__module__ == module.__name__:
                found[value.__name__] = value
    return found


def input_schemas():
    """Schemas the server loads: request bodies and queries (*In, *Query), entry bodies, and what they nest."""
    classes = schema_classes()
    roots = [c for n, c in classes.items() if n.endswith(("In", "Query"))] + [kind.schema for kind in KINDS.values()]
    seen, stack = {}, list(roots)
    while stack:
        schema = stack.pop()
        if schema.__name__ in seen:
            continue
        seen[schema.__name__] = schema
        for field in schema().load_fields.values():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Nested):
                stack.append(type(inner.schema))
    return seen


def test_every_request_schema_in_the_document_is_walked(client):
    document = client.get("/api/openapi.json").json
    refs = set()
    for ops in document["paths"].values():
        for method, op in ops.items():
            if method == "parameters":  # a path's shared {placeholders}, not an operation
                continue
            for media in op.get("requestBody", {}).get("content", {}).values():
                if "$ref" in media["schema"]:
                    refs.add(media["schema"]["$ref"].rsplit("/", 1)[1])
    assert refs and refs <= set(input_schemas())


def loadable_fields(schema):
    """(name, field, how to wrap a value for it) for every loadable String and List, one level at a time."""
    for name, field in schema().load_fields.items():
        if isinstance(field, fields.List):
            yield name, field, lambda v: v
            if isinstance(field.inner, fields.String):
                yield name, field.inner, lambda v: [v]
        elif isinstance(field, fields.String):
            yield name, field, lambda v: v


CASES = [
    (schema_name, name, field, wrap)
    for schema_name, schema in sorted(input_schemas().items())
    for name, field, wrap in loadable_fields(schema)
]


def refused(schema, name, value):
    with pytest.raises(Exception) as error:  # noqa: PT011 - marshmallow's ValidationError, checked below
        schema().load({name: value})
    messages = error.value.messages
    return name in messages


def test_there_are_text_fields_to_check():
    assert len(CASES) > 40


@pytest.mark.parametrize(
    "schema_name, name, field, wrap", CASES, ids=[f"{c[0]}.{c[1]}{'[]' if c[3]('') == [''] else ''}" for c in CASES]
)
def test_every_text_field_and_list_has_a_cap(app, schema_name, name, field, wrap):
    """A String refuses 100,000 characters (a max length, a choice or an anchored pattern); a List refuses
    10,001 items. A new field without a cap fails here."""
    schema = input_schemas()[schema_name]
    with app.test_request_context():  # some validators read the app's settings
        if isinstance(field, fields.List):
            assert refused(schema, name, ["a"] * 10_001)
        else:
            assert refused(schema, name, wrap(TOO_LONG)), f"{schema_name}.{name} takes any length"


# --- rate limits across processes (gunicorn) and across apps (one process) --------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_prefix():
    prefix = f"hearth-limits-{uuid.uuid4()}"
    yield prefix
    server = redis.Redis.from_url(REDIS_URI)
    keys = list(server.scan_iter(f"*{prefix}*"))
    if keys:
        server.delete(*keys)


@pytest.fixture
def two_gunicorns(tmp_path, redis_prefix):
    """Two gunicorn servers (one worker each, so two processes) on one migrated SQLite file and one Redis."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hearth.db'}",
        "HEARTH_INSTANCE": str(tmp_path),
        "SECRET_KEY": "limits-test",
        "SESSION_COOKIE_SECURE": "0",
        "FLASK_APP": "backend",
        "RATELIMIT_STORAGE_URI": REDIS_URI,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute",
        "LOGIN_LIMIT_PER_IP": "100 per minute",
    }
    env.pop("TEST_DATABASE_URL", None)
    bin_dir = os.path.dirname(sys.executable)
    subprocess.run(
        [os.path.join(bin_dir, "flask"), "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    os.path.join(bin_dir, "gunicorn"),
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "backend:create_app()",
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            servers.append((process, f"http://127.0.0.1:{port}"))
        for process, url in servers:
            wait_until_up(process, url)
        yield [url for _, url in servers], [process.pid for process, _ in servers]
    finally:
        for process, _ in servers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def wait_until_up(process, url):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not start")


def test_two_gunicorn_processes_share_one_login_limit_through_redis(two_gunicorns, redis_prefix):
    (first, second), pids = two_gunicorns
    assert pids[0] != pids[1]
    signup = requests.post(
        first + "/api/auth/signup",
        json={"email": "alice@example.com", "password": PASSWORD, "display_name": "Alice", "timezone": "UTC"},
        timeout=10,
    )
    assert signup.status_code == 201
    statuses, served_by = [], []
    for i in range(6):
        url = (first, second)[i % 2]  # alternate: every other guess lands on the other process
        response = requests.post(
            url + "/api/auth/login", json={"email": "alice@example.com", "password": f"wrong {i}"}, timeout=10
        )
        statuses.append(response.status_code)
        served_by.append(url)
    assert statuses == [401, 401, 401, 429, 429, 429]
    assert set(served_by[:3]) == {first, second}  # the three failures were counted by both processes
    limited = requests.post(
        second + "/api/auth/login", json={"email": "alice@example.com", "password": PASSWORD}, timeout=10
    )
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60
    assert set(limited.json()) == ERROR_KEYS
    keys = list(redis.Redis.from_url(REDIS_URI).scan_iter(f"*{redis_prefix}*"))
    assert keys, "the counters live in Redis under this run's prefix"


def login(client, email="alice@example.com"):
    return client.post("/api/auth/login", json={"email": email, "password": "wrong password"}).status_code


def test_each_app_in_a_process_keeps_its_own_limiter_settings(make_app, redis_prefix):
    """One Limiter object serves every app: the second app must not take over the first's storage or prefix."""
    first = make_app(
        RATELIMIT_STORAGE_URI=REDIS_URI,
        RATELIMIT_KEY_PREFIX=redis_prefix + "-a",
        LOGIN_LIMIT_PER_ACCOUNT="2 per minute",
    )
    second = make_app(
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_KEY_PREFIX=redis_prefix + "-b",
        LOGIN_LIMIT_PER_ACCOUNT="2 per minute",
    )
    disabled = make_app(RATELIMIT_ENABLED=False)
    assert [login(first.test_client()) for _ in range(3)] == [401, 401, 429]
    assert [login(second.test_client()) for _ in range(3)] == [401, 401, 429]
    assert [login(disabled.test_client()) for _ in range(3)] == [401, 401, 401]
    assert login(first.test_client()) == 429  # still on, after an app with limits off was made
    server = redis.Redis.from_url(REDIS_URI)
    assert list(server.scan_iter(f"*{redis_prefix}-a*"))
    assert not list(server.scan_iter(f"*{redis_prefix}-b*"))  # the second app counts in its own memory
