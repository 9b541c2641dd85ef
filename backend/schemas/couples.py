from marshmallow import Schema, fields, validate

from .accounts import UserOut
from .common import String


class MemberOut(Schema):
    id = fields.String()
    display_name = fields.String()


class CoupleOut(Schema):
    id = fields.String()
    members = fields.List(fields.Nested(MemberOut))
    created_at = fields.DateTime()
    paired_at = fields.DateTime(allow_none=True)


class InviteOut(Schema):
    code = fields.String()
    url = fields.String()
    expires_at = fields.DateTime()


class CoupleCreatedOut(Schema):
    couple = fields.Nested(CoupleOut)
    invite = fields.Nested(InviteOut)


class InviteResponse(Schema):
    invite = fields.Nested(InviteOut)


class CoupleResponse(Schema):
    couple = fields.Nested(CoupleOut)


class JoinIn(Schema):
    code = String(required=True, validate=validate.Length(min=1, max=40))


class MeOut(Schema):
    user = fields.Nested(UserOut)
    couple = fields.Nested(CoupleOut, allow_none=True)
