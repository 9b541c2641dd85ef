"""A forgotten password: a single-use link, valid 30 minutes, mailed through a real SMTP server
(aiosmtpd, started here), followed to set a new password. Runs on SQLite and PostgreSQL."""

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.models import AuthSession, DeviceKey, PasswordReset, PushSubscription, WrappedKey
from backend.services import mail, password_reset
from conftest import PASSWORD, Person
from key_material import PhoneDevice, recovery_blob, wrap
from mail_server import MailServer, reset_link

NEW_PASSWORD = "a brand new password"
SENT = {"message": "If that address has an account, we've sent a link. It works for 30 minutes."}
KEYS = {
    "p256dh": base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode().rstrip("="),
    "auth": base64.urlsafe_b64encode(b"\x02" * 16).decode().rstrip("="),
}
T0 = datetime(2026, 3, 29, 0, 45, tzinfo=UTC)  # a fixed instant; the tests' clock starts here


@pytest.fixture
def smtp():
    server = MailServer().start()
    yield server
    mail.wait_until_sent()
    server.stop()


@pytest.fixture
def app(make_app, smtp):
    return make_app(**smtp.settings)


@pytest.fixture
def alice(app):
    return Person(app, "alice@example.com", "Alice")


@pytest.fixture
def clock(monkeypatch):
    """The reset service's clock, set by the test."""
    now = {"value": T0}
    monkeypatch.setattr(password_reset, "utcnow", lambda: now["value"])
    return now


def ask(app, email="alice@example.com", ip="127.0.0.1"):
    return app.test_client().post("/api/auth/password-reset", json={"email": email}, environ_base={"REMOTE_ADDR": ip})


def confirm(app, token, new_password=NEW_PASSWORD, ip="127.0.0.1"):
    return app.test_client().post(
        "/api/auth/password-reset/confirm",
        json={"token": token, "new_password": new_password},
        environ_base={"REMOTE_ADDR": ip},
    )


def login(app, password, email="alice@example.com"):
    return app.test_client().post("/api/auth/login", json={"email": email, "password": password})


def requested_link(app, smtp, email="alice@example.com"):
    response = ask(app, email)
    assert response.status_code == 202, response.json
    return reset_link(smtp.next())


def reset_rows(app):
    with app.app_context():
        rows = db.session.scalars(select(PasswordReset).order_by(PasswordReset.created_at)).all()
        db.session.expunge_all()
        return rows


# --- the whole path ---------------------------------------------------------------------------


def test_the_mailed_link_sets_a_new_password_and_only_it_logs_in(app, smtp, alice):
    response = ask(app)
    assert response.status_code == 202 and response.json == SENT
    received = smtp.next()
    assert received["to"] == ["alice@example.com"] and received["from"] == "hearth@example.org"
    link, token = reset_link(received)
    assert link == f"http://localhost/reset#token={token}"  # the request's host; the token in the fragment
    assert confirm(app, token).status_code == 200
    assert login(app, NEW_PASSWORD).status_code == 200
    assert login(app, PASSWORD).status_code == 401


def test_the_mail_is_well_formed_plain_text_in_the_users_words(app, smtp, alice):
    ask(app)
    message = smtp.next()["message"]
    assert message["From"] == "Hearth <hearth@example.org>" and message["To"] == "alice@example.com"
    assert message["Subject"] == "Choose a new Hearth password"
    assert message["Date"].datetime is not None
    assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.org>")
    assert message.get_content_type() == "text/plain"
    text = message.get_content()
    assert text.startswith("Hi Alice,") and "30 minutes" in text and "ignore this email" in text


def test_a_russian_speaker_gets_the_mail_in_russian(app, smtp, alice):
    assert alice.client.patch("/api/me", json={"language": "ru"}).status_code == 200
    response = ask(app)
    assert response.status_code == 202
    received = smtp.next()
    message = received["message"]
    assert message["Subject"] == "Новый пароль для Hearth"
    text = message.get_content()
    assert text.startswith("Привет, Alice!") and "срок — 30 минут)" in text and "Hi " not in text
    link, token = reset_link(received)
    assert confirm(app, token).status_code == 200


