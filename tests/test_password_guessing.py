"""A password can be guessed only as fast as at login, wherever it is asked for (`POST /api/me/password`,
`DELETE /api/me`); signups, which say whether an email has an account, are limited per IP."""

import pytest
from test_rate_limits import assert_429, login

from conftest import PASSWORD, Person

NEW_PASSWORD = "a brand new passphrase"


def change_password(person, current, ip="127.0.0.1"):
    return person.client.post(
        "/api/me/password",
        json={"current_password": current, "new_password": NEW_PASSWORD},
        environ_base={"REMOTE_ADDR": ip},
    )


def delete_account(person, password, ip="127.0.0.1"):
    return person.client.delete("/api/me", json={"password": password}, environ_base={"REMOTE_ADDR": ip})


CHECKS = {"change_password": change_password, "delete_account": delete_account}


@pytest.mark.parametrize("check", CHECKS)
def test_wrong_current_passwords_of_one_account_get_429(make_app, check):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    guess = CHECKS[check]
    assert [guess(alice, f"guess number {i}", ip=f"10.0.0.{i}").status_code for i in range(3)] == [422] * 3
    assert_429(guess(alice, PASSWORD))
    assert alice.client.get("/api/me").status_code == 200  # nothing changed: still her account, her session
    assert login(app.test_client(), alice.email, NEW_PASSWORD).status_code != 200


@pytest.mark.parametrize("check", CHECKS)
def test_wrong_current_passwords_from_one_ip_get_429(make_app, check):
    app = make_app(LOGIN_LIMIT_PER_IP="3 per minute")
    people = [Person(app, f"p{i}@example.com", f"P{i}") for i in range(4)]
    guess = CHECKS[check]
    assert [guess(p, "not my password", ip="192.0.2.1").status_code for p in people[:3]] == [422] * 3
    assert_429(guess(people[3], PASSWORD, ip="192.0.2.1"))
    assert guess(people[3], PASSWORD, ip="192.0.2.2").status_code == 204


def test_guesses_at_login_and_at_password_change_add_up(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="3 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    assert [login(app.test_client(), alice.email).status_code for _ in range(2)] == [401, 401]
    assert change_password(alice, "one more guess").status_code == 422
    assert_429(change_password(alice, PASSWORD))
    assert_429(login(app.test_client(), alice.email, PASSWORD))


def test_right_current_passwords_never_count(make_app):
    app = make_app(LOGIN_LIMIT_PER_ACCOUNT="2 per minute", LOGIN_LIMIT_PER_IP="2 per minute")
    alice = Person(app, "alice@example.com", "Alice")
    current = PASSWORD
    for n in range(4):
        new = f"{NEW_PASSWORD} {n}"
        response = alice.client.post("/api/me/password", json={"current_password": current, "new_password": new})
        assert response.status_code == 204
        current = new


def test_signups_from_one_ip_get_429_and_a_taken_email_still_says_so(make_app):
    app = make_app(SIGNUP_LIMIT_PER_IP="3 per minute")
    client = app.test_client()

    def signup(email, ip="192.0.2.1", password=PASSWORD):
        return client.post(
            "/api/auth/signup",
            environ_base={"REMOTE_ADDR": ip},
            json={"email": email, "password": password, "display_name": "Someone", "timezone": "UTC"},
        )

    assert signup("a@example.com", password="short").status_code == 422  # a typo costs nothing
    assert signup("a@example.com").status_code == 201
    taken = signup("a@example.com")
    assert taken.status_code == 409 and "already exists" in taken.json["message"]
    assert signup("b@example.com").status_code == 201
    assert_429(signup("c@example.com"))
    assert signup("c@example.com", ip="192.0.2.2").status_code == 201
