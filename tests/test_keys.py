"""The key directory (/api/keys, issue 15): devices' public keys, wrapped keys, epochs and the recovery blob.
Who sees what (own and current partner's devices; wrapped keys only for the caller's own device, and of the
couple keys only the current couple's; the recovery blob only its owner), the epochs (a random first one at
pairing, 1 under the fixture here; leaving, its undo and removing a device each the next), and hostile input:
422 or 404 in the one shape, never 500."""

import os
import random
import threading
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

import e2e_crypto
from backend import limits as L
from backend.extensions import db
from backend.models import Couple, DeviceKey, User, WrappedKey
from conftest import PASSWORD, Person
from key_material import PhoneDevice, b64url, raw_public, recovery_blob, wrap

pytestmark = pytest.mark.usefixtures("key_epochs_from_one")  # key ids c1, c2… below

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}


def register(person, device):
    return person.client.post("/api/keys/devices", json=device.body())


def directory(person, device=None):
    response = person.client.get("/api/keys", query_string={"device": device.device_id} if device else {})
    assert response.status_code == 200, response.json
    return response.json


def put(person, *items, by=None):
    body = {"items": [{"device_id": d.device_id, "key_id": k, "blob": b} for d, k, b in items]}
    if by is not None:
        body["by_device"] = by.device_id
    return person.client.put("/api/keys/wrapped", json=body)


def wrapped_for(device, key_id, content_key=None):
    return device, key_id, wrap(content_key or os.urandom(32), device.device_id, device.public_key, key_id)


def with_devices(*people):
    """One registered device for each person."""
    devices = []
    for person in people:
        device = PhoneDevice(label=f"{person.name}'s phone")
        assert register(person, device).status_code == 201
        devices.append(device)
    return devices


def refused(response, status=422):
    assert response.status_code == status, response.json
    assert set(response.json) == ERROR_KEYS
    return response.json


def rows(app, model, **where):
    with app.app_context():
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return db.session.scalar(query)


def couple_epoch(app, couple_id):
    with app.app_context():
        return db.session.get(Couple, couple_id).key_epoch


# --- Devices ------------------------------------------------------------------------------------------


def test_a_device_registers_once_and_again_with_the_same_key(signup):
    alice = signup("Alice")
    phone = PhoneDevice(label="  Pixel  ")
    first = register(alice, phone)
    assert first.status_code == 201
    device = first.json["device"]
    assert device["device_id"] == phone.device_id and device["public_key"] == phone.public_key
    assert device["user_id"] == alice.id and device["label"] == "Pixel"
    again = register(alice, phone)
    assert again.status_code == 200 and again.json["device"] == device
    assert directory(alice) == {
        "devices": [device],
        "couple_epoch": None,
        "personal_epoch": 1,
        "wrapped": [],
        "waiting": [],
        "recovery": False,
    }


def test_a_known_device_with_another_key_is_409(signup):
    alice = signup()
    phone = PhoneDevice()
    assert register(alice, phone).status_code == 201
    other = PhoneDevice()
    other.device_id = phone.device_id.upper()  # the same id, however it is spelled
    body = refused(register(alice, other), 409)
    assert body["reason"] == "device_key_mismatch"
    assert [d["public_key"] for d in directory(alice)["devices"]] == [phone.public_key]


def test_two_accounts_on_one_browser_may_both_register_its_id(signup):
    alice, carol = signup(), signup()
    phone = PhoneDevice()
    assert register(alice, phone).status_code == 201
    assert register(carol, phone).status_code == 201


def test_at_most_ten_devices_a_person(app, signup):
    alice = signup()
    phones = [PhoneDevice() for _ in range(L.KEY_DEVICES_MAX)]
    for phone in phones:
        assert register(alice, phone).status_code == 201
    body = refused(register(alice, PhoneDevice()))
    assert body["reason"] == "too_many_devices"
    assert register(alice, phones[0]).status_code == 200  # one already there is still fine
    assert rows(app, DeviceKey, user_id=alice.id) == L.KEY_DEVICES_MAX


def _point_off_the_curve():
    while True:
        raw = b"\x04" + os.urandom(64)
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            return b64url(raw)


