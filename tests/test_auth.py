"""Sign up, log in, log out, and the server-side session behind the cookie."""

import hashlib
import threading
import time
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import AuthSession, User, utcnow
from backend.services import accounts
from conftest import PASSWORD

COOKIE = "hearth_session"
ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}


def signup_body(**changes):
    body = {"email": "alice@example.com", "password": PASSWORD, "display_name": "Alice", "timezone": "Europe/Berlin"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def session_cookie_headers(response):
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "=")]


def session_rows(app, user_id=None):
    with app.app_context():
        query = select(AuthSession)
        if user_id:
            query = query.where(AuthSession.user_id == user_id)
        return db.session.scalars(query).all()


def set_session_times(app, **times):
    """Moves every session's timestamps (e.g. last_seen_at=..., expires_at=...)."""
    with app.app_context():
        for row in db.session.scalars(select(AuthSession)):
            for name, value in times.items():
                setattr(row, name, value)
        db.session.commit()


# --- signup -----------------------------------------------------------------------------------


def test_signup_returns_the_user_and_sets_an_httponly_lax_cookie(app, client):
    response = client.post("/api/auth/signup", json=signup_body())
    assert response.status_code == 201
    user = response.json["user"]
    assert user["email"] == "alice@example.com"
    assert user["display_name"] == "Alice"
    assert user["timezone"] == "Europe/Berlin"
    assert isinstance(user["id"], str) and "password" not in user and "password_hash" not in user
    [header] = session_cookie_headers(response)
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}
    assert {"httponly", "path", "max-age"} <= attributes
    assert "SameSite=Lax" in header
    assert "Secure" not in header  # TestConfig runs without TLS
    [row] = session_rows(app, user["id"])
    token = client.get_cookie(COOKIE).value
    assert row.id == hashlib.sha256(token.encode()).hexdigest()  # only a hash of the token is stored
    assert client.get("/api/me").json["user"]["id"] == user["id"]


def test_session_cookie_is_secure_when_configured(make_app):
    client = make_app(SESSION_COOKIE_SECURE=True).test_client()
    response = client.post("/api/auth/signup", json=signup_body())
    [header] = session_cookie_headers(response)
    assert "Secure" in header and "HttpOnly" in header


def test_signup_stores_an_argon2id_hash_not_the_password(app, client):
    client.post("/api/auth/signup", json=signup_body(email="Alice@Example.com"))
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "alice@example.com"
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("second_email", ["alice@example.com", "ALICE@example.com", "Alice@Example.COM"])
def test_signup_with_a_taken_email_in_any_case_is_409(app, client, second_email):
    assert client.post("/api/auth/signup", json=signup_body()).status_code == 201
    other = app.test_client()
    response = other.post("/api/auth/signup", json=signup_body(email=second_email, display_name="Eve"))
    assert response.status_code == 409
    assert set(response.json) == ERROR_KEYS and response.json["code"] == 409
    assert session_cookie_headers(response) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"password": "123456789"}, "password"),
        ({"password": ""}, "password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "alice@"}, "email"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"timezone": "CEST+2"}, "timezone"),
        ({"display_name": "   "}, "display_name"),
        ({"display_name": "x" * 61}, "display_name"),
        ({"email": None}, "email"),
        ({"password": None}, "password"),
        ({"display_name": None}, "display_name"),
        ({"timezone": None}, "timezone"),
    ],
)
def test_signup_rejects_each_bad_field_with_422(app, client, changes, field):
    body = signup_body(**changes)
    if None in changes.values():  # None means: leave the field out
        body.pop(field, None)
    response = client.post("/api/auth/signup", json=body)
    assert response.status_code == 422
    assert set(response.json) == ERROR_KEYS
    assert response.json["code"] == 422 and response.json["status"] == "Unprocessable Entity"
    assert list(response.json["errors"]) == [field]
    assert isinstance(response.json["errors"][field], list) and response.json["errors"][field]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_signup_accepts_a_ten_character_password(client):
    assert client.post("/api/auth/signup", json=signup_body(password="0123456789")).status_code == 201


# --- login ------------------------------------------------------------------------------------


