"""What every route shares: the write guards, login_required, the error shape, OpenAPI, settings."""

import os
import re
import stat
import subprocess
import sys

import pytest

from backend import config
from backend.config import ROOT

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
SIGNUP = {
    "email": "alice@example.com",
    "password": "correct horse battery",
    "display_name": "Alice",
    "timezone": "Europe/Berlin",
}

# Every route of the API table (README, "API in brief").
API_TABLE = [
    ("post", "/api/auth/signup"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("post", "/api/auth/logout-all"),
    ("get", "/api/me"),
    ("patch", "/api/me"),
    ("delete", "/api/me"),
    ("post", "/api/me/password"),
    ("post", "/api/couple"),
    ("post", "/api/couple/invite"),
    ("post", "/api/couple/join"),
    ("post", "/api/couple/leave"),
    ("post", "/api/sync"),
    ("get", "/api/stats"),
    ("get", "/api/export"),
    ("get", "/healthz"),
    ("post", "/api/auth/password-reset"),
    ("post", "/api/auth/password-reset/confirm"),
    ("get", "/api/push/key"),
    ("post", "/api/push/subscriptions"),
    ("delete", "/api/push/subscriptions"),
]

LOGIN_REQUIRED = [
    ("get", "/api/me"),
    ("patch", "/api/me"),
    ("delete", "/api/me"),
    ("post", "/api/me/password"),
    ("post", "/api/auth/logout-all"),
    ("post", "/api/couple"),
    ("post", "/api/couple/invite"),
    ("post", "/api/couple/join"),
    ("post", "/api/couple/leave"),
    ("post", "/api/sync"),
    ("get", "/api/stats"),
    ("get", "/api/export"),
]


def assert_error_shape(response, code):
    assert response.status_code == code
    assert response.is_json
    assert set(response.json) == ERROR_KEYS
    assert response.json["code"] == code
    assert isinstance(response.json["status"], str) and response.json["status"]
    assert isinstance(response.json["message"], str) and response.json["message"]
    assert isinstance(response.json["errors"], dict)


# --- write guards -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": SIGNUP},
        {"data": "email=alice@example.com", "content_type": "text/plain"},
        {"data": '{"email": "alice@example.com"}', "content_type": "text/plain"},
        {},
    ],
)
def test_a_write_that_is_not_json_is_415(app, client, kwargs):
    response = client.post("/api/auth/signup", **kwargs)
    assert_error_shape(response, 415)
    assert client.get_cookie("hearth_session") is None


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_patch_and_delete_must_be_json_too(signup, method):
    alice = signup()
    response = getattr(alice.client, method)("/api/me", data="x", content_type="text/plain")
    assert_error_shape(response, 415)
    assert alice.client.get("/api/me").status_code == 200


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "https://localhost.evil.example", "http://localhost.evil.example", "null"]
)
def test_a_write_from_another_origin_is_403(app, client, origin):
    response = client.post("/api/auth/signup", json=SIGNUP, headers={"Origin": origin})
    assert_error_shape(response, 403)
    assert client.get_cookie("hearth_session") is None


def test_a_cross_origin_write_with_a_cookie_changes_nothing(signup):
    alice = signup("Alice")
    response = alice.client.patch(
        "/api/me", json={"display_name": "Mallory"}, headers={"Origin": "http://evil.example"}
    )
    assert_error_shape(response, 403)
    assert alice.client.get("/api/me").json["user"]["display_name"] == "Alice"


def test_a_same_origin_write_passes(client):
    response = client.post("/api/auth/signup", json=SIGNUP, headers={"Origin": "http://localhost"})
    assert response.status_code == 201


def test_a_write_without_an_origin_passes(client):
    assert client.post("/api/auth/signup", json=SIGNUP).status_code == 201


def test_a_cross_origin_get_is_not_blocked(signup):
    alice = signup()
    response = alice.client.get("/api/me", headers={"Origin": "http://evil.example"})
    assert response.status_code == 200 and response.json["user"]["id"] == alice.id


@pytest.mark.parametrize("method, path", LOGIN_REQUIRED)
def test_login_required_routes_answer_401_without_a_cookie(client, method, path):
    kwargs = {} if method == "get" else {"json": {}}
    assert_error_shape(getattr(client, method)(path, **kwargs), 401)


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path", [("get", "/api/nope"), ("get", "/api"), ("get", "/api/me/nope"), ("post", "/api/nope")]
)
def test_unknown_api_path_is_a_404_json_error(client, method, path):
    kwargs = {} if method == "get" else {"json": {}}
    assert_error_shape(getattr(client, method)(path, **kwargs), 404)


