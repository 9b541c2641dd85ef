import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..errors import invalid
from .common import String, check_clean
from .entries import UUID_RE, EntryOut, Uuid

MAX_MID = 2**53 - 1  # a phone counts in JavaScript numbers; the column is a 64-bit integer
MAX_MUTATIONS = 100  # in one request


class MutationIn(Schema):
    mid = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_MID))
    op = String(required=True, validate=validate.OneOf(("put", "delete")))
    # Checked per mutation by EntryIn / EntryDeleteIn, so one bad entry is rejected, not the whole request.
    entry = fields.Dict(required=True)


def _increasing(mutations):
    mids = [m["mid"] for m in mutations]
    if any(b <= a for a, b in zip(mids, mids[1:])):
        raise invalid("mids_out_of_order")


def _not_too_many(mutations):
    if len(mutations) > MAX_MUTATIONS:
        raise invalid("too_many", max=MAX_MUTATIONS)


class Cursor(fields.Field):
    """The cursor as the server gave it ("c.o": a position in the couple's stream and one in the
    user's own), or 0 for the start. An older phone's integer passes through to be answered 410."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise invalid("bad_cursor")
        if isinstance(value, int):
            if value < 0:
                raise invalid("bad_cursor")
            return value
        if len(value) > 40 or not CURSOR_RE.match(value):
            raise invalid("bad_cursor")
        return value


CURSOR_RE = re.compile(r"^(0|\d{1,18}\.\d{1,18})$")


class SyncIn(Schema):
    client_id = Uuid(required=True)
    cursor = Cursor(required=True)
    # The couple the mutations were queued for (null: none). A phone must name it when it sends
    # mutations: writes for one couple never land in another (409 when it is not the user's now).
    couple_id = String(allow_none=True, validate=validate.Length(max=36))
    mutations = fields.List(
        fields.Nested(MutationIn),
        load_default=list,
        validate=[_not_too_many, _increasing],
    )

    @validates_schema
    def _names_its_couple(self, data, **kwargs):
        if data.get("mutations") and "couple_id" not in data:
            raise invalid("couple_id_needed", "couple_id")

    def load(self, data, *, many=None, partial=None, unknown=None):
        """The usual request (every field as a phone sends it) is checked by plain_sync() by hand;
        anything else goes through the fields above, which also say what is wrong with it. Every
        sync comes here, and marshmallow's generic path cost more than a sync's lock statement."""
        if many is None and partial is None and unknown is None:
            loaded = plain_sync(data)
            if loaded is not None:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)


_UUID = re.compile(UUID_RE)
_SYNC_KEYS = frozenset(("client_id", "cursor", "couple_id", "mutations"))
_MUTATION_KEYS = frozenset(("mid", "op", "entry"))


def plain_sync(data):
    """SyncIn's load of `data` when it passes every rule there in its plainest form (exact types,
    no unknown keys), as the fields would load it; None to let the fields decide (and explain)."""
    if type(data) is not dict or not data.keys() <= _SYNC_KEYS or "client_id" not in data or "cursor" not in data:
        return None
    client_id, cursor = data["client_id"], data["cursor"]
    if type(client_id) is not str or not _UUID.match(client_id):  # a uuid holds no NUL nor surrogate
        return None
    if type(cursor) is int:
        if cursor < 0:
            return None
    elif type(cursor) is not str or len(cursor) > 40 or not CURSOR_RE.match(cursor):
        return None
    loaded = {"client_id": client_id, "cursor": cursor}
    if "couple_id" in data:
        couple_id = data["couple_id"]
        if couple_id is not None and (type(couple_id) is not str or len(couple_id) > 36 or not _clean(couple_id)):
            return None
        loaded["couple_id"] = couple_id
    raw = data.get("mutations", [])
    if type(raw) is not list or len(raw) > MAX_MUTATIONS or (raw and "couple_id" not in data):
        return None
    mutations, last = [], 0
    for mutation in raw:
        if type(mutation) is not dict or mutation.keys() != _MUTATION_KEYS:
            return None
        mid, op, entry = mutation["mid"], mutation["op"], mutation["entry"]
        if type(mid) is not int or not last < mid <= MAX_MID or op not in _OPS or type(entry) is not dict:
            return None
        last = mid
        mutations.append({"mid": mid, "op": op, "entry": dict(entry)})
    loaded["mutations"] = mutations
    return loaded


_OPS = frozenset(("put", "delete"))


def _clean(text):
    try:
        check_clean(text)
    except ValidationError:
        return False
    return True


class ErrorOut(Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()


class DumpedEntry(fields.Nested):
    """An entry that schemas.entries.entry_out already made JSON-ready: passed through as is (a sync
    answer can carry 500 of them), documented in the OpenAPI document as EntryOut."""

    def __init__(self, **kwargs):
        super().__init__(EntryOut, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class ResultOut(Schema):
    mid = fields.Integer()
    status = fields.String()
    error = fields.Nested(ErrorOut, allow_none=True)
    entry = DumpedEntry(allow_none=True)


class SyncOut(Schema):
    couple_id = fields.String(allow_none=True)
    last_mid = fields.Integer()
    results = fields.List(fields.Nested(ResultOut))
    changes = fields.List(DumpedEntry())
    cursor = fields.String(metadata={"description": "Opaque; send it back as it is"})
    more = fields.Boolean()