GOOD = PhoneDevice()
COMPRESSED = b64url(bytes([2 + raw_public(GOOD.private)[-1] % 2]) + raw_public(GOOD.private)[1:33])


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"device_id": 5}, "device_id", "wrong_type"),
        ({"device_id": "phone-1"}, "device_id", "not_a_uuid"),
        ({"device_id": str(uuid.uuid4()) + "\n"}, "device_id", "not_a_uuid"),
        ({"device_id": None}, "device_id", "null"),
        ({"public_key": ["x"]}, "public_key", "wrong_type"),
        ({"public_key": "x" * 10_000}, "public_key", "bad_public_key"),
        ({"public_key": "!!" + GOOD.public_key[2:]}, "public_key", "bad_public_key"),
        ({"public_key": GOOD.public_key + "="}, "public_key", "bad_public_key"),
        ({"public_key": GOOD.public_key[:-1] + "B"}, "public_key", "bad_public_key"),  # stray low bits
        ({"public_key": _point_off_the_curve()}, "public_key", "bad_public_key"),
        ({"public_key": b64url(raw_public(GOOD.private)[1:])}, "public_key", "bad_public_key"),  # 64 bytes
        ({"public_key": COMPRESSED}, "public_key", "bad_public_key"),
        ({"public_key": b64url(b"\x04" + bytes(64))}, "public_key", "bad_public_key"),
        ({"public_key": "\x00"}, "public_key", "nul_char"),
        ({"label": "Pixel\x00"}, "label", "nul_char"),
        ({"label": "Pixel\ud800"}, "label", "broken_char"),
        ({"label": "Pixel\n8"}, "label", "control_char"),
        ({"label": "Pixel\u202e8"}, "label", "bidi_control"),
        ({"label": "x" * (L.DEVICE_LABEL_MAX + 1)}, "label", "too_long"),
        ({"label": 8}, "label", "wrong_type"),
        ({"owner": "someone"}, "owner", "unknown_field"),
    ],
)
def test_hostile_device_input_is_422_in_the_one_shape(app, signup, change, field, code):
    alice = signup()
    body = refused(alice.client.post("/api/keys/devices", json={**PhoneDevice().body(), **change}))
    assert body["reason"] == "validation" and body["codes"] == {field: [code]}
    assert rows(app, DeviceKey) == 0


def test_a_label_of_the_limit_and_none_are_fine(signup):
    alice = signup()
    assert register(alice, PhoneDevice(label="x" * L.DEVICE_LABEL_MAX)).status_code == 201
    assert register(alice, PhoneDevice(label="   ")).json["device"]["label"] is None


def test_the_whole_body_must_be_an_object(signup):
    alice = signup()
    assert refused(alice.client.post("/api/keys/devices", json=["x"]))["reason"] == "validation"
    assert refused(alice.client.put("/api/keys/wrapped", json={"items": "x"}))["codes"] == {"items": ["wrong_type"]}


def test_everything_needs_a_login(client):
    assert client.get("/api/keys").status_code == 401
    assert client.post("/api/keys/devices", json=PhoneDevice().body()).status_code == 401
    assert client.put("/api/keys/wrapped", json={"items": []}).status_code == 401
    assert client.get("/api/keys/recovery").status_code == 401


# --- Device proofs ----------------------------------------------------------------------------------------


def proof_of(person, device, key_id="p1", content_key=None):
    return e2e_crypto.device_proof(
        content_key or os.urandom(32), key_id, person.id, device.device_id, device.public_key
    )


def set_proof(person, device, **proofs):
    return person.client.put(f"/api/keys/devices/{device.device_id}/proof", json=proofs)


def test_a_device_sets_its_own_proofs_and_those_who_see_it_read_them(pair):
    alice, bob = pair()
    alice_phone, _bob_phone = with_devices(alice, bob)
    personal, couple = proof_of(alice, alice_phone, "p1"), proof_of(alice, alice_phone, "c1")
    response = set_proof(alice, alice_phone, personal=personal)
    assert response.status_code == 200, response.json
    assert response.json["device"]["personal_proof"] == personal and response.json["device"]["couple_proof"] is None
    # A field left out stays; a later epoch's proof replaces the old one; null clears.
    assert set_proof(alice, alice_phone, couple=couple).json["device"]["personal_proof"] == personal
    for person in (alice, bob):
        [listed] = [d for d in directory(person)["devices"] if d["device_id"] == alice_phone.device_id]
        assert (listed["personal_proof"], listed["couple_proof"]) == (personal, couple)
    assert set_proof(alice, alice_phone, couple=None).json["device"]["couple_proof"] is None
    assert alice.client.get("/api/export").json["keys"]["devices"][0]["personal_proof"] == personal


