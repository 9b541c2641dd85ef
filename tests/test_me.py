"""The logged-in user: reading and changing settings, changing the password, deleting the account."""

import pytest
from sqlalchemy import func, select

from backend import limits as L
from backend.extensions import db
from backend.models import AuthSession, Entry, User
from conftest import PASSWORD

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
NEW_PASSWORD = "a brand new passphrase"


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def get_user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def login(app, email, password):
    client = app.test_client()
    return client, client.post("/api/auth/login", json={"email": email, "password": password})


# --- GET /api/me ------------------------------------------------------------------------------


def test_me_without_a_couple_has_couple_null(signup):
    alice = signup("Alice")
    response = alice.client.get("/api/me")
    assert response.status_code == 200
    assert response.json["couple"] is None
    user = response.json["user"]
    assert user["id"] == alice.id and user["display_name"] == "Alice"
    assert user["timezone"] == "Europe/Berlin"
    assert user["nudge_time"] == "20:00"
    assert user["quiet_start"] is None and user["quiet_end"] is None
    assert user["show_previews"] is False


def test_me_in_a_couple_lists_both_members(pair):
    alice, bob = pair(rituals=False)
    couple = alice.client.get("/api/me").json["couple"]
    assert set(couple) >= {"id", "members", "created_at"}
    assert couple["members"] == [
        {"id": alice.id, "display_name": "Alice", "question_depth": "light"},
        {"id": bob.id, "display_name": "Bob", "question_depth": "light"},
    ]
    assert bob.client.get("/api/me").json["couple"]["id"] == couple["id"]


@pytest.mark.parametrize(
    "accept, language",
    [
        (None, "en"),
        ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
        ("de-DE,ru;q=0.5", "ru"),
        ("de-DE,fr;q=0.9", "en"),
        ("en-GB,ru;q=0.9", "en"),
    ],
)
def test_signup_takes_the_language_of_the_phone(app, accept, language):
    headers = {"Accept-Language": accept} if accept else {}
    response = app.test_client().post(
        "/api/auth/signup",
        headers=headers,
        json={"email": "ru@example.com", "password": PASSWORD, "display_name": "Саша", "timezone": "Europe/Moscow"},
    )
    assert response.status_code == 201, response.json
    assert response.json["user"]["language"] == language
    assert get_user(app, response.json["user"]["id"]).language == language


def test_signup_may_name_its_language(app):
    response = app.test_client().post(
        "/api/auth/signup",
        headers={"Accept-Language": "en"},
        json={
            "email": "ru@example.com",
            "password": PASSWORD,
            "display_name": "Саша",
            "timezone": "Europe/Moscow",
            "language": "ru",
        },
    )
    assert response.status_code == 201 and response.json["user"]["language"] == "ru"


def test_signup_with_a_language_hearth_does_not_speak_is_422(app):
    response = app.test_client().post(
        "/api/auth/signup",
        json={
            "email": "ru@example.com",
            "password": PASSWORD,
            "display_name": "Sasha",
            "timezone": "Europe/Moscow",
            "language": "de",
        },
    )
    assert response.status_code == 422 and list(response.json["errors"]) == ["language"]
    assert count(app, User) == 0


# --- PATCH /api/me ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, stored",
    [
        ("display_name", "Ally", "Ally"),
        ("display_name", "  Ally  ", "Ally"),
        ("timezone", "America/New_York", "America/New_York"),
        ("nudge_time", "07:45", "07:45"),
        ("nudge_time", "23:59", "23:59"),
        ("quiet_start", "22:00", "22:00"),
        ("quiet_end", "07:00", "07:00"),
        ("show_previews", True, True),
        ("language", "ru", "ru"),
        ("language", "en", "en"),
        ("daily_push_budget", 0, 0),
        ("daily_push_budget", 6, 6),
        ("question_depth", "medium", "medium"),
        ("question_depth", "deep", "deep"),
    ],
)
def test_patch_me_changes_each_setting(app, signup, field, value, stored):
    alice = signup("Alice")
    response = alice.client.patch("/api/me", json={field: value})
    assert response.status_code == 200
    assert response.json["user"][field] == stored
    assert getattr(get_user(app, alice.id), field) == stored
    assert alice.client.get("/api/me").json["user"][field] == stored


