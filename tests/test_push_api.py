"""GET /api/push/key and the subscriptions API: upsert by endpoint, moves, deletes, validation, logout."""

import base64
import os

import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.models import PushSubscription
from push_service import b64url

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

P256DH = b64url(b"\x04" + os.urandom(64))
AUTH = b64url(os.urandom(16))
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def body(endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH):
    return {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}


def stored(app):
    with app.app_context():
        return [(s.user_id, s.endpoint, s.session_id) for s in db.session.scalars(select(PushSubscription))]


def test_key_is_the_65_byte_uncompressed_point(client):
    response = client.get("/api/push/key")
    assert response.status_code == 200
    raw = base64.urlsafe_b64decode(response.json["public_key"] + "==")
    assert "=" not in response.json["public_key"]
    assert len(raw) == 65 and raw[0] == 4


def test_key_is_503_with_a_hint_when_there_are_no_keys(make_app, tmp_path):
    app = make_app(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(tmp_path / "missing.pem"))
    response = app.test_client().get("/api/push/key")
    assert response.status_code == 503
    assert "flask push init" in response.json["message"]
    assert not (tmp_path / "missing.pem").exists()  # never made on the fly


def test_key_is_503_when_the_key_file_is_unreadable(make_app, tmp_path):
    bad = tmp_path / "vapid.pem"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    app = make_app(VAPID_PRIVATE_KEY=None, VAPID_KEY_FILE=str(bad))
    response = app.test_client().get("/api/push/key")
    assert response.status_code == 503
    assert bad.read_text().startswith("-----BEGIN PRIVATE KEY-----\nnot a key")


def test_subscribe_stores_the_device_with_its_login_session(app, signup):
    alice = signup()
    response = alice.client.post("/api/push/subscriptions", json=body())
    assert response.status_code == 201
    assert response.json["subscription"]["endpoint"] == ENDPOINT
    [(user_id, endpoint, session_id)] = stored(app)
    assert (user_id, endpoint) == (alice.id, ENDPOINT)
    assert session_id is not None


def test_subscribe_again_updates_instead_of_duplicating(app, signup):
    alice = signup()
    alice.client.post("/api/push/subscriptions", json=body())
    new_auth = b64url(os.urandom(16))
    assert alice.client.post("/api/push/subscriptions", json=body(auth=new_auth)).status_code == 201
    with app.app_context():
        [sub] = db.session.scalars(select(PushSubscription)).all()
        assert sub.auth == new_auth


def test_another_accounts_endpoint_is_not_taken_while_its_owner_is_signed_in(app, signup):
    """Posting someone else's endpoint must not silence their phone (it used to move the row to the poster)."""
    alice, bob = signup(), signup()
    alice.client.post("/api/push/subscriptions", json=body())
    response = bob.client.post("/api/push/subscriptions", json=body(p256dh=b64url(b"\x04" + os.urandom(64))))
    assert response.status_code == 409
    assert "another account" in response.json["message"] and "Sign that account out" in response.json["message"]
    [(user_id, endpoint, _)] = stored(app)
    assert (user_id, endpoint) == (alice.id, ENDPOINT)
    with app.app_context():
        assert db.session.scalar(select(PushSubscription.p256dh)) == P256DH
    assert alice.client.delete("/api/push/subscriptions", json={"endpoint": ENDPOINT}).status_code == 204


def test_a_browser_moves_to_the_next_account_after_sign_out(app, signup):
    """Two accounts one after the other in one browser: signing out removes the first one's subscription."""
    alice, bob = signup(), signup()
    alice.client.post("/api/push/subscriptions", json=body())
    assert alice.client.post("/api/auth/logout", json={}).status_code == 204
    assert bob.client.post("/api/push/subscriptions", json=body()).status_code == 201
    assert [(u, e) for u, e, _ in stored(app)] == [(bob.id, ENDPOINT)]


def test_a_browser_moves_once_the_owners_session_there_has_expired(app, signup):
    from datetime import timedelta

    from backend.models import AuthSession, utcnow

    alice, bob = signup(), signup()
    alice.client.post("/api/push/subscriptions", json=body())
    with app.app_context():  # expired, and the hourly housekeeping has not run yet
        db.session.get(AuthSession, stored(app)[0][2]).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert bob.client.post("/api/push/subscriptions", json=body()).status_code == 201
    assert [(u, e) for u, e, _ in stored(app)] == [(bob.id, ENDPOINT)]


def test_delete_removes_it(app, signup):
    alice = signup()
    alice.client.post("/api/push/subscriptions", json=body())
    assert alice.client.delete("/api/push/subscriptions", json={"endpoint": ENDPOINT}).status_code == 204
    assert stored(app) == []


def test_delete_of_another_users_endpoint_is_404_and_keeps_it(app, signup):
    alice, bob = signup(), signup()
    alice.client.post("/api/push/subscriptions", json=body())
    response = bob.client.delete("/api/push/subscriptions", json={"endpoint": ENDPOINT})
    assert response.status_code == 404
    assert response.json["message"]
    assert len(stored(app)) == 1


def test_subscribing_needs_a_login(client):
    assert client.post("/api/push/subscriptions", json=body()).status_code == 401


