"""The invited partner sees who invited them and the inviter's optional note (issue 14, item 6): the note
is written with the invite, and the code alone (no login) looks it up; nothing else, and nothing for a
code that would not work for joining. Lookups are invite-code guesses, counted with the joins'."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend import limits as L
from backend.extensions import db
from backend.models import Invite, User, utcnow

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}


def lookup(client, code, ip="127.0.0.1"):
    return client.post("/api/couple/invite/lookup", json={"code": code}, environ_base={"REMOTE_ADDR": ip})


def test_the_note_goes_with_the_invite_and_the_code_shows_name_and_note(app, signup):
    alice = signup("Alice")
    made = alice.client.post("/api/couple", json={"note": "  I'd love to try this with you.  "})
    assert made.status_code == 201, made.json
    assert made.json["invite"]["note"] == "I'd love to try this with you."
    anyone = app.test_client()  # no login: the code is the key
    found = lookup(anyone, made.json["invite"]["code"].lower().replace("-", " "))
    assert found.status_code == 200, found.json
    assert found.json == {
        "invite": {
            "name": "Alice",
            "note": "I'd love to try this with you.",
            "expires_at": made.json["invite"]["expires_at"],
        }
    }


def test_no_note_is_null_and_a_new_invite_carries_its_own(app, signup):
    alice = signup("Alice")
    first = alice.client.post("/api/couple", json={}).json["invite"]
    assert first["note"] is None
    assert lookup(app.test_client(), first["code"]).json["invite"]["note"] is None
    again = alice.client.post("/api/couple/invite", json={"note": "Only if you feel like it"})
    assert again.status_code == 201
    assert lookup(app.test_client(), again.json["invite"]["code"]).json["invite"]["note"] == "Only if you feel like it"
    with app.app_context():
        assert db.session.get(Invite, first["code"].replace("HEARTH-", "").replace("-", "")).note is None


@pytest.mark.parametrize(
    "note, code",
    [("x" * (L.INVITE_NOTE_MAX + 1), "too_long"), (42, "wrong_type"), (["hi"], "wrong_type")],
)
@pytest.mark.parametrize("route", ["/api/couple", "/api/couple/invite"])
def test_a_bad_note_is_422_and_nothing_is_made(app, signup, route, note, code):
    alice = signup("Alice")
    if route == "/api/couple/invite":
        alice.client.post("/api/couple", json={})
    with app.app_context():
        before = db.session.query(Invite).count()
    response = alice.client.post(route, json={"note": note})
    assert response.status_code == 422, response.json
    assert set(response.json) == ERROR_KEYS
    assert response.json["codes"]["note"] == [code]
    with app.app_context():
        assert db.session.query(Invite).count() == before


def test_a_note_at_the_limit_is_taken(app, signup):
    alice = signup("Alice")
    response = alice.client.post("/api/couple", json={"note": "y" * L.INVITE_NOTE_MAX})
    assert response.status_code == 201
    assert response.json["invite"]["note"] == "y" * L.INVITE_NOTE_MAX


def _not_found(response):
    assert response.status_code == 404, response.json
    assert response.json["reason"] == "bad_invite_code"
    assert "Alice" not in response.get_data(as_text=True)
    assert "secret note" not in response.get_data(as_text=True)


def test_nothing_is_told_without_the_right_code(app, signup):
    alice = signup("Alice")
    code = alice.client.post("/api/couple", json={"note": "secret note"}).json["invite"]["code"]
    anyone = app.test_client()
    _not_found(lookup(anyone, "HEARTH-0000-0000"))
    _not_found(lookup(anyone, code[:-1]))
    assert lookup(anyone, "").status_code == 422


def test_a_used_or_expired_code_tells_nothing(app, signup):
    alice, bob, carol = signup("Alice"), signup("Bob"), signup("Carol")
    code = alice.client.post("/api/couple", json={"note": "secret note"}).json["invite"]["code"]
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    _not_found(lookup(carol.client, code))

    dana = signup("Alice")  # the same name, so the body check above would catch a leak
    late = dana.client.post("/api/couple", json={"note": "secret note"}).json["invite"]["code"]
    with app.app_context():
        db.session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    _not_found(lookup(carol.client, late))


def test_an_inviter_who_left_their_couple_is_not_named(app, signup):
    alice = signup("Alice")
    code = alice.client.post("/api/couple", json={"note": "secret note"}).json["invite"]["code"]
    with app.app_context():  # as after leaving: the invite row outlives the membership
        db.session.execute(update(User).where(User.id == alice.id).values(couple_id=None))
        db.session.commit()
    _not_found(lookup(app.test_client(), code))


def test_lookups_and_joins_share_the_per_ip_guess_limit(make_app):
    from conftest import Person

    app = make_app(INVITE_LIMIT_PER_IP="3 per minute")
    alice, bob = Person(app, "alice@example.com", "Alice"), Person(app, "bob@example.com", "Bob")
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    anyone = app.test_client()
    assert [lookup(anyone, "HEARTH-0000-0000").status_code for _ in range(2)] == [404, 404]
    assert bob.client.post("/api/couple/join", json={"code": "HEARTH-0000-0001"}).status_code == 404
    refused = lookup(anyone, code)
    assert refused.status_code == 429 and "Alice" not in refused.get_data(as_text=True)
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 429
    assert lookup(anyone, code, ip="10.9.9.9").status_code == 200