@pytest.mark.parametrize(
    ("minutes", "language", "words"),
    [
        (1, "en", "for 1 minute:"),
        (45, "en", "for 45 minutes:"),
        (1, "ru", "срок — 1 минута)"),
        (22, "ru", "срок — 22 минуты)"),
        (25, "ru", "срок — 25 минут)"),
    ],
)
def test_the_mail_says_how_long_the_link_works_in_the_languages_plural(make_app, smtp, minutes, language, words):
    app = make_app(PASSWORD_RESET_TTL=timedelta(minutes=minutes), **smtp.settings)
    alice = Person(app, "alice@example.com", "Alice")
    assert alice.client.patch("/api/me", json={"language": language}).status_code == 200
    assert ask(app).status_code == 202
    assert words in smtp.next()["message"].get_content()


def test_public_url_starts_the_link_whatever_host_the_request_names(make_app, smtp):
    app = make_app(PUBLIC_URL="https://hearth.example.org", **smtp.settings)
    Person(app, "alice@example.com", "Alice")
    response = app.test_client().post(
        "/api/auth/password-reset", json={"email": "alice@example.com"}, headers={"Host": "attacker.example"}
    )
    assert response.status_code == 202
    link, token = reset_link(smtp.next())
    assert link == f"https://hearth.example.org/reset#token={token}"


def test_the_email_is_matched_in_any_case(app, smtp, alice):
    link, token = requested_link(app, smtp, email="ALICE@Example.com")
    assert confirm(app, token).status_code == 200


# --- the same answer for everyone -------------------------------------------------------------


def test_an_unknown_email_gets_the_same_answer_and_no_mail(app, smtp, alice):
    unknown = ask(app, "nobody@example.com")
    known = ask(app)
    assert unknown.status_code == known.status_code == 202
    assert unknown.get_data() == known.get_data()
    # Mail leaves in order on one thread: the first message is alice's, and nothing else follows.
    assert smtp.next()["to"] == ["alice@example.com"]
    mail.wait_until_sent()
    assert smtp.empty()
    assert [row.user_id for row in reset_rows(app)] == [alice.id]


def test_the_answer_is_in_the_askers_language_and_names_the_links_life_in_it(app, smtp, alice):
    asked = app.test_client().post(
        "/api/auth/password-reset",
        json={"email": "nobody@example.com"},
        headers={"Accept-Language": "ru-RU,ru;q=0.9"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    )
    assert asked.status_code == 202
    assert asked.json == {
        "message": "Если на этот адрес есть учётная запись, мы отправили ссылку. Она действует 30 минут."
    }
    app.config["PASSWORD_RESET_TTL"] = timedelta(minutes=21)
    assert ask(app, "nobody@example.com").json["message"].endswith("It works for 21 minutes.")


@pytest.mark.parametrize(
    "email", ["not-an-email", "", "a@" + "b" * 260 + ".com", "alice\x00@example.com", "alice\ud800@example.com"]
)
def test_a_malformed_email_is_422(app, email):
    response = ask(app, email)
    assert response.status_code == 422 and list(response.json["errors"]) == ["email"]


# --- what is stored ---------------------------------------------------------------------------


def test_only_a_hash_of_the_token_is_stored_valid_30_minutes(app, smtp, alice, clock):
    link, token = requested_link(app, smtp)
    [row] = reset_rows(app)
    assert len(token) >= 43  # 32 random bytes, base64url
    assert row.id == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.id, row.user_id)
    assert row.user_id == alice.id and row.used_at is None
    assert (row.created_at, row.expires_at) == (T0, T0 + timedelta(minutes=30))


# --- confirming -------------------------------------------------------------------------------


