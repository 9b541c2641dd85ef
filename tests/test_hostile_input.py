"""Hostile input gets a clear 4xx in the one error shape, never a 500, and nothing is stored:
JSON nested too deep, numbers too long (both refused before parsing), NUL and lone surrogates in any
string (a 422 on the field; inside a sync, a rejected mutation so the phone's queue drains), raw bytes
that are not UTF-8 or not JSON, and direction-control characters in display names."""

import uuid

import pytest
from marshmallow import ValidationError, fields
from test_limits import input_schemas

from backend.extensions import db
from backend.json_guard import MAX_DEPTH, MAX_NUMBER_DIGITS, NumberTooLong, check, depth
from backend.models import Entry, PushSubscription, User
from backend.schemas.common import Clean
from conftest import PASSWORD
from push_service import new_vapid_pem
from samples import entry, put_ok, stored, valid_body

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}
# As the phone's JSON carries them: Flask's test client writes \u0000, \ud800, \udc00 escapes.
HOSTILE = {"nul": "a\x00b", "high-surrogate": "a\ud800b", "low-surrogate": "\udc00", "trailing-nul": "ok\x00"}
ENVELOPE_HOSTILE = {**HOSTILE, "newline": "\n"}  # "$" in a pattern matched before a trailing newline
DEEP = "[" * 972 + "]" * 972
KEYS = {
    "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
    "auth": "tBHItJI5svbpez7KI4CCXg",
}


@pytest.fixture
def app(make_app):
    return make_app(RATELIMIT_ENABLED=False, VAPID_PRIVATE_KEY=new_vapid_pem())


def assert_error(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:300])
    assert set(response.json) == ERROR_KEYS and response.json["code"] == code
    return response.json


def raw_post(client, path, text, method="post"):
    data = text.encode() if isinstance(text, str) else text
    return getattr(client, method)(path, data=data, content_type="application/json")


# --- 8. nesting depth and long numbers, on every route, before any parsing ---------------------


