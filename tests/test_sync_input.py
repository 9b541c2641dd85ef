"""SyncIn's and EntryIn's plain paths (schemas/sync.plain_sync, schemas/entries.plain_put) load a usual
request by hand: for everything they accept, their answer is the fields' own; anything else they leave
to the fields (and their error messages)."""

import uuid

import pytest
from marshmallow import Schema, ValidationError

from backend.schemas.entries import EntryIn, plain_put
from backend.schemas.sync import MAX_MID, SyncIn, plain_sync

CLIENT = str(uuid.uuid4())
COUPLE = str(uuid.uuid4())


def _mutation(mid, op="put", **entry):
    return {"mid": mid, "op": op, "entry": {"id": str(uuid.uuid4()), "kind": "appreciation", **entry}}


PLAIN = [
    {"client_id": CLIENT, "cursor": 0},
    {"client_id": CLIENT, "cursor": "0"},
    {"client_id": CLIENT, "cursor": 7},
    {"client_id": CLIENT.upper(), "cursor": "12.3", "couple_id": None},
    {"client_id": CLIENT, "cursor": "12.3", "couple_id": COUPLE, "mutations": []},
    {"client_id": CLIENT, "cursor": "12.3", "couple_id": COUPLE, "mutations": [_mutation(1), _mutation(5, "delete")]},
    {"client_id": CLIENT, "cursor": "0", "couple_id": None, "mutations": [_mutation(MAX_MID)]},
    {"client_id": CLIENT, "cursor": "0", "couple_id": "x" * 36, "mutations": [_mutation(1) for _ in range(1)]},
    {"client_id": CLIENT, "cursor": "0", "couple_id": COUPLE, "mutations": [_mutation(m) for m in range(1, 101)]},
    {"client_id": CLIENT, "cursor": "0\n"},  # what the cursor's own pattern lets through, both paths alike
]

NOT_PLAIN = [
    None,
    [],
    {"cursor": 0},
    {"client_id": CLIENT},
    {"client_id": CLIENT, "cursor": 0, "extra": 1},
    {"client_id": CLIENT + "\n", "cursor": 0},
    {"client_id": 5, "cursor": 0},
    {"client_id": CLIENT, "cursor": True},
    {"client_id": CLIENT, "cursor": -1},
    {"client_id": CLIENT, "cursor": 1.5},
    {"client_id": CLIENT, "cursor": ""},
    {"client_id": CLIENT, "cursor": "1"},
    {"client_id": CLIENT, "cursor": "1." + "1" * 40},
    {"client_id": CLIENT, "cursor": None},
    {"client_id": CLIENT, "cursor": 0, "couple_id": "x" * 37},
    {"client_id": CLIENT, "cursor": 0, "couple_id": "a\x00b"},
    {"client_id": CLIENT, "cursor": 0, "couple_id": "a\ud800"},
    {"client_id": CLIENT, "cursor": 0, "couple_id": 5},
    {"client_id": CLIENT, "cursor": 0, "mutations": [_mutation(1)]},  # names no couple
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": None},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(m) for m in range(1, 102)]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(2), _mutation(2)]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(3), _mutation(2)]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(0)]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(MAX_MID + 1)]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [{**_mutation(1), "mid": True}]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [{**_mutation(1), "mid": 1.0}]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [_mutation(1, "patch")]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [{**_mutation(1), "entry": []}]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [{**_mutation(1), "x": 1}]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": [{"mid": 1, "op": "put"}]},
    {"client_id": CLIENT, "cursor": 0, "couple_id": COUPLE, "mutations": ["put"]},
]


def _by_fields(data):
    return Schema.load(SyncIn(), data)  # the fields' own load, past SyncIn.load's plain path


@pytest.mark.parametrize("data", PLAIN)
def test_a_plain_request_loads_as_the_fields_load_it(data):
    loaded = plain_sync(data)

    assert loaded is not None
    assert loaded == _by_fields(data)
    assert SyncIn().load(data) == loaded


@pytest.mark.parametrize("data", NOT_PLAIN)
def test_anything_else_is_left_to_the_fields(data):
    assert plain_sync(data) is None
    try:
        expected = _by_fields(data)
    except ValidationError as err:
        with pytest.raises(ValidationError) as raised:
            SyncIn().load(data)
        assert raised.value.messages == err.messages
    else:
        assert SyncIn().load(data) == expected


# --- a put's envelope: EntryIn's plain path (schemas/entries.plain_put) ------------------------------

ID, REF = str(uuid.uuid4()), str(uuid.uuid4())
PLAIN_PUTS = [
    {"id": ID, "kind": "appreciation", "body": {"text": "x"}},
    {"id": ID.upper(), "kind": "checkin", "visibility": "private", "body": {}},
    {"id": ID, "kind": "answer", "visibility": "shared", "ref_id": REF, "body": {"a": [1]}, "base_rev": 0},
    {"id": ID, "kind": "agreement", "ref_id": None, "body": {}, "base_rev": 7, "created_at": None},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": "2026-11-30T04:00:00Z"},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": "2026-11-30T04:00:00.123456+03:00"},
    {"id": ID, "kind": "journal", "body": {}, "base_rev": 2, "if_unchanged": True},
    {"id": ID, "kind": "journal", "body": {}, "if_unchanged": False},
]
NOT_PLAIN_PUTS = [
    None,
    [],
    {"kind": "appreciation", "body": {}},
    {"id": ID, "body": {}},
    {"id": ID, "kind": "appreciation"},
    {"id": ID, "kind": "appreciation", "body": {}, "extra": 1},
    {"id": ID + "\n", "kind": "appreciation", "body": {}},
    {"id": 1, "kind": "appreciation", "body": {}},
    {"id": ID, "kind": "nope", "body": {}},
    {"id": ID, "kind": "appreciation", "visibility": "public", "body": {}},
    {"id": ID, "kind": "appreciation", "visibility": None, "body": {}},
    {"id": ID, "kind": "appreciation", "ref_id": "x", "body": {}},
    {"id": ID, "kind": "appreciation", "body": []},
    {"id": ID, "kind": "appreciation", "body": None},
    {"id": ID, "kind": "appreciation", "body": {}, "base_rev": -1},
    {"id": ID, "kind": "appreciation", "body": {}, "base_rev": True},
    {"id": ID, "kind": "appreciation", "body": {}, "base_rev": 1.0},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": "2026-11-30T04:00:00"},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": "yesterday"},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": "2026-11-30T04:00:00Z\x00"},
    {"id": ID, "kind": "appreciation", "body": {}, "created_at": 5},
    {"id": ID, "kind": "appreciation", "body": {}, "if_unchanged": 1},
    {"id": ID, "kind": "appreciation", "body": {}, "if_unchanged": "true"},
    {"id": ID, "kind": "appreciation", "body": {}, "if_unchanged": None},
]


@pytest.mark.parametrize("data", PLAIN_PUTS)
def test_a_plain_put_loads_as_the_fields_load_it(data):
    loaded = plain_put(data)

    assert loaded is not None
    assert loaded == Schema.load(EntryIn(), data)
    assert EntryIn().load(data) == loaded


@pytest.mark.parametrize("data", NOT_PLAIN_PUTS)
def test_any_other_put_is_left_to_the_fields(data):
    assert plain_put(data) is None
    try:
        expected = Schema.load(EntryIn(), data)
    except ValidationError as err:
        with pytest.raises(ValidationError) as raised:
            EntryIn().load(data)
        assert raised.value.messages == err.messages
    else:
        assert EntryIn().load(data) == expected
