"""Security headers on every kind of answer (HTML, JS, JSON, errors), HSTS over HTTPS only, cookie flags."""

import pytest

from conftest import PASSWORD

SIGNUP = {"email": "alice@example.com", "password": PASSWORD, "display_name": "Alice", "timezone": "UTC"}

# (method, path, request kwargs, expected status): one of each kind of answer the app gives.
ANSWERS = [
    ("get", "/", {}, 200),  # the shell (HTML)
    ("get", "/today", {}, 200),  # an app route: the same shell
    ("get", "/frontend/js/main.js", {}, 200),  # an ES module
    ("get", "/service-worker.js", {}, 200),
    ("get", "/manifest.json", {}, 200),
    ("get", "/api/openapi.json", {}, 200),
    ("get", "/healthz", {}, 200),
    ("get", "/api/me", {}, 401),
    ("get", "/api/nope", {}, 404),
    ("get", "/frontend/nope.js", {}, 404),
    ("get", "/frontend/make_icons.py", {}, 404),
    ("put", "/api/me", {"json": {}}, 405),
    ("post", "/api/auth/signup", {"data": "x", "content_type": "text/plain"}, 415),
    ("post", "/api/auth/signup", {"json": SIGNUP, "headers": {"Origin": "https://evil.example"}}, 403),
    ("post", "/api/auth/login", {"data": "{", "content_type": "application/json"}, 400),
    ("post", "/api/auth/login", {"json": {"email": "x"}}, 422),
    ("post", "/api/auth/signup", {"json": SIGNUP}, 201),
    ("get", "/api/boom", {}, 500),
]


@pytest.fixture
def app(make_app):
    app = make_app()

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("boom")

    return app


def directives(csp):
    parsed = {}
    for part in csp.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def request(client, method, path, kwargs):
    return getattr(client, method)(path, **kwargs)


@pytest.mark.parametrize("method, path, kwargs, status", ANSWERS, ids=[f"{a[0]} {a[1]} {a[3]}" for a in ANSWERS])
def test_every_answer_carries_the_security_headers(app, method, path, kwargs, status):
    response = request(app.test_client(), method, path, kwargs)
    assert response.status_code == status
    csp = directives(response.headers["Content-Security-Policy"])
    script_sources = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in script_sources and "'unsafe-eval'" not in script_sources
    assert "'unsafe-inline'" not in csp["default-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}


@pytest.mark.parametrize("method, path, kwargs, status", ANSWERS, ids=[f"{a[0]} {a[1]} {a[3]}" for a in ANSWERS])
def test_api_answers_are_never_stored_in_a_cache_and_the_app_files_are(app, method, path, kwargs, status):
    """Every /api answer (errors, the 500 and the 404 of an unknown route included) says no-store;
    the app's files are revalidated (no-cache) so the service worker and the browser can keep them."""
    response = request(app.test_client(), method, path, kwargs)
    assert response.status_code == status
    cache_control = response.headers.get("Cache-Control", "")
    if path.startswith("/api") or path == "/healthz":
        assert cache_control == "no-store"
    else:
        assert "no-store" not in cache_control


def test_a_logged_in_answer_and_a_sync_are_no_store(pair):
    alice, _bob = pair()
    assert alice.client.get("/api/me").headers["Cache-Control"] == "no-store"
    assert alice.sync().headers["Cache-Control"] == "no-store"
    assert alice.client.get("/api/export").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method, path, kwargs, status", ANSWERS, ids=[f"{a[0]} {a[1]} {a[3]}" for a in ANSWERS])
def test_hsts_only_over_https(app, method, path, kwargs, status):
    over_http = request(app.test_client(), method, path, kwargs)
    assert "Strict-Transport-Security" not in over_http.headers
    https_kwargs = {**kwargs, "base_url": "https://localhost"}
    if "Origin" in kwargs.get("headers", {}):
        https_kwargs["headers"] = {"Origin": "https://evil.example"}
    over_https = request(app.test_client(), method, path, https_kwargs)
    assert over_https.status_code == (409 if status == 201 else status)  # the same signup again: taken
    hsts = over_https.headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 180 * 24 * 3600


def test_the_shell_has_no_inline_script(client):
    """With script-src 'self' an inline script would not run; the page must not depend on one."""
    html = client.get("/").get_data(as_text=True).lower()
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag, tag
    assert " on" + "click=" not in html and " on" + "load=" not in html


def session_cookie(response):
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("hearth_session=")]
    assert len(cookies) == 1
    return [part.strip().lower() for part in cookies[0].split(";")]


def test_the_session_cookie_is_secure_httponly_lax_by_default(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)  # what Config gives without SESSION_COOKIE_SECURE=0
    parts = session_cookie(app.test_client().post("/api/auth/signup", json=SIGNUP, base_url="https://localhost"))
    assert "secure" in parts and "httponly" in parts and "samesite=lax" in parts and "path=/" in parts


@pytest.mark.parametrize(
    "path, body", [("/api/auth/login", {"email": SIGNUP["email"], "password": PASSWORD}), ("/api/auth/logout", {})]
)
def test_every_session_cookie_the_app_sets_or_clears_is_secure(make_app, path, body):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    client.post("/api/auth/signup", json=SIGNUP, base_url="https://localhost")
    parts = session_cookie(client.post(path, json=body, base_url="https://localhost"))
    assert "secure" in parts and "httponly" in parts and "samesite=lax" in parts


def test_the_cookie_is_not_secure_only_when_turned_off(make_app):
    app = make_app(SESSION_COOKIE_SECURE=False)  # SESSION_COOKIE_SECURE=0, as `make run` on plain http
    parts = session_cookie(app.test_client().post("/api/auth/signup", json=SIGNUP))
    assert "secure" not in parts and "httponly" in parts and "samesite=lax" in parts


def test_config_default_is_secure_without_the_setting(monkeypatch):
    """Config reads the environment at import: load a fresh copy of the module without the variable."""
    import importlib.util

    from backend import config

    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    spec = importlib.util.spec_from_file_location("fresh_config", config.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.Config.SESSION_COOKIE_SECURE is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    spec.loader.exec_module(fresh)
    assert fresh.Config.SESSION_COOKIE_SECURE is False


@pytest.mark.parametrize(
    "value, expected", [(None, True), ("", True), ("  ", True), ("1", True), ("on", True), ("0", False), ("off", False)]
)
def test_end_to_end_encryption_is_on_unless_turned_off(monkeypatch, value, expected):
    """HEARTH_E2E: on without the setting, and with an empty one (an env file's `HEARTH_E2E=` left blank must
    not turn the sealing off); only a value that says off does."""
    import importlib.util

    from backend import config

    if value is None:
        monkeypatch.delenv("HEARTH_E2E", raising=False)
    else:
        monkeypatch.setenv("HEARTH_E2E", value)
    spec = importlib.util.spec_from_file_location("fresh_config", config.__file__)
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.Config.E2E_ENCRYPTION is expected
