"""schemas.common.quick_load loads an entry body through its schema's fields alone (every sync's bodies go
there): whatever it loads is what schema.load() gives, and whatever the schema refuses it leaves to
schema.load(), which words the errors."""

import pytest
from marshmallow import ValidationError
from test_entry_validation import _DROP, BAD_BODIES

from backend.kinds import KINDS
from backend.schemas import bodies
from backend.schemas.common import quick_load
from backend.schemas.entries import EntryIn
from samples import valid_body


def _load(schema, body):
    """schema.load(body), or the ValidationError it raises."""
    try:
        return schema.load(body)
    except ValidationError as err:
        return err


def _variants(kind):
    """A kind's valid body, each optional field left out, and a few bodies its fields refuse."""
    body = valid_body(kind)
    yield body
    for name in body:
        yield {key: value for key, value in body.items() if key != name}
        yield {**body, name: None}
        yield {**body, name: "\x00"}
        yield {**body, name: 7}
        yield {**body, name: [body[name]]}
    yield {**body, "unknown": 1}
    yield []
    yield None


CASES = [(kind, body) for kind in KINDS for body in _variants(kind)] + [
    (kind, {key: value for key, value in body.items() if value is not _DROP}) for kind, body, _field in BAD_BODIES
]


@pytest.mark.parametrize("kind, body", CASES, ids=[f"{kind}-{n}" for n, (kind, _body) in enumerate(CASES)])
def test_a_quick_load_is_the_schemas_load_and_refusals_are_left_to_it(kind, body):
    schema = KINDS[kind].schema()
    expected, quick = _load(schema, body), quick_load(schema, body)
    if isinstance(expected, ValidationError):
        assert quick is None
    else:
        assert quick is None or (quick == expected and list(quick) == list(expected))


def test_the_benchmarks_bodies_take_the_quick_path():
    """The usual tap's kinds: an appreciation, a check-in with its defaults filled in."""
    assert quick_load(bodies.Appreciation(), {"text": "Thanks for the tea"}) == {"text": "Thanks for the tea"}
    loaded = quick_load(bodies.Checkin(), {"mood": 3, "us": 4})
    assert loaded == bodies.Checkin().load({"mood": 3, "us": 4}) == {"mood": 3, "us": 4, "feelings": [], "note": ""}


def test_schemas_with_more_than_fields_are_left_to_their_load():
    """A schema-level rule (Reaction's note only with not_quite) or a load() of its own (EntryIn) is not skipped."""
    assert bodies.Reaction._hooks["validates_schema"]
    assert quick_load(bodies.Reaction(), {"value": "heart", "note": "x"}) is None
    assert quick_load(EntryIn(), {"id": "x", "kind": "appreciation", "body": {}}) is None