def test_logout_removes_this_devices_subscription_only(app, signup):
    alice = signup()
    other = alice.client.application.test_client()
    assert (
        other.post("/api/auth/login", json={"email": alice.email, "password": "correct horse battery"}).status_code
        == 200
    )
    alice.client.post("/api/push/subscriptions", json=body())
    other.post("/api/push/subscriptions", json=body(endpoint=ENDPOINT + "-other"))
    assert alice.client.post("/api/auth/logout", json={}).status_code == 204
    assert [e for _, e, _ in stored(app)] == [ENDPOINT + "-other"]


def test_logout_everywhere_removes_every_device(app, signup):
    alice = signup()
    other = alice.client.application.test_client()
    other.post("/api/auth/login", json={"email": alice.email, "password": "correct horse battery"})
    alice.client.post("/api/push/subscriptions", json=body())
    other.post("/api/push/subscriptions", json=body(endpoint=ENDPOINT + "-other"))
    assert alice.client.post("/api/auth/logout-all", json={}).status_code == 204
    assert stored(app) == []


def test_browser_json_with_expiration_time_is_accepted(signup):
    alice = signup()
    response = alice.client.post("/api/push/subscriptions", json={**body(), "expirationTime": None})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "payload, field",
    [
        (body(endpoint="http://push.example.com/x"), "endpoint"),
        (body(endpoint="ftp://push.example.com/x"), "endpoint"),
        (body(endpoint="not a url"), "endpoint"),
        (body(endpoint="https://10.0.0.7/push"), "endpoint"),
        (body(endpoint="https://user:pw@push.example.com/x"), "endpoint"),
        (body(endpoint="https://push.example.com/" + "x" * 1100), "endpoint"),
        (body(p256dh=b64url(b"\x04" + os.urandom(63))), "keys"),
        (body(p256dh=b64url(b"\x02" + os.urandom(64))), "keys"),
        (body(p256dh="not base64 !!"), "keys"),
        (body(auth=b64url(os.urandom(15))), "keys"),
        (body(auth=b64url(os.urandom(32))), "keys"),
        ({"endpoint": ENDPOINT}, "keys"),
        ({"keys": {"p256dh": P256DH, "auth": AUTH}}, "endpoint"),
    ],
)
def test_invalid_subscriptions_are_422(signup, payload, field):
    alice = signup()
    response = alice.client.post("/api/push/subscriptions", json=payload)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_http_loopback_endpoint_is_allowed_only_in_debug_or_testing(make_app, vapid_pem):
    from conftest import Person

    production = make_app(TESTING=False, DEBUG=False, VAPID_PRIVATE_KEY=vapid_pem, RATELIMIT_ENABLED=False)
    alice = Person(production, "prod@example.com", "Alice")
    response = alice.client.post("/api/push/subscriptions", json=body(endpoint="http://127.0.0.1:9999/push/1"))
    assert response.status_code == 422
    response = alice.client.post("/api/push/subscriptions", json=body(endpoint="https://127.0.0.1:9999/push/1"))
    assert response.status_code == 422


def test_http_loopback_endpoint_is_allowed_when_testing(signup):
    alice = signup()
    response = alice.client.post("/api/push/subscriptions", json=body(endpoint="http://127.0.0.1:9999/push/1"))
    assert response.status_code == 201


def test_endpoint_host_allowlist(make_app, vapid_pem):
    from conftest import Person

    app = make_app(VAPID_PRIVATE_KEY=vapid_pem, PUSH_ENDPOINT_HOSTS=("push.example.com",))
    alice = Person(app, "allow@example.com", "Alice")
    assert alice.client.post("/api/push/subscriptions", json=body()).status_code == 201
    response = alice.client.post("/api/push/subscriptions", json=body(endpoint="https://evil.example.net/x"))
    assert response.status_code == 422


def test_openapi_lists_the_push_routes(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert "/api/push/key" in paths
    assert {"post", "delete"} <= set(paths["/api/push/subscriptions"])


def test_the_hourly_tick_ends_expired_sessions_and_their_devices_subscriptions(app, signup):
    from datetime import timedelta

    from backend.models import AuthSession, utcnow

    alice = signup()
    other = alice.client.application.test_client()
    other.post("/api/auth/login", json={"email": alice.email, "password": "correct horse battery"})
    alice.client.post("/api/push/subscriptions", json=body())
    other.post("/api/push/subscriptions", json=body(endpoint=ENDPOINT + "-other"))
    expired_session = stored(app)[1][2]
    with app.app_context():  # the second phone was not opened for the whole session lifetime
        db.session.get(AuthSession, expired_session).expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", "2026-05-01T18:30:00Z"])
    assert result.exit_code == 0, result.output
    assert len(stored(app)) == 2  # housekeeping runs on the hour only

    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", "2026-05-01T19:00:00Z"])
    assert result.exit_code == 0, result.output
    assert [e for _, e, _ in stored(app)] == [ENDPOINT]
    with app.app_context():
        assert db.session.get(AuthSession, expired_session) is None
    assert alice.client.get("/api/me").status_code == 200  # the live session is untouched