def test_a_reset_ends_every_session_and_their_push_subscriptions(app, smtp, alice):
    phone = app.test_client()
    assert phone.post("/api/auth/login", json={"email": alice.email, "password": PASSWORD}).status_code == 200
    assert (
        phone.post(
            "/api/push/subscriptions", json={"endpoint": "https://fcm.googleapis.com/fcm/send/phone", "keys": KEYS}
        ).status_code
        == 201
    )
    _, token = requested_link(app, smtp)
    assert confirm(app, token).status_code == 200
    assert alice.client.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 401
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthSession)) == 0
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.usefixtures("key_epochs_from_one")
def test_a_reset_keeps_the_keys_and_says_the_words_stay_locked(app, smtp, alice):
    """A reset keeps the account's device keys, the keys wrapped to them and the recovery blob (a phone without
    them asks for another device or the phrase); the answer says whether the words are locked so."""
    _, token = requested_link(app, smtp)
    app.config["E2E_ENCRYPTION"] = True
    try:
        assert confirm(app, token).json == {"locked": False}  # no keys yet: nothing is locked
        alice.client.post("/api/auth/login", json={"email": alice.email, "password": NEW_PASSWORD})
        device = PhoneDevice(label="Alice's phone")
        assert alice.client.post("/api/keys/devices", json=device.body()).status_code == 201
        blob = wrap(bytes(32), device.device_id, device.public_key, "p1")
        item = {"device_id": device.device_id, "key_id": "p1", "blob": blob}
        assert alice.client.put("/api/keys/wrapped", json={"items": [item]}).status_code == 200
        recovery = recovery_blob(alice.id, {"p1": bytes(32)})
        assert alice.client.put("/api/keys/recovery", json={"blob": recovery}).status_code == 204

        _, token = requested_link(app, smtp)
        response = confirm(app, token, new_password="yet another new password")
        assert response.status_code == 200 and response.json == {"locked": True}
    finally:
        app.config["E2E_ENCRYPTION"] = False
    assert login(app, "yet another new password").status_code == 200
    after = app.test_client()
    after.post("/api/auth/login", json={"email": alice.email, "password": "yet another new password"})
    directory = after.get("/api/keys", query_string={"device": device.device_id}).json
    assert [d["device_id"] for d in directory["devices"]] == [device.device_id]
    assert [(w["key_id"], w["blob"]) for w in directory["wrapped"]] == [("p1", blob)]
    assert directory["recovery"] is True
    assert after.get("/api/keys/recovery").json == {"blob": recovery}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeviceKey)) == 1
        assert db.session.scalar(select(func.count()).select_from(WrappedKey)) == 1
    # With the setting off, a reset says nothing is locked (the phones don't seal), and still keeps the keys.
    _, token = requested_link(app, smtp)
    assert confirm(app, token).json == {"locked": False}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WrappedKey)) == 1


def test_the_new_password_is_hashed_with_argon2id(app, smtp, alice):
    _, token = requested_link(app, smtp)
    confirm(app, token)
    from backend.models import User

    with app.app_context():
        stored = db.session.get(User, alice.id).password_hash
    assert stored.startswith("$argon2id$") and NEW_PASSWORD not in stored


def test_a_link_works_once(app, smtp, alice):
    _, token = requested_link(app, smtp)
    assert confirm(app, token).status_code == 200
    again = confirm(app, token, new_password="someone else's password")
    assert again.status_code == 410
    assert again.json["message"] == "This link has already been used. Ask for a new one if you still need it."
    assert set(again.json) == {"code", "status", "reason", "message", "errors", "codes"}
    assert login(app, NEW_PASSWORD).status_code == 200
    assert login(app, "someone else's password").status_code == 401


def test_using_one_link_spends_every_other_link_of_the_user(app, smtp, alice):
    _, first = requested_link(app, smtp)
    _, second = requested_link(app, smtp)
    assert confirm(app, second).status_code == 200
    assert confirm(app, first, new_password="a third password here").status_code == 410
    assert all(row.used_at is not None for row in reset_rows(app))
    assert login(app, NEW_PASSWORD).status_code == 200


def test_a_link_works_for_30_minutes_and_not_a_moment_more(app, smtp, alice, clock):
    _, early = requested_link(app, smtp)
    _, late = requested_link(app, smtp)
    clock["value"] = T0 + timedelta(minutes=29, seconds=59)
    assert confirm(app, early).status_code == 200
    clock["value"] = T0 + timedelta(minutes=30)
    expired = confirm(app, late, new_password="too late for this one")
    assert expired.status_code == 410  # spent with the first one, and past its time anyway


def test_an_expired_link_is_refused_kindly(app, smtp, alice, clock):
    _, token = requested_link(app, smtp)
    clock["value"] = T0 + timedelta(minutes=30)
    response = confirm(app, token)
    assert response.status_code == 410
    assert response.json["message"] == "This link has expired. Ask for a new one."
    assert login(app, PASSWORD).status_code == 200  # the password is unchanged
    assert alice.client.get("/api/me").status_code == 200  # and nobody was logged out