@pytest.mark.parametrize("method, path", [("get", "/api/auth/login"), ("put", "/api/me"), ("get", "/api/couple/join")])
def test_wrong_method_is_a_405_json_error_with_allow(client, method, path):
    kwargs = {} if method == "get" else {"json": {}}
    response = getattr(client, method)(path, **kwargs)
    assert_error_shape(response, 405)
    assert response.headers["Allow"]


def test_malformed_json_is_a_400_json_error(client):
    response = client.post("/api/auth/login", data="{not json", content_type="application/json")
    assert_error_shape(response, 400)


def test_a_body_over_the_size_limit_is_a_413_json_error(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1000).test_client()
    response = client.post("/api/auth/signup", json={**SIGNUP, "display_name": "x" * 2000})
    assert_error_shape(response, 413)


def test_an_unexpected_exception_is_a_500_without_details(make_app):
    app = make_app()

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals: password=hunter2")

    response = app.test_client().get("/api/boom")
    assert_error_shape(response, 500)
    assert response.json["errors"] == {}
    assert "hunter2" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


# --- OpenAPI ----------------------------------------------------------------------------------


def openapi_path(rule):
    """Flask's /x/<int:id> is OpenAPI's /x/{id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_openapi_lists_every_api_route_with_its_methods(app, client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json["paths"]
    rules = [
        r
        for r in app.url_map.iter_rules()
        if (r.rule.startswith("/api/") or r.rule == "/healthz") and r.rule != "/api/openapi.json"
    ]
    assert set(API_TABLE) <= {(method.lower(), rule.rule) for rule in rules for method in rule.methods}
    for rule in rules:
        path = openapi_path(rule.rule)
        assert path in paths, path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in paths[path], (method, path)


@pytest.mark.parametrize("method, path", API_TABLE)
def test_openapi_lists_each_route_of_the_api_table(client, method, path):
    assert method in client.get("/api/openapi.json").json["paths"][path]


# --- settings ---------------------------------------------------------------------------------


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    first = config._secret_key()
    path = tmp_path / "instance" / "secret_key"
    assert path.exists() and len(first) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert config._secret_key() == first
    assert path.read_text().strip() == first


def test_secret_keys_of_two_instance_folders_differ(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "a")
    a = config._secret_key()
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "b")
    assert config._secret_key() != a


def test_secret_key_from_the_environment_wins_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setattr(config, "INSTANCE", tmp_path / "instance")
    assert config._secret_key() == "from-the-environment"
    assert not (tmp_path / "instance" / "secret_key").exists()


@pytest.mark.parametrize(
    "given, used",
    [
        ("postgres://u:p@db:5432/hearth", "postgresql+psycopg://u:p@db:5432/hearth"),
        ("postgresql://u:p@db/hearth", "postgresql+psycopg://u:p@db/hearth"),
        ("postgresql+psycopg://u@db/hearth", "postgresql+psycopg://u@db/hearth"),
        ("sqlite:////var/lib/hearth.db", "sqlite:////var/lib/hearth.db"),
    ],
)
def test_database_url_is_rewritten_for_psycopg_3(given, used):
    assert config._database_url(given) == used


@pytest.mark.parametrize("env, secure", [(None, "True"), ("0", "False"), ("true", "True")])
def test_session_cookies_are_secure_unless_turned_off(env, secure):
    """Config is read at import time, so each case imports it in a fresh interpreter."""
    environ = {k: v for k, v in os.environ.items() if k != "SESSION_COOKIE_SECURE"}
    if env is not None:
        environ["SESSION_COOKIE_SECURE"] = env
    out = subprocess.run(
        [sys.executable, "-c", "from backend.config import Config; print(Config.SESSION_COOKIE_SECURE)"],
        env=environ,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == secure


def test_a_request_that_succeeds_commits_and_one_that_fails_rolls_back(app, signup):
    """A ROLLBACK makes psycopg drop every statement prepared on the connection, so even read-only
    requests end with COMMIT when they succeed; a failed one still rolls back what it did."""
    from sqlalchemy import event

    from backend.extensions import db

    alice = signup()
    with app.app_context():
        engine = db.engine
    ends = []

    def committed(conn):
        ends.append("commit")

    def rolled_back(conn):
        ends.append("rollback")

    event.listen(engine, "commit", committed)
    event.listen(engine, "rollback", rolled_back)
    try:
        assert alice.client.get("/api/me").status_code == 200
        read = list(ends)
        ends.clear()
        assert alice.client.patch("/api/me", json={"timezone": "Mars/Olympus"}).status_code == 422
        failed = list(ends)
    finally:
        event.remove(engine, "commit", committed)
        event.remove(engine, "rollback", rolled_back)
    assert read and set(read) == {"commit"}
    assert failed[-1:] == ["rollback"]
