"""A second device's keys in transit (/api/keys/transfer, issue 15): one slot a person, its owner's alone,
gone after TRANSFER_MINUTES by the server's clock, and hostile input 422 in the one shape, never a 500."""

import os
import random
from datetime import timedelta

import pytest

from backend import limits as L
from key_material import b64url, recovery_blob

ERROR_KEYS = {"code", "status", "reason", "message", "errors", "codes"}


def refused(response, status=422):
    assert response.status_code == status, response.json
    assert set(response.json) == ERROR_KEYS
    return response.json


def blob_for(person):
    return recovery_blob(person.id, {"c1": os.urandom(32), "p1": os.urandom(32)})


def slot(person):
    response = person.client.get("/api/keys/transfer")
    assert response.status_code == 200, response.json
    return response.json


def test_the_slot_is_stored_read_replaced_and_deleted_by_its_owner(signup, clock):
    alice = signup("Alice")
    assert slot(alice) == {"blob": None, "expires_at": None}
    blob = blob_for(alice)
    stored = alice.client.put("/api/keys/transfer", json={"blob": blob})
    assert stored.status_code == 200 and set(stored.json) == {"expires_at"}
    seen = slot(alice)
    assert seen["blob"] == blob and seen["expires_at"] == stored.json["expires_at"]
    newer = blob_for(alice)
    assert alice.client.put("/api/keys/transfer", json={"blob": newer}).status_code == 200
    assert slot(alice)["blob"] == newer  # one slot: the newer replaces it
    assert alice.client.delete("/api/keys/transfer", json={}).status_code == 204
    assert slot(alice) == {"blob": None, "expires_at": None}
    assert alice.client.delete("/api/keys/transfer", json={}).status_code == 204  # nothing there: still fine


def test_a_partner_and_a_stranger_never_see_it(pair, signup):
    alice, bob = pair()
    carol = signup("Carol")
    blob = blob_for(alice)
    assert alice.client.put("/api/keys/transfer", json={"blob": blob}).status_code == 200
    for other in (bob, carol):
        assert slot(other) == {"blob": None, "expires_at": None}
        assert other.client.delete("/api/keys/transfer", json={}).status_code == 204  # clears only their own
    assert slot(alice)["blob"] == blob
    assert blob not in str(alice.client.get("/api/export").json)  # in transit, never in an export


def test_signed_out_is_401(client):
    assert client.get("/api/keys/transfer").status_code == 401
    assert client.put("/api/keys/transfer", json={"blob": "r1." + b64url(os.urandom(64))}).status_code == 401
    assert client.delete("/api/keys/transfer", json={}).status_code == 401


@pytest.mark.now("2026-11-25T10:00:00Z")
def test_it_expires_after_ten_minutes_by_the_servers_clock(signup, clock):
    alice = signup("Alice")
    blob = blob_for(alice)
    stored = alice.client.put("/api/keys/transfer", json={"blob": blob}).json
    assert stored["expires_at"].startswith("2026-11-25T10:10:")
    clock.shift_to(clock.now() + timedelta(minutes=L.TRANSFER_MINUTES) - timedelta(seconds=5))
    assert slot(alice)["blob"] == blob
    clock.shift_to(clock.now() + timedelta(seconds=10))
    assert slot(alice) == {"blob": None, "expires_at": None}
    # A new one starts its own ten minutes.
    assert alice.client.put("/api/keys/transfer", json={"blob": blob}).status_code == 200
    assert slot(alice)["blob"] == blob


def _sized(chars):
    body = b64url(os.urandom((chars - 3) * 3 // 4))
    assert len(body) == chars - 3
    return "r1." + body


# Hostile bytes from a seeded generator: each collection makes the same test ids (xdist workers compare them).
_NOISE = random.Random(15)


@pytest.mark.parametrize(
    "blob, code",
    [
        ("", "bad_transfer_blob"),
        ("r1.", "bad_transfer_blob"),
        ("r1." + b64url(_NOISE.randbytes(28)), "bad_transfer_blob"),
        ("w1." + b64url(_NOISE.randbytes(64)), "bad_transfer_blob"),
        ("r1." + b64url(_NOISE.randbytes(64)) + "=", "bad_transfer_blob"),
        ("r1.+/" + b64url(_NOISE.randbytes(64)), "bad_transfer_blob"),
        ("r1.\x00" + b64url(_NOISE.randbytes(64)), "nul_char"),
        ("r1.\ud800", "broken_char"),
        (None, "null"),
        (12, "wrong_type"),
        (["r1."], "wrong_type"),
        (_sized(L.TRANSFER_BLOB_MAX + 2), "too_long"),
    ],
)
def test_hostile_blobs_are_422(signup, blob, code):
    alice = signup()
    body = refused(alice.client.put("/api/keys/transfer", json={"blob": blob}))
    assert body["codes"] == {"blob": [code]}
    assert slot(alice) == {"blob": None, "expires_at": None}


def test_other_hostile_bodies(signup):
    alice = signup()
    assert refused(alice.client.put("/api/keys/transfer", json={}))["codes"] == {"blob": ["required"]}
    extra = {"blob": "r1." + b64url(os.urandom(64)), "user_id": "x"}
    assert refused(alice.client.put("/api/keys/transfer", json=extra))["codes"] == {"user_id": ["unknown_field"]}
    response = alice.client.put("/api/keys/transfer", data="[", content_type="application/json")
    assert response.status_code in (400, 422) and set(response.json) == ERROR_KEYS
    largest = _sized(L.TRANSFER_BLOB_MAX - 1)
    assert alice.client.put("/api/keys/transfer", json={"blob": largest}).status_code == 200
    assert slot(alice)["blob"] == largest