def test_an_unknown_token_is_404(app, alice):
    response = confirm(app, "x" * 43)
    assert response.status_code == 404
    assert set(response.json) == {"code", "status", "reason", "message", "errors", "codes"}
    assert login(app, PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"new_password": "123456789"}, "new_password"),
        ({"new_password": ""}, "new_password"),
        ({"new_password": None}, "new_password"),
        ({"new_password": "\ud800" * 12}, "new_password"),  # a lone surrogate: no UTF-8 form to hash
        ({"token": None}, "token"),
        ({"token": ""}, "token"),
        ({"token": "\ud800abc"}, "token"),
        ({"token": "abc\x00def"}, "token"),
        ({"token": "abc\n"}, "token"),
        ({"token": "a" * 201}, "token"),
    ],
)
def test_the_new_password_follows_the_signup_rule_and_a_refusal_keeps_the_link(app, smtp, alice, body, field):
    _, token = requested_link(app, smtp)
    sent = {"token": token, "new_password": NEW_PASSWORD, **body}
    sent = {k: v for k, v in sent.items() if v is not None}
    response = app.test_client().post("/api/auth/password-reset/confirm", json=sent)
    assert response.status_code == 422 and list(response.json["errors"]) == [field]
    assert confirm(app, token).status_code == 200  # the link was not spent by the refused try


def test_deleting_the_account_removes_its_links(app, smtp, alice):
    requested_link(app, smtp)
    assert alice.client.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    assert reset_rows(app) == []


def test_the_hourly_tick_removes_links_past_their_time(make_app, smtp):
    from push_service import new_vapid_pem

    app = make_app(VAPID_PRIVATE_KEY=new_vapid_pem(), **smtp.settings)  # the worker needs its push key
    Person(app, "alice@example.com", "Alice")
    requested_link(app, smtp)
    _, live = requested_link(app, smtp)
    with app.app_context():  # the first link was asked for long ago (the tick compares with real time)
        first = db.session.scalars(select(PasswordReset)).all()
        stale = next(row for row in first if row.id != hashlib.sha256(live.encode()).hexdigest())
        stale.created_at, stale.expires_at = T0 - timedelta(days=400), T0 - timedelta(days=400, minutes=-30)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", "2026-05-01T18:30:00Z"])
    assert result.exit_code == 0, result.output
    assert len(reset_rows(app)) == 2  # housekeeping runs on the hour only
    result = app.test_cli_runner().invoke(args=["nudges", "tick", "--now", "2026-05-01T19:00:00Z"])
    assert result.exit_code == 0, result.output
    assert [row.id for row in reset_rows(app)] == [hashlib.sha256(live.encode()).hexdigest()]
    assert confirm(app, live).status_code == 200


# --- limits -----------------------------------------------------------------------------------


def test_asking_is_limited_per_email_from_any_address(make_app, smtp):
    app = make_app(RESET_LIMIT_PER_EMAIL="2 per hour", **smtp.settings)
    Person(app, "alice@example.com", "Alice")
    assert ask(app, ip="10.0.0.1").status_code == 202
    assert ask(app, email="Alice@example.com", ip="10.0.0.2").status_code == 202
    limited = ask(app, ip="10.0.0.3")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert ask(app, "nobody@example.com", ip="10.0.0.3").status_code == 202  # another email is not limited
    mail.wait_until_sent()
    assert [smtp.next()["to"] for _ in range(2)] == [["alice@example.com"]] * 2
    assert smtp.empty() and len(reset_rows(app)) == 2


def test_asking_is_limited_per_ip_for_known_and_unknown_emails_alike(make_app, smtp):
    app = make_app(RESET_LIMIT_PER_IP="2 per minute", **smtp.settings)
    assert ask(app, "one@example.com").status_code == 202
    assert ask(app, "two@example.com").status_code == 202
    assert ask(app, "three@example.com").status_code == 429
    assert ask(app, "three@example.com", ip="10.0.0.9").status_code == 202


def test_confirming_is_limited_per_ip(make_app):
    app = make_app(RESET_LIMIT_PER_IP="2 per minute")
    assert [confirm(app, f"guess-{n}").status_code for n in range(3)] == [404, 404, 429]
