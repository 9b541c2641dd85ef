"""Two server rules the phone's encryption leans on (issue 15, docs/encryption.md):

- first writer wins for a content key id: each wrapped copy may carry a `check` (16 bytes of
  HMAC-SHA256(key, "hearth key check v1")); the first stored per couple and `c` key id (per person and `p`
  key id) holds, a copy with another check is 409 key_exists and nothing of that request is stored;
- the downgrade guard: once a person has registered a device key, plaintext in a words field from them is
  422 must_encrypt (an empty optional field stays ""); people who never registered keep the old rules."""

import hashlib
import hmac
import os
import threading

import pytest
from test_envelopes import OWN_KEY, sealed
from test_keys import directory, refused, register, rows, with_devices

from backend.models import KeyCheck, WrappedKey
from key_material import PhoneDevice, b64url, wrap
from samples import entry, only_result, stored


@pytest.fixture(autouse=True)
def encryption_on(app):
    """The server's end-to-end setting on (config E2E_ENCRYPTION, on unless HEARTH_E2E=0): the guard holds only then."""
    app.config["E2E_ENCRYPTION"] = True


def check_of(key):
    return b64url(hmac.new(key, b"hearth key check v1", hashlib.sha256).digest()[:16])


def item(device, key_id, key, check=True):
    out = {
        "device_id": device.device_id,
        "key_id": key_id,
        "blob": wrap(key, device.device_id, device.public_key, key_id),
    }
    if check:
        out["check"] = check_of(key) if check is True else check
    return out


def put(person, *items):
    return person.client.put("/api/keys/wrapped", json={"items": list(items)})


def test_the_first_couple_key_stored_wins_and_another_is_409(app, pair):
    alice, bob = pair(rituals=False)
    alice_phone, bob_phone = with_devices(alice, bob)
    first, second = os.urandom(32), os.urandom(32)
    assert put(alice, item(alice_phone, "c1", first), item(bob_phone, "c1", first)).status_code == 200
    # Bob's phone made its own c1 at the same moment: refused, and nothing of his request is stored.
    body = refused(put(bob, item(bob_phone, "c1", second), item(alice_phone, "c1", second)), 409)
    assert body["reason"] == "key_exists"
    [got] = directory(bob, bob_phone)["wrapped"]
    assert got["key_id"] == "c1"
    assert rows(app, KeyCheck) == 1 and rows(app, WrappedKey) == 2
    # The same key again (another device of Bob's, wrapped by either) is fine.
    laptop = PhoneDevice()
    assert register(bob, laptop).status_code == 201
    assert put(bob, item(laptop, "c1", first)).status_code == 200
    assert put(alice, item(laptop, "c1", first)).status_code == 200


def test_two_different_checks_in_one_request_are_409(pair):
    alice, bob = pair(rituals=False)
    alice_phone, bob_phone = with_devices(alice, bob)
    body = refused(put(alice, item(alice_phone, "c1", os.urandom(32)), item(bob_phone, "c1", os.urandom(32))), 409)
    assert body["reason"] == "key_exists"
    assert directory(alice, alice_phone)["wrapped"] == []


def test_personal_keys_are_checked_per_person(app, pair):
    alice, bob = pair(rituals=False)
    alice_phone, bob_phone = with_devices(alice, bob)
    laptop = PhoneDevice()
    assert register(alice, laptop).status_code == 201
    mine, theirs = os.urandom(32), os.urandom(32)
    assert put(alice, item(alice_phone, "p1", mine)).status_code == 200
    assert refused(put(alice, item(laptop, "p1", theirs)), 409)["reason"] == "key_exists"
    assert put(alice, item(laptop, "p1", mine)).status_code == 200
    # Bob's p1 is his own: another key, another owner.
    assert put(bob, item(bob_phone, "p1", theirs)).status_code == 200
    # A new epoch is a new key id.
    assert put(alice, item(alice_phone, "c1", mine)).status_code == 200
    assert rows(app, KeyCheck) == 3


