"""Who may do what: every route of the OpenAPI document, asked by four people in a fresh world each time.

owner: alice, paired with partner bob; stranger: carol, of another couple (with dave); anonymous: no cookie.
alice has a shared appreciation and bid, a private journal and a push subscription. Each row says what every
role gets and checks that nothing of alice's leaks or changes. A new route without a row fails
test_the_matrix_covers_every_route.
"""

import base64
import re
import uuid

import pytest
from sqlalchemy import func, select

import e2e_crypto as ec
from backend.extensions import db
from backend.models import DeviceKey, PushSubscription, WrappedKey
from conftest import PASSWORD, Person
from key_material import PhoneDevice, recovery_blob, wrap
from push_service import new_vapid_pem

pytestmark = pytest.mark.usefixtures("key_epochs_from_one")  # key ids c1, c2… below

ROLES = ("anonymous", "stranger", "partner", "owner")
ENDPOINT = "https://fcm.googleapis.com/fcm/send/alice-device"
KEYS = {
    "p256dh": base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode().rstrip("="),
    "auth": base64.urlsafe_b64encode(b"\x02" * 16).decode().rstrip("="),
}


class World:
    def __init__(self, app):
        self.app = app
        self.owner = Person(app, "alice@example.com", "Alice")
        self.partner = Person(app, "bob@example.com", "Bob")
        self.stranger = Person(app, "carol@example.com", "Carol")
        self.stranger_partner = Person(app, "dave@example.com", "Dave")
        self.lone = Person(app, "eve@example.com", "Eve")
        for a, b in ((self.owner, self.partner), (self.stranger, self.stranger_partner)):
            code = a.client.post("/api/couple", json={}).json["invite"]["code"]
            assert b.client.post("/api/couple/join", json={"code": code}).status_code == 200
        self.invite = self.lone.client.post("/api/couple", json={}).json["invite"]["code"]
        self.shared = self._put("appreciation", {"text": "Thank you for the tea"})
        self.bid = self._put("bid", {"type": "question", "bidder": "me", "note": "How was work?"})
        self.private = self._put("journal", {"text": "Only mine"}, visibility="private")
        self.owner_entries = {self.shared, self.bid, self.private}
        assert (
            self.owner.client.post("/api/push/subscriptions", json={"endpoint": ENDPOINT, "keys": KEYS}).status_code
            == 201
        )
        # alice's and bob's phones hold the couple key; alice has a recovery blob (issue 15's key directory).
        self.owner_phone, self.partner_phone = PhoneDevice(), PhoneDevice()
        for person, phone in ((self.owner, self.owner_phone), (self.partner, self.partner_phone)):
            assert person.client.post("/api/keys/devices", json=phone.body()).status_code == 201
        items = [self.wrapped(phone) for phone in (self.owner_phone, self.partner_phone)]
        assert self.owner.client.put("/api/keys/wrapped", json={"items": items}).status_code == 200
        self.recovery = recovery_blob(self.owner.id, {"c1": b"\x01" * 32})
        assert self.owner.client.put("/api/keys/recovery", json={"blob": self.recovery}).status_code == 204
        # and a key transfer waiting for her new phone (a second device, /api/keys/transfer).
        self.transfer = recovery_blob(self.owner.id, {"c1": b"\x01" * 32})
        assert self.owner.client.put("/api/keys/transfer", json={"blob": self.transfer}).status_code == 200
        # Values for the path's {placeholders} (the OpenAPI document's path of a route).
        self.path_values = {"device_id": self.owner_phone.device_id}

    def wrapped(self, phone, key_id="c1"):
        blob = wrap(b"\x01" * 32, phone.device_id, phone.public_key, key_id)
        return {"device_id": phone.device_id, "key_id": key_id, "blob": blob}

    def owner_keys(self):
        """alice's devices (id, public key) and the copies wrapped to them (device, key id)."""
        with self.app.app_context():
            devices = db.session.execute(
                select(DeviceKey.device_id, DeviceKey.public_key).where(DeviceKey.user_id == self.owner.id)
            ).all()
            wrapped = db.session.execute(
                select(WrappedKey.device_id, WrappedKey.key_id).where(WrappedKey.user_id == self.owner.id)
            ).all()
        return sorted(map(tuple, devices)), sorted(map(tuple, wrapped))

    def _put(self, kind, body, visibility="shared"):
        response, entry_id = self.owner.put(kind, body, visibility=visibility)
        assert response.json["results"][0]["status"] == "applied", response.json
        return entry_id

    def client(self, role):
        return self.app.test_client() if role == "anonymous" else getattr(self, role).client

    def person(self, role):
        return None if role == "anonymous" else getattr(self, role)

    def subscriptions(self):
        with self.app.app_context():
            return db.session.scalar(
                select(func.count()).select_from(PushSubscription).where(PushSubscription.endpoint == ENDPOINT)
            )

    def owner_still_paired(self):
        me = self.owner.client.get("/api/me").json
        return me["couple"] is not None and {m["id"] for m in me["couple"]["members"]} == {
            self.owner.id,
            self.partner.id,
        }


