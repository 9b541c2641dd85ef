from marshmallow import Schema, fields, validate

from .. import limits
from .accounts import UserOut
from .common import String, Text


class MemberOut(Schema):
    id = fields.String()
    display_name = fields.String()
    question_depth = fields.String(metadata={"description": "How deep each partner lets the daily question go."})


class CameBackOut(Schema):
    by = fields.String(metadata={"description": "The member who left and came back."})
    at = fields.DateTime()


class CoupleOut(Schema):
    id = fields.String()
    members = fields.List(fields.Nested(MemberOut))
    created_at = fields.DateTime()
    paired_at = fields.DateTime(allow_none=True)
    came_back = fields.Nested(CameBackOut, allow_none=True)


class PartingOut(Schema):
    """How the user's last couple ended, while they are in none (services/couples.parting)."""

    couple_id = fields.String()
    by_me = fields.Boolean(metadata={"description": "This user left; false: their partner did."})
    name = fields.String(allow_none=True, metadata={"description": "The other one's name (null: account gone)."})
    note = fields.String(allow_none=True, metadata={"description": "The kind note left for the partner."})
    at = fields.DateTime()
    undo_until = fields.DateTime(
        allow_none=True, metadata={"description": "Until when the one who left may come back (null: no longer)."}
    )


class LeaveIn(Schema):
    note = Text(limits.PARTING_NOTE_MAX, min_len=0, load_default="", allow_none=True)


class InviteIn(Schema):
    """Creating a couple or a new invite: an optional short note for the one invited."""

    note = Text(limits.INVITE_NOTE_MAX, min_len=0, load_default=None, allow_none=True)


class InviteOut(Schema):
    code = fields.String()
    url = fields.String()
    expires_at = fields.DateTime()
    note = fields.String(allow_none=True, metadata={"description": "The inviter's note, if they wrote one."})


class InviteFromOut(Schema):
    """What an invite code shows before joining: who invited, and their note. Nothing else."""

    name = fields.String(metadata={"description": "The inviter's display name."})
    note = fields.String(allow_none=True)
    expires_at = fields.DateTime()


class InviteLookupResponse(Schema):
    invite = fields.Nested(InviteFromOut)


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
    parting = fields.Nested(PartingOut, allow_none=True)
    encryption = fields.Boolean(metadata={"description": "Phones seal a person's words (docs/encryption.md)"})
