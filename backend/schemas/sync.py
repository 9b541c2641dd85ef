from marshmallow import Schema, fields, validate

from .common import String
from .entries import EntryOut, Uuid


MAX_MID = 2 ** 53 - 1  # a phone counts in JavaScript numbers; the column is a 64-bit integer


class MutationIn(Schema):
    mid = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=MAX_MID))
    op = String(required=True, validate=validate.OneOf(("put", "delete")))
    # Checked per mutation by EntryIn / EntryDeleteIn, so one bad entry is rejected, not the whole request.
    entry = fields.Dict(required=True)


def _increasing(mutations):
    mids = [m["mid"] for m in mutations]
    if any(b <= a for a, b in zip(mids, mids[1:])):
        raise validate.ValidationError("mid must increase strictly, oldest first.")


class SyncIn(Schema):
    client_id = Uuid(required=True)
    cursor = fields.Integer(strict=True, required=True, validate=validate.Range(min=0))
    mutations = fields.List(fields.Nested(MutationIn), load_default=list,
                            validate=[validate.Length(max=100, error="At most 100 mutations per request."),
                                      _increasing])


class ErrorOut(Schema):
    code = fields.Integer()
    status = fields.String()
    message = fields.String()
    errors = fields.Dict()


class DumpedEntry(fields.Nested):
    """An entry that services.sync.entry_out already made JSON-ready: passed through as is (a sync
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
    couple_id = fields.String()
    last_mid = fields.Integer()
    results = fields.List(fields.Nested(ResultOut))
    changes = fields.List(DumpedEntry())
    cursor = fields.Integer()
    more = fields.Boolean()