def visible_ids(entries):
    return {e["id"] for e in entries if not e["deleted"]}


def sees_what_it_may(world, role, response):
    """Sync pulls and export: the stranger gets nothing of alice's, bob her shared entries only."""
    key = "changes" if "changes" in response.json else "entries"
    ids = visible_ids(response.json[key]) & world.owner_entries
    expected = {"stranger": set(), "partner": {world.shared, world.bid}, "owner": world.owner_entries}[role]
    assert ids == expected


def sync_body(world, role):
    return {"client_id": str(uuid.uuid4()), "cursor": 0, "mutations": []}


def edit_owners_entry(world, role):
    """A put on alice's shared appreciation: only alice may change it."""
    person = world.person(role)
    return {
        "client_id": str(uuid.uuid4()),
        "cursor": 0,
        "couple_id": person and person.couple_id(),
        "mutations": [
            {
                "mid": 1,
                "op": "put",
                "entry": {
                    "id": world.shared,
                    "kind": "appreciation",
                    "visibility": "shared",
                    # Sealed as a phone seals it (alice has a device key: with the setting on, plaintext is refused).
                    "body": {"text": ec.seal_text(b"\x01" * 32, "c1", world.shared, "appreciation", "text", "Changed")},
                },
            }
        ],
    }


def check_edit(world, role, response):
    result = response.json["results"][0]
    assert result["status"] == {"stranger": "rejected", "partner": "rejected", "owner": "applied"}[role]
    if role != "owner":
        assert result["error"]["code"] == {"stranger": 404, "partner": 403}[role]
        owner_view = {e["id"]: e for e in world.owner.client.get("/api/export").json["entries"]}
        assert owner_view[world.shared]["body"]["text"] == "Thank you for the tea"


def check_stats(world, role, response):
    # alice's couple has one shared bid; carol's has none. Partners see the same couple numbers.
    assert response.json["bids"]["total"] == (0 if role == "stranger" else 1)


def check_me(world, role, response):
    assert response.json["user"]["id"] == world.person(role).id
    if role == "stranger":
        assert world.stranger.id not in {m["id"] for m in world.owner.client.get("/api/me").json["couple"]["members"]}


def check_owner_unchanged(world, role, response):
    """A write that acts on the caller only: alice's account, couple and data are as they were."""
    me = world.owner.client.get("/api/me")
    assert me.status_code == 200 or role == "owner"
    if role != "owner":
        assert me.json["user"]["display_name"] == "Alice"
        assert world.owner_still_paired()
        assert world.subscriptions() == 1


def check_unsubscribe(world, role, response):
    assert world.subscriptions() == (0 if role == "owner" else 1)