@pytest.mark.parametrize("field", ["quiet_start", "quiet_end"])
def test_patch_me_clears_quiet_hours_with_null(app, signup, field):
    alice = signup()
    alice.client.patch("/api/me", json={"quiet_start": "22:00", "quiet_end": "07:00"})
    response = alice.client.patch("/api/me", json={field: None})
    assert response.status_code == 200
    assert response.json["user"][field] is None
    assert getattr(get_user(app, alice.id), field) is None


def test_patch_me_leaves_fields_not_sent_alone(app, signup):
    alice = signup("Alice")
    alice.client.patch("/api/me", json={"nudge_time": "08:30", "show_previews": True})
    response = alice.client.patch("/api/me", json={"display_name": "Ally"})
    assert response.json["user"]["nudge_time"] == "08:30"
    user = get_user(app, alice.id)
    assert (user.display_name, user.nudge_time, user.show_previews) == ("Ally", "08:30", True)


@pytest.mark.parametrize(
    "field, value",
    [
        ("display_name", ""),
        ("display_name", "   "),
        ("display_name", "x" * 61),
        ("display_name", None),
        ("timezone", "Middle/Earth"),
        ("timezone", None),
        ("nudge_time", "24:00"),
        ("nudge_time", "8:30"),
        ("nudge_time", "08:60"),
        ("nudge_time", "noon"),
        ("nudge_time", None),
        ("quiet_start", "25:00"),
        ("quiet_end", "7pm"),
        ("show_previews", "sometimes"),
        ("show_previews", None),
        ("language", "de"),
        ("language", "RU"),
        ("language", "ru-RU"),
        ("language", ""),
        ("language", None),
        ("language", 7),
        ("daily_push_budget", -1),
        ("daily_push_budget", 7),
        ("daily_push_budget", None),
        ("daily_partner_push_limit", 0),
        ("daily_partner_push_limit", 51),
        ("daily_partner_push_limit", None),
        ("daily_push_limit", 0),
        ("question_depth", "Deep"),
        ("question_depth", "very deep"),
        ("question_depth", ""),
        ("question_depth", None),
        ("question_depth", 2),
        ("email", "new@example.com"),
    ],
)
def test_patch_me_rejects_bad_values_with_422(app, signup, field, value):
    alice = signup("Alice")
    before = alice.client.get("/api/me").json["user"]
    response = alice.client.patch("/api/me", json={field: value})
    assert response.status_code == 422
    assert set(response.json) == ERROR_KEYS
    assert list(response.json["errors"]) == [field]
    assert alice.client.get("/api/me").json["user"] == before


def test_a_new_account_gets_three_pushes_a_day(app, signup):
    user = signup().client.get("/api/me").json["user"]
    assert user["daily_push_budget"] == user["daily_partner_push_limit"] == user["daily_push_limit"] == 3
    assert L.PUSH_BUDGET_DEFAULT == 3


@pytest.mark.parametrize("name", ["daily_partner_push_limit", "daily_push_limit"])
@pytest.mark.parametrize("sent, stored", [(2, 2), (6, 6), (10, 6), (50, 6)])
def test_the_old_names_of_the_push_budget_still_set_it(app, signup, name, sent, stored):
    """Phones written before the budget send the old partner-only limit (1-50): it sets the budget, at most 6."""
    alice = signup()
    response = alice.client.patch("/api/me", json={name: sent})
    assert response.status_code == 200
    assert response.json["user"]["daily_push_budget"] == response.json["user"][name] == stored
    assert get_user(app, alice.id).daily_push_budget == stored


@pytest.mark.parametrize("old, new, status, stored", [(4, 4, 200, 4), (4, 5, 422, 3), (9, 6, 200, 6)])
def test_both_names_of_the_push_budget_must_agree(app, signup, old, new, status, stored):
    alice = signup()
    response = alice.client.patch("/api/me", json={"daily_push_limit": old, "daily_push_budget": new})
    assert response.status_code == status
    if status == 422:
        assert set(response.json) == ERROR_KEYS and list(response.json["errors"]) == ["daily_push_limit"]
    assert get_user(app, alice.id).daily_push_budget == stored


# --- POST /api/me/password --------------------------------------------------------------------


def test_change_password_keeps_this_session_and_ends_the_others(app, signup):
    alice = signup()
    phone, _ = login(app, alice.email, PASSWORD)
    response = alice.client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    assert alice.client.get("/api/me").status_code == 200
    assert phone.get("/api/me").status_code == 401
    assert count(app, AuthSession, AuthSession.user_id == alice.id) == 1