def test_a_copy_without_a_check_is_not_checked(pair):
    # The check is the phones' agreement, not a lock: the server cannot tell what a blob holds anyway.
    alice, bob = pair(rituals=False)
    alice_phone, bob_phone = with_devices(alice, bob)
    assert put(alice, item(alice_phone, "c1", os.urandom(32))).status_code == 200
    assert put(bob, item(bob_phone, "c1", os.urandom(32), check=False)).status_code == 200


@pytest.mark.parametrize("check", ["A" * 21, "A" * 23, "A" * 21 + "=", "A" * 20 + "!!", "A" * 21 + "B", 5])
def test_a_bad_check_is_422(app, pair, check):
    alice, _bob = pair(rituals=False)
    [alice_phone] = with_devices(alice)
    body = refused(put(alice, item(alice_phone, "c1", os.urandom(32), check=check)))
    assert body["codes"]["items"]["0"]["check"] in (["bad_key_check"], ["wrong_type"])
    assert rows(app, KeyCheck) == 0


def test_two_phones_at_once_agree_on_one_key(app, pair):
    alice, bob = pair(rituals=False)
    alice_phone, bob_phone = with_devices(alice, bob)
    keys = {"alice": os.urandom(32), "bob": os.urandom(32)}
    answers = {}

    def send(name, person):
        key = keys[name]
        answers[name] = put(person, item(alice_phone, "c1", key), item(bob_phone, "c1", key)).status_code

    threads = [threading.Thread(target=send, args=(n, p)) for n, p in (("alice", alice), ("bob", bob))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers.values()) == [200, 409]
    winner = next(n for n, code in answers.items() if code == 200)
    with app.app_context():
        from backend.extensions import db

        assert db.session.scalars(db.select(KeyCheck.digest)).all() == [check_of(keys[winner])]
    assert rows(app, WrappedKey) == 2


# --- The downgrade guard ---------------------------------------------------------------------------------


def test_plaintext_from_someone_with_a_device_key_is_refused(app, pair):
    alice, bob = pair(rituals=False)
    with_devices(alice)
    sent = entry("appreciation", {"text": "You made soup."})
    result = only_result(alice.sync(("put", sent)))
    assert result["status"] == "rejected"
    assert (result["error"]["reason"], result["error"]["codes"]) == (
        "must_encrypt",
        {"body": {"text": ["must_encrypt"]}},
    )
    assert stored(app, sent["id"]) is None
    # Bob registered nothing: his plaintext is taken as before.
    assert only_result(bob.sync(("put", entry("appreciation", {"text": "Thanks."}))))["status"] == "applied"


def test_with_encryption_off_plaintext_from_someone_with_a_device_key_is_taken(app, pair):
    """The setting off (the default until the whole app is moved over): a device registered from the keys'
    screens does not lock its owner out of writing."""
    app.config["E2E_ENCRYPTION"] = False
    alice, _bob = pair(rituals=False)
    with_devices(alice)
    sent = entry("appreciation", {"text": "You made soup."})
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    assert alice.client.get("/api/me").json["encryption"] is False


def test_sealed_words_and_an_empty_note_pass_the_guard(app, pair):
    alice, _bob = pair(rituals=False)
    with_devices(alice)
    sent = entry("journal", visibility="private")
    sent["body"], _plain = sealed("journal", sent["body"], sent["id"], "p1", OWN_KEY)
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    checkin = entry("checkin")
    checkin["body"]["note"] = ""
    assert only_result(alice.sync(("put", checkin)))["status"] == "applied"


def test_plaintext_deep_in_a_body_is_refused_too(pair):
    alice, _bob = pair(rituals=False)
    with_devices(alice)
    sent = entry("disclosure")
    sent["body"], _plain = sealed("disclosure", sent["body"], sent["id"])
    sent["body"]["i_feel"]["need"] = "a quiet evening"
    result = only_result(alice.sync(("put", sent)))
    assert (result["error"]["reason"], result["error"]["codes"]) == (
        "must_encrypt",
        {"body": {"i_feel": ["must_encrypt"]}},
    )