def check_subscribe(world, role, response):
    # Upsert by endpoint, but never taken from alice while she is signed in on the browser that registered it.
    with world.app.app_context():
        holder = db.session.scalar(select(PushSubscription.user_id).where(PushSubscription.endpoint == ENDPOINT))
    assert holder == world.owner.id


def check_login(world, role, response):
    assert response.json["user"]["id"] == world.owner.id


def check_leave(world, role, response):
    # carol leaving ends her own couple, never alice's; bob or alice leaving ends theirs.
    assert world.owner_still_paired() == (role == "stranger")


def check_signup(world, role, response):
    assert response.json["user"]["email"] == f"new-{role}@example.com"


def check_session_ended(world, role, response):
    assert world.client(role).get("/api/me").status_code == 401
    if role != "owner":
        assert world.owner.client.get("/api/me").status_code == 200


def check_invite_lookup(world, role, response):
    assert set(response.json) == {"invite"}
    assert set(response.json["invite"]) == {"name", "note", "expires_at"}


def check_key_directory(world, role, response):
    """Own and current partner's devices only; no wrapped keys without ?device= (and then only one's own)."""
    couple = {
        "stranger": {world.stranger.id, world.stranger_partner.id},
        "partner": {world.owner.id, world.partner.id},
        "owner": {world.owner.id, world.partner.id},
    }[role]
    assert {d["user_id"] for d in response.json["devices"]} <= couple and response.json["wrapped"] == []
    foreign = world.client(role).get("/api/keys", query_string={"device": world.owner_phone.device_id})
    assert foreign.status_code == (200 if role == "owner" else 404)


def same_device_elsewhere(world, role):
    """alice's device id with another key: hers is a 409; anyone else may register that id as theirs."""
    return {"device_id": world.owner_phone.device_id, "public_key": PhoneDevice().public_key}


def check_owner_keys_unchanged(world, role, response):
    devices, wrapped = world.owner_keys()
    assert devices == [(world.owner_phone.device_id, world.owner_phone.public_key)]
    assert wrapped == [(world.owner_phone.device_id, "c1")]


def check_device_removed(world, role, response):
    devices, wrapped = world.owner_keys()
    assert (devices == []) == (role == "owner") and (wrapped == []) == (role == "owner")


def check_proof(world, role, response):
    check_owner_keys_unchanged(world, role, response)
    with world.app.app_context():
        proof = db.session.scalar(select(DeviceKey.personal_proof).where(DeviceKey.user_id == world.owner.id))
    assert (proof is None) == (role != "owner")


def check_recovery_put(world, role, response):
    stored = world.owner.client.get("/api/keys/recovery").json["blob"]
    assert (stored == world.recovery) == (role != "owner")


def check_recovery_get(world, role, response):
    assert response.json == {"blob": world.recovery if role == "owner" else None}


def check_transfer_kept(world, role, response):
    stored = world.owner.client.get("/api/keys/transfer").json["blob"]
    assert (stored == world.transfer) == (role != "owner")


def check_transfer_get(world, role, response):
    assert response.json["blob"] == (world.transfer if role == "owner" else None)


def body(value):
    return lambda world, role: value


LOGIN_ONLY = {"anonymous": 401, "stranger": 200, "partner": 200, "owner": 200}


def row(statuses, body=None, check=None):
    if isinstance(statuses, int):
        statuses = dict.fromkeys(ROLES, statuses)
    return {"statuses": statuses, "body": body, "check": check}