def api_routes(app):
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api") and "<" not in rule.rule:
            routes += [(method, rule.rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_the_depth_scan_skips_brackets_inside_strings():
    assert depth(b'{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert depth(b'"\\"[[[["') == 0


def test_the_digit_scan_refuses_runs_longer_than_the_cap_outside_strings_only():
    digits = b"1234567890" * (MAX_NUMBER_DIGITS // 10 + 1)
    at_cap, over = digits[:MAX_NUMBER_DIGITS], digits[: MAX_NUMBER_DIGITS + 1]
    for fine in (at_cap, b"[" + at_cap + b"," + at_cap + b"]", b'"' + over + b'"', b"1." + at_cap[1:] + b"e" + at_cap):
        check(fine)
    for refused in (over, b'{"a": -' + over + b"}", b'["x", 0.' + over + b"]"):
        with pytest.raises(NumberTooLong):
            check(refused)


def test_json_nested_972_levels_is_400_on_every_route_logged_in_or_not(app, pair):
    alice, _bob = pair()
    anonymous = app.test_client()
    routes = api_routes(app)
    assert ("POST", "/api/auth/login") in routes and ("POST", "/api/sync") in routes
    for method, path in routes:
        for client in (anonymous, alice.client):
            body = assert_error(raw_post(client, path, DEEP, method.lower()), 400)
            assert str(MAX_DEPTH) in body["message"], (method, path)


def test_deep_json_is_400_on_login_with_rate_limits_on(make_app):
    """The login limit's key reads the body (the email) before the route runs: it must not parse it first."""
    client = make_app().test_client()
    for _ in range(3):
        assert_error(raw_post(client, "/api/auth/login", DEEP), 400)
    too_long = '{"email": "a@example.com", "password": %s}' % ("1" * 5000)
    assert_error(raw_post(client, "/api/auth/login", too_long), 422)


def test_json_at_the_depth_cap_is_parsed(app, signup):
    person = signup()
    nested = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    response = raw_post(person.client, "/api/me", '{"display_name": "Deep", "x": %s}' % nested, "patch")
    assert_error(response, 422)  # parsed, then the unknown field refused: not a 400 for depth
    assert "x" in response.json["errors"]


@pytest.mark.parametrize(
    "path, template",
    [
        ("/api/auth/login", '{"email": "a@example.com", "password": %s}'),
        ("/api/auth/signup", '{"email": "a@example.com", "password": "long enough pass", "display_name": %s}'),
        ("/api/sync", '{"client_id": "8d0c3f4e-5b7a-4f21-9c3e-2a6b1d9e7f10", "cursor": %s, "mutations": []}'),
        ("/api/me", '{"daily_partner_push_limit": %s}'),
        ("/api/me", '{"daily_push_limit": %s}'),
    ],
)
@pytest.mark.parametrize(
    "number", ["1" * 4301, "-" + "9" * 5000, "1" * (MAX_NUMBER_DIGITS + 1), "0." + "1" * 5000, "1" * 5000 + "e5"]
)
def test_a_number_with_too_many_digits_is_422(app, signup, path, template, number):
    person = signup()
    method = "patch" if path == "/api/me" else "post"
    body = assert_error(raw_post(person.client, path, template % number, method), 422)
    assert str(MAX_NUMBER_DIGITS) in body["message"]


def test_digits_and_brackets_inside_text_are_only_text(app, pair):
    alice, _bob = pair()
    text = ("[{" * 50) + ("7" * 200)
    entry_id = put_ok(alice, "journal", {"text": text, "feelings": []})
    assert stored(app, entry_id).body["text"] == text


# --- 9. NUL and lone surrogates: 422 on the field, on every route -------------------------------


def _signup_body(**changes):
    return {"email": "new@example.com", "password": PASSWORD, "display_name": "New", "timezone": "UTC", **changes}


def _subscription(endpoint="https://fcm.googleapis.com/fcm/send/abc", **keys):
    return {"endpoint": endpoint, "keys": {**KEYS, **keys}}


# (name, method, path, body(value), the field named in errors, paired first?)
ROUTES = [
    ("signup.email", "post", "/api/auth/signup", lambda v: _signup_body(email=f"n{v}@example.com"), "email"),
    ("signup.password", "post", "/api/auth/signup", lambda v: _signup_body(password=PASSWORD + v), "password"),
    ("signup.display_name", "post", "/api/auth/signup", lambda v: _signup_body(display_name=v), "display_name"),
    ("signup.timezone", "post", "/api/auth/signup", lambda v: _signup_body(timezone="UTC" + v), "timezone"),
    ("login.email", "post", "/api/auth/login", lambda v: {"email": "a" + v, "password": PASSWORD}, "email"),
    ("login.password", "post", "/api/auth/login", lambda v: {"email": "a@example.com", "password": v}, "password"),
    ("me.display_name", "patch", "/api/me", lambda v: {"display_name": "Al" + v}, "display_name"),
    ("me.timezone", "patch", "/api/me", lambda v: {"timezone": v}, "timezone"),
    ("me.nudge_time", "patch", "/api/me", lambda v: {"nudge_time": "20:00" + v}, "nudge_time"),
    (
        "password.new",
        "post",
        "/api/me/password",
        lambda v: {"current_password": PASSWORD, "new_password": PASSWORD + v},
        "new_password",
    ),
    (
        "password.current",
        "post",
        "/api/me/password",
        lambda v: {"current_password": v, "new_password": PASSWORD},
        "current_password",
    ),
    ("delete-me.password", "delete", "/api/me", lambda v: {"password": v}, "password"),
    ("join.code", "post", "/api/couple/join", lambda v: {"code": "ABCD-EFGH" + v}, "code"),
    (
        "push.endpoint",
        "post",
        "/api/push/subscriptions",
        lambda v: _subscription(endpoint="https://fcm.googleapis.com/fcm/send/" + v),
        "endpoint",
    ),
    ("push.p256dh", "post", "/api/push/subscriptions", lambda v: _subscription(p256dh=KEYS["p256dh"] + v), "keys"),
    ("push.auth", "post", "/api/push/subscriptions", lambda v: _subscription(auth=v), "keys"),
    ("push-delete.endpoint", "delete", "/api/push/subscriptions", lambda v: {"endpoint": "https://x/" + v}, "endpoint"),
    (
        "sync.client_id",
        "post",
        "/api/sync",
        lambda v: {"client_id": str(uuid.uuid4())[:-1] + v, "cursor": 0},
        "client_id",
    ),
    (
        "sync.op",
        "post",
        "/api/sync",
        lambda v: {
            "client_id": str(uuid.uuid4()),
            "cursor": 0,
            "mutations": [{"mid": 1, "op": "put" + v, "entry": {}}],
        },
        "mutations",
    ),
]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("name, method, path, make, field", ROUTES, ids=[r[0] for r in ROUTES])
def test_nul_and_lone_surrogates_are_422_on_every_route(app, signup, name, method, path, make, field, value):
    person = signup()  # logged in: the routes that need it get that far; signup and login don't care
    with app.app_context():
        users_before = db.session.scalar(db.select(db.func.count()).select_from(User))
    body = assert_error(getattr(person.client, method)(path, json=make(value)), 422)
    assert field in body["errors"], body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == users_before
        assert db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) == 0
        assert db.session.get(User, person.id).display_name == person.name


def _deep_set(body, path, value):
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value(target[path[-1]]) if callable(value) else value
    return body


# (kind, where in the body, how the hostile text goes in)
BODY_SPOTS = [
    ("appreciation", ("text",), None),
    ("disclosure", ("feelings", 0), None),
    ("disclosure", ("i_feel", "need"), None),
    ("disclosure", ("local_date",), None),
    ("disclosure", ("category",), None),
    ("checkin", ("note",), None),
    ("ritual", ("prompts", 0), None),
    ("ritual", ("title",), None),
    ("ritual", ("schedule", "time"), None),
    ("ritual_session", ("answers", 0, "text"), None),
    ("ritual_session", ("passed",), "list"),
    ("ritual_session", ("started_at",), None),
    ("answer", ("question_id",), None),
    ("journal", ("text",), None),
    ("timeout", ("note",), None),
    ("agreement", ("text",), None),
]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("kind, path, how", BODY_SPOTS, ids=[f"{s[0]}.{'.'.join(map(str, s[1]))}" for s in BODY_SPOTS])
def test_hostile_text_in_an_entry_body_is_a_rejected_mutation_and_the_queue_drains(app, pair, kind, path, how, value):
    alice, _bob = pair()
    ref_id = put_ok(alice, "ritual") if kind == "ritual_session" else None
    body = valid_body(kind)
    if how == "list":
        body[path[0]] = [value]
    else:
        _deep_set(body, path, lambda old: (old if isinstance(old, str) else "") + value)
    bad = entry(kind, body, ref_id=ref_id)
    good = entry("appreciation")
    response = alice.sync(("put", bad), ("put", good))
    assert response.status_code == 200, response.json
    rejected, applied = response.json["results"]
    assert rejected["status"] == "rejected" and rejected["error"]["code"] == 422
    assert set(rejected["error"]) == ERROR_KEYS and "body" in rejected["error"]["errors"]
    assert applied["status"] == "applied"
    assert response.json["last_mid"] == alice.mid  # both processed: the phone's outbox empties
    assert stored(app, bad["id"]) is None and stored(app, good["id"]) is not None


@pytest.mark.parametrize("value", ENVELOPE_HOSTILE.values(), ids=ENVELOPE_HOSTILE.keys())
@pytest.mark.parametrize("spot", ["id", "ref_id", "kind", "visibility", "created_at", "delete-id", "body-key"])
def test_hostile_text_in_an_entry_envelope_is_a_rejected_mutation(app, pair, spot, value):
    """Also on PostgreSQL, where a NUL in an id once failed the whole sync's preload (a 500 forever)."""
    alice, _bob = pair()
    bad = entry("appreciation")
    op = "put"
    if spot == "delete-id":
        op, bad = "delete", {"id": bad["id"][:-1] + value, "kind": "appreciation"}
    elif spot == "body-key":
        bad["body"]["note" + value] = "x"
    elif spot == "id":
        bad["id"] = bad["id"][:-1] + value
    else:
        bad[spot] = (
            str(uuid.uuid4())
            if spot == "ref_id"
            else "2026-05-01T10:00:00Z"
            if spot == "created_at"
            else bad.get(spot) or "shared"
        ) + value
    response = alice.sync((op, bad), ("put", entry("appreciation")))
    assert response.status_code == 200, response.json
    rejected, applied = response.json["results"]
    assert rejected["status"] == "rejected" and rejected["error"]["code"] == 422, rejected
    assert applied["status"] == "applied" and response.json["last_mid"] == alice.mid
    with app.app_context():
        assert db.session.scalar(
            db.select(db.func.count()).select_from(Entry).where(Entry.author_id == alice.id)
        ) == 1 + db.session.scalar(
            db.select(db.func.count()).select_from(Entry).where(Entry.author_id == alice.id, Entry.kind == "ritual")
        )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"email": "a@example.com", "password": "x\x00y"}',  # a raw NUL: a control character, not JSON
        b'{"email": "a@example.com", "password": "\xed\xa0\x80"}',  # a surrogate written as UTF-8: not UTF-8
        b'{"email": "a@example.com", "password": "\xff\xfe"}',  # not UTF-8 at all
        b"\xff\xfe{\x00}\x00",  # UTF-16 with a byte-order mark
    ],
    ids=["raw-nul", "utf8-surrogate", "not-utf8", "utf16"],
)
@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/signup", "/api/sync"])
def test_raw_bytes_that_are_not_json_text_are_400(app, signup, raw, path):
    person = signup()
    assert_error(raw_post(person.client, path, raw), 400)


def test_every_input_string_field_refuses_nul_and_surrogates():
    """Every String an input schema loads is the checked one: a new plain fields.String fails here."""
    checked = 0
    for schema in input_schemas().values():
        for name, field in schema().load_fields.items():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.String):
                assert isinstance(inner, Clean), f"{schema.__name__}.{name} is not a schemas.common String"
                checked += 1
                for value in HOSTILE.values():
                    with pytest.raises(ValidationError):
                        inner.deserialize(value)
    assert checked > 40


# --- bidi controls in names ---------------------------------------------------------------------

BIDI = {
    "RLO": "\u202e",
    "LRO": "\u202d",
    "RLE": "\u202b",
    "PDF": "\u202c",
    "RLI": "\u2067",
    "PDI": "\u2069",
    "RLM": "\u200f",
    "LRM": "\u200e",
}


@pytest.mark.parametrize("mark", BIDI.values(), ids=BIDI.keys())
def test_display_names_refuse_direction_controls(app, signup, mark):
    person = signup()
    for method, path, body in (
        ("patch", "/api/me", {"display_name": "Eve" + mark}),
        ("post", "/api/auth/signup", _signup_body(display_name="Eve" + mark)),
    ):
        error = assert_error(getattr(person.client, method)(path, json=body), 422)
        assert "direction" in error["errors"]["display_name"][0]
    with app.app_context():
        assert db.session.get(User, person.id).display_name == person.name


def test_right_to_left_names_are_welcome(app, signup):
    person = signup()
    response = person.client.patch("/api/me", json={"display_name": "שרה بنت"})
    assert response.status_code == 200 and response.json["user"]["display_name"] == "שרה بنت"
