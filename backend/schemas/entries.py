"""The entry envelope (what a mutation carries) and the entry as the server sends it."""

import re

from marshmallow import Schema, ValidationError, fields, validate

from ..errors import invalid
from ..kinds import NAMES as KINDS
from ..times import iso
from .bodies import Instant, aware_datetime
from .common import String, check_clean

# \Z, not $: "$" also matches before a trailing newline, and "<uuid>\n" was taken as an id.
UUID_RE = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z"


_UUID = re.compile(UUID_RE)


def _uuid(value):
    if not _UUID.match(value):
        raise invalid("not_a_uuid")


def Uuid(**kwargs):
    return String(validate=_uuid, **kwargs)


class EntryIn(Schema):
    """A put: the whole entry as the phone has it. `body` is checked by the kind's own schema."""

    id = Uuid(required=True)
    kind = String(required=True, validate=validate.OneOf(KINDS))
    visibility = String(load_default="shared", validate=validate.OneOf(("shared", "private")))
    ref_id = Uuid(allow_none=True, load_default=None)
    body = fields.Dict(required=True)
    base_rev = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(min=0))
    # When the phone made it (offline entries reach the server later); clamped by the server.
    created_at = Instant(allow_none=True, load_default=None)
    # Applied only while the stored rev is base_rev, whatever the kind: a put that carries no change of its
    # own (an old entry's words sealed again) must not undo a newer edit from another device.
    if_unchanged = fields.Boolean(truthy={True}, falsy={False}, load_default=False)

    def load(self, data, *, many=None, partial=None, unknown=None):
        """A put as phones send it is checked by plain_put() by hand (every put of every sync comes
        here); anything else goes through the fields above, which also say what is wrong with it."""
        if many is None and partial is None and unknown is None:
            loaded = plain_put(data)
            if loaded is not None:
                return loaded
        return super().load(data, many=many, partial=partial, unknown=unknown)


_PUT_KEYS = frozenset(("id", "kind", "visibility", "ref_id", "body", "base_rev", "created_at", "if_unchanged"))
_VISIBILITIES = frozenset(("shared", "private"))
_KINDS = frozenset(KINDS)


def plain_put(data):
    """EntryIn's load of `data` when it passes every rule there in its plainest form (exact types, no
    unknown keys), as the fields would load it; None to let the fields decide (and explain)."""
    if type(data) is not dict or not data.keys() <= _PUT_KEYS:
        return None
    id_, kind, body = data.get("id"), data.get("kind"), data.get("body")
    visibility, ref_id = data.get("visibility", "shared"), data.get("ref_id")
    base_rev, created_at = data.get("base_rev"), data.get("created_at")
    if_unchanged = data.get("if_unchanged", False)
    if (
        type(id_) is not str
        or not _UUID.match(id_)  # a uuid holds no NUL nor surrogate
        or type(kind) is not str
        or kind not in _KINDS
        or type(visibility) is not str
        or visibility not in _VISIBILITIES
        or (ref_id is not None and (type(ref_id) is not str or not _UUID.match(ref_id)))
        or type(body) is not dict
        or (base_rev is not None and (type(base_rev) is not int or base_rev < 0))
        or (created_at is not None and (type(created_at) is not str or not _instant(created_at)))
        or type(if_unchanged) is not bool
    ):
        return None
    return {
        "id": id_,
        "kind": kind,
        "visibility": visibility,
        "ref_id": ref_id,
        "body": dict(body),
        "base_rev": base_rev,
        "created_at": created_at,
        "if_unchanged": if_unchanged,
    }


def _instant(text):
    """Whether Instant() loads this text as it is."""
    try:
        check_clean(text)
        aware_datetime(text)
    except ValidationError:
        return False
    return True


class EntryDeleteIn(Schema):
    id = Uuid(required=True)
    kind = String(validate=validate.OneOf(KINDS))
    base_rev = fields.Integer(strict=True, allow_none=True, load_default=None, validate=validate.Range(min=0))


class EntryOut(Schema):
    id = fields.String()
    kind = fields.String()
    author_id = fields.String()
    visibility = fields.String()
    ref_id = fields.String(allow_none=True)
    body = fields.Dict()
    rev = fields.Integer()
    seq = fields.Integer(
        allow_none=True,
        metadata={"description": "Position in the couple's stream; null for what the partner never saw"},
    )
    couple_id = fields.String(
        allow_none=True, metadata={"description": "The couple it was written in (null: written while in none)"}
    )
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    deleted = fields.Boolean()


def entry_out(entry, **replaced):
    """An entry row as the API sends it: EntryOut's fields (tests/test_kinds.py holds the two equal),
    dumped by hand because this runs for every change of every sync. `replaced` sets fields to other
    values (a tombstone's, services.visibility). None stays None; a dict is taken as dumped already."""
    if entry is None or isinstance(entry, dict):
        return entry
    out = {
        "id": entry.id,
        "kind": entry.kind,
        "author_id": entry.author_id,
        "visibility": entry.visibility,
        "ref_id": entry.ref_id,
        "body": entry.body,
        "rev": entry.rev,
        "seq": entry.seq,
        "couple_id": entry.couple_id,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
        "deleted": entry.deleted,
        **replaced,
    }
    out["created_at"], out["updated_at"] = iso(out["created_at"]), iso(out["updated_at"])
    return out