MATRIX = {
    ("get", "/healthz"): row(200),
    ("post", "/api/auth/signup"): row(
        201,
        lambda w, r: {"email": f"new-{r}@example.com", "password": PASSWORD, "display_name": "New", "timezone": "UTC"},
        check_signup,
    ),
    ("post", "/api/auth/login"): row(200, body({"email": "alice@example.com", "password": PASSWORD}), check_login),
    ("post", "/api/auth/logout"): row(
        204, body({}), lambda w, r, resp: r == "anonymous" or check_session_ended(w, r, resp)
    ),
    ("post", "/api/auth/logout-all"): row(
        {**LOGIN_ONLY, "stranger": 204, "partner": 204, "owner": 204}, body({}), check_session_ended
    ),
    # Anyone may ask for a reset link (the same answer for every email) and try a token; nobody's
    # password or session changes without the mailed token (test_password_reset.py follows a real link).
    ("post", "/api/auth/password-reset"): row(202, body({"email": "alice@example.com"}), check_owner_unchanged),
    ("post", "/api/auth/password-reset/confirm"): row(
        404, body({"token": "not-a-token", "new_password": "x" * 12}), check_owner_unchanged
    ),
    ("get", "/api/me"): row(LOGIN_ONLY, None, check_me),
    ("patch", "/api/me"): row(LOGIN_ONLY, body({"display_name": "Mallory"}), check_owner_unchanged),
    ("delete", "/api/me"): row(
        {**LOGIN_ONLY, "stranger": 422, "partner": 422, "owner": 422},
        body({"password": "not the password"}),
        check_owner_unchanged,
    ),
    ("post", "/api/me/password"): row(
        {**LOGIN_ONLY, "stranger": 422, "partner": 422, "owner": 422},
        body({"current_password": "not the password", "new_password": "x" * 12}),
        check_owner_unchanged,
    ),
    ("post", "/api/couple"): row(
        {**LOGIN_ONLY, "stranger": 409, "partner": 409, "owner": 409}, body({}), check_owner_unchanged
    ),
    ("post", "/api/couple/invite"): row(
        {**LOGIN_ONLY, "stranger": 409, "partner": 409, "owner": 409}, body({}), check_owner_unchanged
    ),
    ("post", "/api/couple/join"): row(
        {**LOGIN_ONLY, "stranger": 409, "partner": 409, "owner": 409},
        lambda w, r: {"code": w.invite},
        check_owner_unchanged,
    ),
    # Whoever holds a live code may see who invited them and the note, and nothing more (no login needed).
    ("post", "/api/couple/invite/lookup"): row(200, lambda w, r: {"code": w.invite}, check_invite_lookup),
    ("post", "/api/couple/leave"): row(
        {**LOGIN_ONLY, "stranger": 204, "partner": 204, "owner": 204}, body({}), check_leave
    ),
    # Everyone here is in a couple: nobody can come back to another one (test_leaving.py: the undo).
    ("post", "/api/couple/come-back"): row(
        {**LOGIN_ONLY, "stranger": 409, "partner": 409, "owner": 409}, body({}), check_owner_unchanged
    ),
    ("post", "/api/sync"): row(LOGIN_ONLY, sync_body, sees_what_it_may),
    ("get", "/api/stats"): row(LOGIN_ONLY, None, check_stats),
    ("get", "/api/export"): row(LOGIN_ONLY, None, sees_what_it_may),
    ("get", "/api/push/key"): row(200),
    # The live service answers the stream; the Flask app alone says "no live service here" to anyone.
    ("get", "/api/live"): row(204),
    ("post", "/api/push/subscriptions"): row(
        {**LOGIN_ONLY, "stranger": 409, "partner": 409, "owner": 201},
        body({"endpoint": ENDPOINT, "keys": KEYS}),
        check_subscribe,
    ),
    ("delete", "/api/push/subscriptions"): row(
        {**LOGIN_ONLY, "stranger": 404, "partner": 404, "owner": 204}, body({"endpoint": ENDPOINT}), check_unsubscribe
    ),
    ("get", "/api/keys"): row(LOGIN_ONLY, None, check_key_directory),
    ("post", "/api/keys/devices"): row(
        {**LOGIN_ONLY, "stranger": 201, "partner": 201, "owner": 409}, same_device_elsewhere, check_owner_keys_unchanged
    ),
    ("delete", "/api/keys/devices/{device_id}"): row(
        {**LOGIN_ONLY, "stranger": 404, "partner": 404, "owner": 204}, body({}), check_device_removed
    ),
    # A device's proof: only its own person sets it (bob and carol are refused as if it did not exist).
    ("put", "/api/keys/devices/{device_id}/proof"): row(
        {**LOGIN_ONLY, "stranger": 404, "partner": 404, "owner": 200},
        lambda w, r: {"personal": "p1." + "A" * 43},
        check_proof,
    ),
    # A couple key for alice's device: from her or bob, never from another couple.
    ("put", "/api/keys/wrapped"): row(
        {**LOGIN_ONLY, "stranger": 422, "partner": 200, "owner": 200},
        lambda w, r: {"items": [w.wrapped(w.owner_phone)]},
        check_owner_keys_unchanged,
    ),
    ("put", "/api/keys/recovery"): row(
        {**LOGIN_ONLY, "stranger": 204, "partner": 204, "owner": 204},
        lambda w, r: {"blob": recovery_blob(w.owner.id, {"p1": b"\x02" * 32})},
        check_recovery_put,
    ),
    ("get", "/api/keys/recovery"): row(LOGIN_ONLY, None, check_recovery_get),
    # Each person's own slot: another's PUT or DELETE never touches alice's, and only she reads it.
    ("put", "/api/keys/transfer"): row(
        LOGIN_ONLY, lambda w, r: {"blob": recovery_blob(w.owner.id, {"p1": b"\x02" * 32})}, check_transfer_kept
    ),
    ("get", "/api/keys/transfer"): row(LOGIN_ONLY, None, check_transfer_get),
    ("delete", "/api/keys/transfer"): row(
        {**LOGIN_ONLY, "stranger": 204, "partner": 204, "owner": 204}, body({}), check_transfer_kept
    ),
}