def test_a_new_device_is_listed_without_proofs(pair):
    alice, bob = pair()
    with_devices(alice, bob)
    assert {(d["personal_proof"], d["couple_proof"]) for d in directory(bob)["devices"]} == {(None, None)}


@pytest.mark.parametrize("who", ["partner", "stranger"])
def test_nobody_sets_the_proof_of_another_persons_device(app, pair, who):
    alice, bob = pair()
    carol, _dave = pair()
    alice_phone, _bob_phone = with_devices(alice, bob)
    mine = proof_of(alice, alice_phone)
    assert set_proof(alice, alice_phone, personal=mine).status_code == 200
    other = bob if who == "partner" else carol
    forged = proof_of(other, alice_phone)
    body = refused(set_proof(other, alice_phone, personal=forged, couple=proof_of(other, alice_phone, "c1")), 404)
    assert body["reason"] == "not_found"
    # Not even the same device id registered by the other person (one browser, two accounts) reaches hers.
    assert register(other, alice_phone).status_code == 201
    assert set_proof(other, alice_phone, personal=forged).status_code == 200
    with app.app_context():
        kept = db.session.scalar(
            select(DeviceKey.personal_proof).where(
                DeviceKey.user_id == alice.id, DeviceKey.device_id == alice_phone.device_id
            )
        )
    assert kept == mine


def test_the_proof_needs_a_login_and_a_device_of_ones_own(client, signup):
    assert client.put(f"/api/keys/devices/{uuid.uuid4()}/proof", json={}).status_code == 401
    alice = signup()
    assert refused(set_proof(alice, PhoneDevice(), personal=None), 404)["reason"] == "not_found"
    assert refused(alice.client.put("/api/keys/devices/not-a-uuid/proof", json={}), 404)["reason"] == "not_found"
    assert refused(alice.client.put("/api/keys/devices/%00/proof", json={}), 404)["reason"] == "not_found"


_MAC = b64url(bytes(32))


@pytest.mark.parametrize(
    "proofs, field, code",
    [
        ({"personal": "c1." + _MAC}, "personal", "bad_device_proof"),  # a couple key's proof in the personal field
        ({"couple": "p1." + _MAC}, "couple", "bad_device_proof"),
        ({"personal": "p0." + _MAC}, "personal", "bad_device_proof"),
        ({"personal": "p1." + _MAC[:-1]}, "personal", "bad_device_proof"),
        ({"personal": "p1." + _MAC + "A"}, "personal", "bad_device_proof"),
        ({"personal": "p1." + _MAC[:-1] + "B"}, "personal", "bad_device_proof"),  # stray low bits
        ({"personal": "p1." + _MAC + "\n"}, "personal", "bad_device_proof"),
        ({"personal": "p1234567890." + _MAC}, "personal", "bad_device_proof"),
        ({"personal": "p1." + "x" * 10_000}, "personal", "bad_device_proof"),
        ({"personal": "p1.\x00" + _MAC[1:]}, "personal", "nul_char"),
        ({"personal": 5}, "personal", "wrong_type"),
        ({"couple": ["c1." + _MAC]}, "couple", "wrong_type"),
        ({"device_id": str(uuid.uuid4())}, "device_id", "unknown_field"),
    ],
)
def test_hostile_proofs_are_422_and_nothing_is_stored(app, signup, proofs, field, code):
    alice = signup()
    [phone] = with_devices(alice)
    body = refused(set_proof(alice, phone, **proofs))
    assert body["reason"] == "validation" and body["codes"] == {field: [code]}
    with app.app_context():
        assert db.session.scalars(select(DeviceKey.personal_proof)).all() == [None]
    assert refused(alice.client.put(f"/api/keys/devices/{phone.device_id}/proof", json=["x"]))["reason"] == (
        "validation"
    )


# --- Wrapped keys and what a couple sees ----------------------------------------------------------------