def test_login_returns_the_user_and_a_new_session_cookie(app, signup):
    alice = signup("Alice")
    client = app.test_client()
    response = client.post("/api/auth/login", json={"email": alice.email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["user"]["id"] == alice.id
    [header] = session_cookie_headers(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert len(session_rows(app, alice.id)) == 2
    assert client.get("/api/me").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_401(app, signup):
    alice = signup()
    client = app.test_client()
    wrong = client.post("/api/auth/login", json={"email": alice.email, "password": "not the password"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert set(wrong.json) == ERROR_KEYS
    assert session_cookie_headers(wrong) == session_cookie_headers(unknown) == []
    assert len(session_rows(app, alice.id)) == 1  # only the signup's


def test_unknown_email_login_runs_argon2_verify_like_a_wrong_password(app, signup, monkeypatch):
    alice = signup()
    calls = []

    class SpyHasher:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

    real = accounts.hasher
    monkeypatch.setattr(accounts, "hasher", SpyHasher())
    client = app.test_client()
    client.post("/api/auth/login", json={"email": alice.email, "password": "not the password"})
    client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "not the password"})
    assert len(calls) == 2
    assert all(h.startswith("$argon2id$") for h in calls)


def test_unknown_email_login_takes_about_as_long_as_a_wrong_password(app, signup, monkeypatch):
    alice = signup()
    # The production cost, so the hash dominates the request as it does in real life.
    real = PasswordHasher()
    with app.app_context():
        db.session.execute(
            db.update(User).where(User.id == alice.id).values(password_hash=real.hash("something else entirely"))
        )
        db.session.commit()
    monkeypatch.setattr(accounts, "hasher", real)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", real.hash("not anyone's password"))
    client = app.test_client()

    def fastest_seconds(email):
        # The minimum of a few tries: what the code costs, with the shared machine's noise left out.
        times = []
        for _ in range(4):
            start = time.perf_counter()
            assert (
                client.post("/api/auth/login", json={"email": email, "password": "wrong password"}).status_code == 401
            )
            times.append(time.perf_counter() - start)
        return min(times)

    known, unknown = fastest_seconds(alice.email), fastest_seconds("nobody@example.com")
    # A skipped hash check would make the unknown path many times faster.
    assert unknown > known / 2
    assert known > unknown / 2


# --- logout -----------------------------------------------------------------------------------


def test_logout_ends_that_session_only(app, signup):
    alice = signup()
    phone = app.test_client()
    assert phone.post("/api/auth/login", json={"email": alice.email, "password": PASSWORD}).status_code == 200
    response = alice.client.post("/api/auth/logout", json={})
    assert response.status_code == 204
    assert alice.client.get_cookie(COOKIE) is None
    assert alice.client.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 200
    assert len(session_rows(app, alice.id)) == 1


def test_logout_all_ends_every_session_of_the_user(app, signup):
    alice, bob = signup(), signup()
    phone = app.test_client()
    phone.post("/api/auth/login", json={"email": alice.email, "password": PASSWORD})
    assert alice.client.post("/api/auth/logout-all", json={}).status_code == 204
    assert alice.client.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 401
    assert session_rows(app, alice.id) == []
    assert bob.client.get("/api/me").status_code == 200
    assert len(session_rows(app, bob.id)) == 1


def test_logout_clears_the_cookie_even_when_the_session_was_due_to_roll(app, signup):
    alice = signup()
    set_session_times(app, last_seen_at=utcnow() - timedelta(hours=2))
    response = alice.client.post("/api/auth/logout", json={})
    assert response.status_code == 204
    assert alice.client.get_cookie(COOKIE) is None
    assert session_rows(app, alice.id) == []


# --- the session row behind the cookie --------------------------------------------------------


def test_deleting_the_session_row_logs_the_cookie_out(app, signup):
    alice = signup()
    assert alice.client.get("/api/me").status_code == 200
    with app.app_context():
        db.session.execute(AuthSession.__table__.delete())
        db.session.commit()
    response = alice.client.get("/api/me")
    assert response.status_code == 401
    assert response.json["code"] == 401 and set(response.json) == ERROR_KEYS


def test_expired_session_is_401(app, signup):
    alice = signup()
    set_session_times(app, expires_at=utcnow() - timedelta(seconds=1))
    assert alice.client.get("/api/me").status_code == 401


def test_a_forged_cookie_is_401(app, client, signup):
    signup()
    client.set_cookie(COOKIE, "made-up-token")
    assert client.get("/api/me").status_code == 401


def test_the_login_cookie_is_not_read_as_flasks_signed_session(app, signup):
    """The login cookie shares SESSION_COOKIE_NAME with Flask's cookie session, which is switched off:
    flask.session is a null session that refuses writes, so nothing can replace the login cookie."""
    import flask

    alice = signup()
    token = alice.client.get_cookie(COOKIE).value
    with app.test_request_context("/api/me", headers={"Cookie": f"{COOKIE}={token}"}):
        app.preprocess_request()
        assert app.session_interface.is_null_session(flask.session)
        with pytest.raises(RuntimeError):
            flask.session["user"] = "mallory"
    response = alice.client.get("/api/me")
    assert response.status_code == 200 and session_cookie_headers(response) == []


def test_session_seen_over_an_hour_ago_is_extended_and_the_cookie_resent(app, signup):
    alice = signup()
    old_seen = utcnow() - timedelta(hours=2)
    old_expiry = utcnow() + timedelta(days=3)
    set_session_times(app, last_seen_at=old_seen, expires_at=old_expiry)
    response = alice.client.get("/api/me")
    assert response.status_code == 200
    [header] = session_cookie_headers(response)
    assert "HttpOnly" in header and "SameSite=Lax" in header
    [row] = session_rows(app, alice.id)
    lifetime = app.config["SESSION_LIFETIME"]
    assert row.expires_at > utcnow() + lifetime - timedelta(minutes=1)
    assert row.last_seen_at > old_seen + timedelta(hours=1)


def test_session_seen_recently_is_not_rewritten_nor_the_cookie_resent(app, signup):
    alice = signup()
    expiry = utcnow() + timedelta(days=3)
    set_session_times(app, last_seen_at=utcnow() - timedelta(minutes=10), expires_at=expiry)
    response = alice.client.get("/api/me")
    assert response.status_code == 200
    assert session_cookie_headers(response) == []
    [row] = session_rows(app, alice.id)
    assert abs(row.expires_at - expiry) < timedelta(seconds=1)


def test_two_signups_racing_for_one_email_get_one_201_and_one_409(app):
    barrier = threading.Barrier(2)
    statuses = []

    def sign_up():
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/api/auth/signup", json=signup_body()).status_code)

    threads = [threading.Thread(target=sign_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