# More than one row per route where one request cannot show the rule.
EXTRA = [
    ("post", "/api/sync", row(LOGIN_ONLY, edit_owners_entry, check_edit)),
]


@pytest.fixture
def app(make_app):
    return make_app(VAPID_PRIVATE_KEY=new_vapid_pem())


HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def operations(document):
    """(method, path) of each operation (a path's shared `parameters` is not one)."""
    return {(method, path) for path, ops in document["paths"].items() for method in ops if method in HTTP_METHODS}


def test_the_matrix_covers_every_route(app):
    document = app.test_client().get("/api/openapi.json").json
    assert set(MATRIX) == operations(document)
    rules = {
        (method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if (rule.rule.startswith("/api/") or rule.rule == "/healthz") and rule.rule != "/api/openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert set(MATRIX) == rules


def test_login_required_routes_say_so_in_the_document(app):
    """The document's security requirement matches who gets 401."""
    document = app.test_client().get("/api/openapi.json").json
    for (method, path), spec in MATRIX.items():
        needs_login = spec["statuses"]["anonymous"] == 401
        assert ("security" in document["paths"][path][method]) == needs_login, (method, path)
        assert ("401" in document["paths"][path][method]["responses"]) == needs_login or path == "/api/auth/login"


CASES = [(method, path, spec) for (method, path), spec in MATRIX.items()] + EXTRA


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "method, path, spec", CASES, ids=[f"{m.upper()} {p} #{i}" for i, (m, p, _) in enumerate(CASES)]
)
def test_access(app, method, path, spec, role):
    world = World(app)
    kwargs = {"json": spec["body"](world, role)} if spec["body"] else {}
    response = getattr(world.client(role), method)(path.format(**world.path_values), **kwargs)
    assert response.status_code == spec["statuses"][role], response.get_data(as_text=True)
    if response.status_code >= 400:
        assert set(response.json) == {"code", "status", "reason", "message", "errors", "codes"}
    if role == "anonymous":
        check_owner_unchanged(world, role, response)  # no cookie, no effect on anyone's data
    elif spec["check"]:
        spec["check"](world, role, response)