def test_partners_see_each_others_devices_and_wrap_the_couple_key_for_them(app, pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    seen = directory(alice)
    assert [d["device_id"] for d in seen["devices"]] == [alice_phone.device_id, bob_phone.device_id]
    assert seen["couple_epoch"] == 1 and seen["waiting"] == [alice_phone.device_id, bob_phone.device_id]

    couple_key = os.urandom(32)
    response = put(alice, wrapped_for(alice_phone, "c1", couple_key), wrapped_for(bob_phone, "c1", couple_key))
    assert response.status_code == 200 and response.json == {"stored": 2}
    assert directory(alice)["waiting"] == [] and directory(bob)["waiting"] == []

    [got] = directory(bob, bob_phone)["wrapped"]
    assert got["key_id"] == "c1" and got["by_device"] is None
    assert bob_phone.unwrap(got["blob"], "c1") == couple_key  # the phone opens what the server kept


def test_a_new_copy_replaces_the_old_one_and_names_the_device_that_wrapped_it(app, pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    assert put(alice, wrapped_for(bob_phone, "c1")).status_code == 200
    second = os.urandom(32)
    assert put(alice, wrapped_for(bob_phone, "c1", second), by=alice_phone).status_code == 200
    [got] = directory(bob, bob_phone)["wrapped"]
    assert got["by_device"] == alice_phone.device_id and bob_phone.unwrap(got["blob"], "c1") == second
    assert rows(app, WrappedKey) == 1


def test_personal_keys_go_to_own_devices_only_up_to_the_personal_epoch(pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    laptop = PhoneDevice()
    assert register(alice, laptop).status_code == 201
    personal = os.urandom(32)
    assert put(alice, wrapped_for(alice_phone, "p1", personal), wrapped_for(laptop, "p1", personal)).status_code == 200
    [got] = directory(alice, laptop)["wrapped"]
    assert laptop.unwrap(got["blob"], "p1") == personal
    assert directory(bob, bob_phone)["wrapped"] == []


def test_the_wrapped_keys_of_a_device_are_only_its_owners(pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    assert put(alice, wrapped_for(bob_phone, "c1")).status_code == 200
    # Alice sees Bob's device in the list, but not what is wrapped for it.
    assert refused(alice.client.get("/api/keys", query_string={"device": bob_phone.device_id}), 404)["reason"] == (
        "not_found"
    )
    assert refused(alice.client.get("/api/keys", query_string={"device": str(uuid.uuid4())}), 404)
    codes = refused(alice.client.get("/api/keys", query_string={"device": "nope"}))["codes"]
    assert codes == {"device": ["not_a_uuid"]}


BLOB = wrap(os.urandom(32), str(uuid.uuid4()), PhoneDevice().public_key, "c1")


@pytest.mark.parametrize(
    "key_id, blob, field, code",
    [
        ("c0", None, "key_id", "bad_key_id"),
        ("c01", None, "key_id", "bad_key_id"),
        ("c1\n", None, "key_id", "bad_key_id"),
        ("x1", None, "key_id", "bad_key_id"),
        ("c" + "9" * 10, None, "key_id", "bad_key_id"),
        (1, None, "key_id", "wrong_type"),
        ("c2", None, "key_id", "wrong_epoch"),
        ("c999", None, "key_id", "wrong_epoch"),
        ("p2", None, "key_id", "wrong_epoch"),
        ("c1", BLOB[:-1], "blob", "bad_wrapped_key"),
        ("c1", BLOB + "A", "blob", "bad_wrapped_key"),
        ("c1", "w2." + BLOB[3:], "blob", "bad_wrapped_key"),
        ("c1", "w1." + "A" * (L.WRAPPED_KEY_CHARS - 3), "blob", "bad_wrapped_key"),  # not a point's first byte
        ("c1", BLOB[:-2] + "!!", "blob", "bad_wrapped_key"),
        ("c1", "w1." + "x" * 100_00, "blob", "bad_wrapped_key"),
        ("c1", BLOB[:-1] + "\x00", "blob", "nul_char"),
        ("c1", ["w1."], "blob", "wrong_type"),
    ],
)
def test_hostile_wrapped_keys_are_422_and_nothing_is_stored(app, pair, key_id, blob, field, code):
    alice, bob = pair()
    alice_phone, _bob_phone = with_devices(alice, bob)
    _phone, _key_id, good_blob = wrapped_for(alice_phone, "c1")
    good = {"device_id": alice_phone.device_id, "key_id": "c1", "blob": good_blob}
    bad = {"device_id": alice_phone.device_id, "key_id": key_id, "blob": BLOB if blob is None else blob}
    response = alice.client.put("/api/keys/wrapped", json={"items": [good, bad]})
    body = refused(response)
    assert body["reason"] == "validation" and body["codes"] == {"items": {"1": {field: [code]}}}
    assert rows(app, WrappedKey) == 0


def test_whose_devices_a_key_may_go_to(app, pair):
    alice, bob = pair()
    carol, dan = pair()
    alice_phone, bob_phone, carol_phone = with_devices(alice, bob, carol)
    unregistered = PhoneDevice()
    cases = [
        (wrapped_for(bob_phone, "p1"), "key_id", "not_your_device"),  # a personal key to the partner's device
        (wrapped_for(carol_phone, "c1"), "device_id", "unknown_device"),  # another couple's: same as none
        (wrapped_for(unregistered, "p1"), "device_id", "unknown_device"),
    ]
    for item, field, code in cases:
        assert refused(put(alice, item))["codes"] == {"items": {"0": {field: [code]}}}
    assert refused(put(alice, wrapped_for(alice_phone, "c1"), by=carol_phone))["codes"] == {
        "by_device": ["unknown_device"]
    }
    assert rows(app, WrappedKey) == 0


def test_at_most_twenty_items_a_request(pair):
    alice, bob = pair()
    [alice_phone] = with_devices(alice)
    item = wrapped_for(alice_phone, "c1")
    assert put(alice, *[item] * L.KEY_ITEMS_MAX).json == {"stored": 1}  # the same copy twenty times is one
    assert refused(put(alice, *[item] * (L.KEY_ITEMS_MAX + 1)))["codes"] == {"items": ["too_many"]}


def test_a_stranger_sees_nothing_of_another_couple(app, pair):
    alice, bob = pair()
    carol, dan = pair()
    alice_phone, bob_phone, carol_phone, dan_phone = with_devices(alice, bob, carol, dan)
    assert put(alice, wrapped_for(alice_phone, "c1"), wrapped_for(bob_phone, "c1")).status_code == 200
    assert alice.client.put("/api/keys/recovery", json={"blob": recovery_blob(alice.id, {})}).status_code == 204

    seen = directory(carol, carol_phone)
    assert {d["user_id"] for d in seen["devices"]} == {carol.id, dan.id}
    assert seen["wrapped"] == [] and set(seen["waiting"]) == {carol_phone.device_id, dan_phone.device_id}
    assert refused(carol.client.get("/api/keys", query_string={"device": alice_phone.device_id}), 404)
    assert refused(carol.client.delete(f"/api/keys/devices/{alice_phone.device_id}", json={}), 404)
    assert refused(put(carol, wrapped_for(alice_phone, "c1")))["codes"] == {
        "items": {"0": {"device_id": ["unknown_device"]}}
    }
    assert carol.client.get("/api/keys/recovery").json == {"blob": None}
    assert rows(app, DeviceKey, user_id=alice.id) == 1 and rows(app, WrappedKey, user_id=bob.id) == 1


# --- Epochs -----------------------------------------------------------------------------------------


def test_pairing_starts_at_epoch_one_and_joining_keeps_it(signup):
    alice, bob = signup(), signup()
    alice_phone, bob_phone = with_devices(alice, bob)
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    assert directory(alice)["couple_epoch"] == 1
    assert put(alice, wrapped_for(alice_phone, "c1")).status_code == 200  # alone, for her own devices
    assert refused(put(alice, wrapped_for(bob_phone, "c1")))["codes"] == {
        "items": {"0": {"device_id": ["unknown_device"]}}
    }
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    seen = directory(bob)
    assert seen["couple_epoch"] == 1 and seen["waiting"] == [bob_phone.device_id]
    assert put(alice, wrapped_for(bob_phone, "c1"), by=alice_phone).status_code == 200
    assert directory(bob)["waiting"] == []


def test_leaving_moves_the_epoch_and_the_one_left_loses_the_couple(app, pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    couple_id = alice.couple_id()
    assert put(alice, wrapped_for(alice_phone, "c1"), wrapped_for(bob_phone, "c1")).status_code == 200
    assert put(bob, wrapped_for(bob_phone, "p1")).status_code == 200

    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    assert couple_epoch(app, couple_id) == 2
    for person, phone in ((alice, alice_phone), (bob, bob_phone)):
        seen = directory(person, phone)
        assert seen["couple_epoch"] is None and seen["waiting"] == []
        assert [d["device_id"] for d in seen["devices"]] == [phone.device_id]  # the other's are gone
        assert [w["key_id"] for w in seen["wrapped"]] == (["p1"] if person is bob else [])
    # Bob can wrap nothing for Alice now, nor any couple key.
    assert refused(put(bob, wrapped_for(alice_phone, "c1")))["codes"] == {
        "items": {"0": {"device_id": ["unknown_device"]}}
    }
    assert refused(put(bob, wrapped_for(bob_phone, "c2")))["codes"] == {
        "items": {"0": {"key_id": ["couple_key_needs_couple"]}}
    }

    # The undo: the same couple at the next epoch again; its older keys are there for older entries.
    assert alice.client.post("/api/couple/come-back", json={}).status_code == 200
    assert couple_epoch(app, couple_id) == 3
    seen = directory(bob, bob_phone)
    assert seen["couple_epoch"] == 3 and seen["waiting"] == [alice_phone.device_id, bob_phone.device_id]
    assert [w["key_id"] for w in seen["wrapped"]] == ["c1", "p1"]
    # An older epoch's key may still be wrapped (a new device reads the history); a later one may not.
    assert put(alice, wrapped_for(bob_phone, "c2")).status_code == 200
    assert refused(put(alice, wrapped_for(bob_phone, "c4")))["codes"] == {"items": {"0": {"key_id": ["wrong_epoch"]}}}
    assert put(alice, wrapped_for(bob_phone, "c3")).status_code == 200


def test_a_new_couple_starts_at_one_and_the_old_couples_keys_stay_hidden(app, pair, signup):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    assert put(alice, wrapped_for(alice_phone, "c1"), wrapped_for(bob_phone, "c1")).status_code == 200
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    carol = signup("Carol")
    code = carol.client.post("/api/couple", json={}).json["invite"]["code"]
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    seen = directory(bob, bob_phone)
    assert seen["couple_epoch"] == 1 and seen["wrapped"] == [] and seen["waiting"] == [bob_phone.device_id]
    new_c1 = wrapped_for(bob_phone, "c1")
    assert put(carol, new_c1).status_code == 200
    assert [w["blob"] for w in directory(bob, bob_phone)["wrapped"]] == [new_c1[2]]
    assert directory(alice, alice_phone)["wrapped"] == []
    # Each couple counts from 1: the old couple's c1 for Bob's phone is kept beside the new one's, not replaced.
    assert rows(app, WrappedKey, device_id=bob_phone.device_id, key_id="c1") == 2


def test_removing_a_device_drops_its_keys_and_moves_the_epoch(app, pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    laptop = PhoneDevice()
    assert register(alice, laptop).status_code == 201
    couple_id = alice.couple_id()
    assert put(alice, *(wrapped_for(d, "c1") for d in (alice_phone, laptop, bob_phone))).status_code == 200
    assert put(alice, wrapped_for(laptop, "p1"), wrapped_for(alice_phone, "p1"), by=laptop).status_code == 200

    assert refused(bob.client.delete(f"/api/keys/devices/{laptop.device_id}", json={}), 404)["reason"] == "not_found"
    assert alice.client.delete(f"/api/keys/devices/{laptop.device_id.upper()}", json={}).status_code == 204
    assert rows(app, WrappedKey, device_id=laptop.device_id) == 0
    assert rows(app, DeviceKey, device_id=laptop.device_id) == 0
    assert couple_epoch(app, couple_id) == 2
    seen = directory(bob, bob_phone)
    assert [d["device_id"] for d in seen["devices"]] == [alice_phone.device_id, bob_phone.device_id]
    assert seen["couple_epoch"] == 2 and seen["waiting"] == [alice_phone.device_id, bob_phone.device_id]
    assert [w["key_id"] for w in seen["wrapped"]] == ["c1"]  # the older key stays for older entries
    assert refused(alice.client.get("/api/keys", query_string={"device": laptop.device_id}), 404)
    assert refused(alice.client.delete(f"/api/keys/devices/{laptop.device_id}", json={}), 404)
    for bad in ("not-a-uuid", "%00", laptop.device_id + "%00", "%ED%A0%80", "x" * 5000):
        assert refused(alice.client.delete(f"/api/keys/devices/{bad}", json={}), 404)["reason"] == "not_found"
    assert register(alice, laptop).status_code == 201  # it may come back as a new device


def _checked(device, key_id):
    """A wrapped personal key with its check, as a phone that made it sends it (the first check is stored)."""
    item = dict(zip(("device_id", "key_id", "blob"), (device.device_id, *wrapped_for(device, key_id)[1:]), strict=True))
    return {**item, "check": b64url(os.urandom(16))}


@pytest.mark.parametrize("kept_by", [None, "another device", "recovery phrase", "transfer slot"])
def test_a_personal_key_nothing_can_bring_back_gives_way_to_the_next(app, signup, kept_by):
    """Every device of Alice's gone, and neither a phrase nor a transfer slot: her p1 is lost for good, so her
    next device is given epoch 2 (before, the stored check of p1 refused every new p1: 409 key_exists, and her
    private writes waited for good). Anything that still holds p1 keeps the epoch."""
    alice = signup()
    phone = PhoneDevice()
    assert register(alice, phone).status_code == 201
    body = {"items": [_checked(phone, "p1")], "by_device": phone.device_id}
    assert alice.client.put("/api/keys/wrapped", json=body).status_code == 200
    if kept_by == "another device":
        assert register(alice, PhoneDevice()).status_code == 201
    elif kept_by == "recovery phrase":
        blob = recovery_blob(alice.id, {"p1": os.urandom(32)})
        assert alice.client.put("/api/keys/recovery", json={"blob": blob}).status_code == 204
    elif kept_by == "transfer slot":
        transfer = {"blob": recovery_blob(alice.id, {"p1": os.urandom(32)})}
        assert alice.client.put("/api/keys/transfer", json=transfer).status_code == 200
    assert alice.client.delete(f"/api/keys/devices/{phone.device_id}", json={}).status_code == 204

    browser = PhoneDevice()
    assert register(alice, browser).status_code == 201
    epoch = directory(alice, browser)["personal_epoch"]
    if kept_by is None:
        assert epoch == 2
        body = {"items": [_checked(browser, "p2")], "by_device": browser.device_id}
        assert alice.client.put("/api/keys/wrapped", json=body).status_code == 200
        assert register(alice, PhoneDevice()).status_code == 201  # a second device now: nothing moves again
        assert directory(alice, browser)["personal_epoch"] == 2
    else:
        assert epoch == 1


# --- Recovery ---------------------------------------------------------------------------------------


def test_the_recovery_blob_is_its_owners_alone(pair):
    alice, bob = pair()
    blob = recovery_blob(alice.id, {"c1": os.urandom(32), "p1": os.urandom(32)})
    assert alice.client.get("/api/keys/recovery").json == {"blob": None}
    assert alice.client.put("/api/keys/recovery", json={"blob": blob}).status_code == 204
    assert alice.client.get("/api/keys/recovery").json == {"blob": blob}
    assert directory(alice)["recovery"] is True
    assert bob.client.get("/api/keys/recovery").json == {"blob": None} and directory(bob)["recovery"] is False
    newer = recovery_blob(alice.id, {"c1": os.urandom(32)})
    assert alice.client.put("/api/keys/recovery", json={"blob": newer}).status_code == 204
    assert alice.client.get("/api/keys/recovery").json == {"blob": newer}


def _sized(chars):
    """A recovery blob of exactly `chars` characters ("r1." and canonical base64url)."""
    body = b64url(os.urandom((chars - 3) * 3 // 4))
    assert len(body) == chars - 3
    return "r1." + body


# Hostile bytes from a seeded generator: each collection makes the same test ids (xdist workers compare them).
_NOISE = random.Random(15)


@pytest.mark.parametrize(
    "blob, code",
    [
        ("", "bad_recovery_blob"),
        ("r1.", "bad_recovery_blob"),
        ("r1." + b64url(_NOISE.randbytes(28)), "bad_recovery_blob"),  # shorter than an iv, a tag and a byte
        ("r2." + b64url(_NOISE.randbytes(64)), "bad_recovery_blob"),
        ("r1." + b64url(_NOISE.randbytes(64)) + "=", "bad_recovery_blob"),
        ("r1.+/" + b64url(_NOISE.randbytes(64)), "bad_recovery_blob"),
        ("r1.\ud800", "broken_char"),
        (None, "null"),
        ({"c1": "x"}, "wrong_type"),
        (_sized(L.RECOVERY_BLOB_MAX + 2), "too_long"),
    ],
)
def test_hostile_recovery_blobs_are_422(signup, blob, code):
    alice = signup()
    body = refused(alice.client.put("/api/keys/recovery", json={"blob": blob}))
    assert body["codes"] == {"blob": [code]}
    assert alice.client.get("/api/keys/recovery").json == {"blob": None}


def test_a_recovery_blob_up_to_its_cap_is_kept_and_a_larger_body_is_413(signup):
    alice = signup()
    largest = _sized(L.RECOVERY_BLOB_MAX - 1)  # base64url lengths skip one in four
    assert alice.client.put("/api/keys/recovery", json={"blob": largest}).status_code == 204
    assert alice.client.get("/api/keys/recovery").json == {"blob": largest}
    response = alice.client.put("/api/keys/recovery", json={"blob": "r1." + "A" * (80 * 1024)})
    assert refused(response, 413)["code"] == 413


# --- Account deletion and the export --------------------------------------------------------------------


def test_deleting_an_account_removes_its_keys(app, pair):
    alice, bob = pair()
    alice_phone, bob_phone = with_devices(alice, bob)
    couple_id = alice.couple_id()
    assert put(alice, *(wrapped_for(d, "c1") for d in (alice_phone, bob_phone))).status_code == 200
    assert put(bob, wrapped_for(alice_phone, "c1")).status_code == 200
    assert alice.client.put("/api/keys/recovery", json={"blob": recovery_blob(alice.id, {})}).status_code == 204

    assert alice.client.delete("/api/me", json={"password": PASSWORD}).status_code == 204
    assert rows(app, DeviceKey, user_id=alice.id) == 0 and rows(app, WrappedKey, user_id=alice.id) == 0
    assert couple_epoch(app, couple_id) == 2  # she left on the way out
    seen = directory(bob, bob_phone)
    assert [d["device_id"] for d in seen["devices"]] == [bob_phone.device_id] and seen["wrapped"] == []
    with app.app_context():
        assert db.session.get(User, alice.id) is None


def test_the_export_holds_own_devices_and_the_recovery_blob_only(pair):
    alice, bob = pair()
    alice_phone, _bob_phone = with_devices(alice, bob)
    blob = recovery_blob(alice.id, {"p1": os.urandom(32)})
    assert alice.client.put("/api/keys/recovery", json={"blob": blob}).status_code == 204
    assert put(alice, wrapped_for(alice_phone, "p1")).status_code == 200
    keys = alice.client.get("/api/export").json["keys"]
    assert [d["device_id"] for d in keys["devices"]] == [alice_phone.device_id]
    assert keys["personal_epoch"] == 1 and keys["recovery"] == blob
    assert bob.client.get("/api/export").json["keys"]["recovery"] is None


# --- At once ----------------------------------------------------------------------------------------


def _at_once(app, person, bodies):
    """POSTs each body to /api/keys/devices from its own thread and client (the person's cookie), together."""
    name = app.config["SESSION_COOKIE_NAME"]
    start, statuses = threading.Barrier(len(bodies)), []

    def one(body):
        client = app.test_client()
        client.set_cookie(name, person.client.get_cookie(name).value)
        start.wait()
        try:
            statuses.append(client.post("/api/keys/devices", json=body).status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            statuses.append(repr(exc))

    threads = [threading.Thread(target=one, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return sorted(statuses, key=str)


@pytest.fixture
def pooled(make_app):
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 10, "max_overflow": 10})


def test_registrations_at_once_keep_one_device_and_the_cap(pooled):
    alice = Person(pooled, "alice@example.com", "Alice")
    phone = PhoneDevice()
    assert _at_once(pooled, alice, [phone.body()] * 4) == [200, 200, 200, 201]
    for _ in range(L.KEY_DEVICES_MAX - 2):
        assert register(alice, PhoneDevice()).status_code == 201
    assert _at_once(pooled, alice, [PhoneDevice().body() for _ in range(4)]) == [201, 422, 422, 422]
    assert rows(pooled, DeviceKey, user_id=alice.id) == L.KEY_DEVICES_MAX


def test_a_new_couple_starts_at_a_random_epoch_so_pairing_again_never_meets_an_old_key_id(signup, monkeypatch):
    monkeypatch.undo()  # the real first epoch, not the fixture's 1
    firsts = set()
    for n in range(3):
        person = signup(f"Person {n}")
        assert person.client.post("/api/couple", json={}).status_code in (200, 201)
        epoch = directory(person)["couple_epoch"]
        assert 1 <= epoch <= 900_000_000
        firsts.add(epoch)
    assert len(firsts) == 3