def test_after_a_password_change_only_the_new_password_logs_in(app, signup):
    alice = signup()
    alice.client.post("/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert login(app, alice.email, PASSWORD)[1].status_code == 401
    assert login(app, alice.email, NEW_PASSWORD)[1].status_code == 200
    assert get_user(app, alice.id).password_hash.startswith("$argon2id$")


def test_change_password_with_a_wrong_current_password_is_422_and_changes_nothing(app, signup):
    alice = signup()
    phone, _ = login(app, alice.email, PASSWORD)
    response = alice.client.post(
        "/api/me/password", json={"current_password": "not my password", "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 422
    assert set(response.json) == ERROR_KEYS
    assert list(response.json["errors"]) == ["current_password"]
    assert phone.get("/api/me").status_code == 200
    assert login(app, alice.email, PASSWORD)[1].status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "current_password"),
    ],
)
def test_change_password_validates_its_fields(app, signup, body, field):
    alice = signup()
    response = alice.client.post("/api/me/password", json=body)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert login(app, alice.email, PASSWORD)[1].status_code == 200


# --- DELETE /api/me ---------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{"password": "not my password"}, {}])
def test_delete_me_needs_the_right_password(app, signup, body):
    alice = signup()
    response = alice.client.delete("/api/me", json=body)
    assert response.status_code == 422
    assert "password" in response.json["errors"]
    assert get_user(app, alice.id) is not None
    assert alice.client.get("/api/me").status_code == 200


@pytest.mark.parametrize("password", ["not my password", "short"])
def test_delete_me_names_a_wrong_password_by_its_own_code(app, signup, password):
    """The phone tells "that password isn't right" from "type your password" by the code, never the words."""
    alice = signup()
    response = alice.client.delete("/api/me", json={"password": password})
    assert response.status_code == 422
    assert response.json["reason"] == "wrong_password"
    assert response.json["codes"] == {"password": ["wrong_password"]}
    empty = alice.client.delete("/api/me", json={"password": ""})
    assert (empty.json["reason"], empty.json["codes"]) == ("validation", {"password": ["too_short"]})
    assert get_user(app, alice.id) is not None


def test_delete_me_removes_the_user_their_sessions_and_their_entries(app, pair):
    alice, bob = pair(rituals=False)
    assert alice.put("appreciation", {"text": "Thanks for dinner"})[0].status_code == 200
    assert alice.put("journal", {"text": "Private thoughts"}, visibility="private")[0].status_code == 200
    assert bob.put("appreciation", {"text": "Thanks for the walk"})[0].status_code == 200
    login(app, alice.email, PASSWORD)  # a second device

    response = alice.client.delete("/api/me", json={"password": PASSWORD})
    assert response.status_code == 204
    assert alice.client.get_cookie("hearth_session") is None
    assert get_user(app, alice.id) is None
    assert count(app, AuthSession, AuthSession.user_id == alice.id) == 0
    assert count(app, Entry, Entry.author_id == alice.id) == 0
    assert count(app, Entry, Entry.author_id == bob.id) == 1
    assert alice.client.get("/api/me").status_code == 401
    assert login(app, alice.email, PASSWORD)[1].status_code == 401


def test_delete_me_leaves_the_partner_unpaired_with_their_entries(app, pair):
    alice, bob = pair(rituals=False)
    bob.put("appreciation", {"text": "Thanks for the walk"})
    alice.client.delete("/api/me", json={"password": PASSWORD})
    me = bob.client.get("/api/me")
    assert me.status_code == 200 and me.json["couple"] is None
    assert get_user(app, bob.id).couple_id is None
    texts = [e["body"]["text"] for e in bob.client.get("/api/export").json["entries"]]
    assert texts == ["Thanks for the walk"]


def test_a_deleted_email_can_sign_up_again(app, signup):
    alice = signup()
    alice.client.delete("/api/me", json={"password": PASSWORD})
    response = app.test_client().post(
        "/api/auth/signup",
        json={"email": alice.email, "password": PASSWORD, "display_name": "Alice", "timezone": "UTC"},
    )
    assert response.status_code == 201
    assert response.json["user"]["id"] != alice.id


def test_each_partner_sees_the_other_s_question_depth(pair):
    """The couple's question never goes deeper than the lower of the two: each phone needs both."""
    alice, bob = pair(rituals=False)
    assert bob.client.patch("/api/me", json={"question_depth": "deep"}).status_code == 200
    members = {m["id"]: m["question_depth"] for m in alice.client.get("/api/me").json["couple"]["members"]}
    assert members == {alice.id: "light", bob.id: "deep"}
