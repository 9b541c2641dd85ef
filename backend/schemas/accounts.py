from marshmallow import Schema, fields, validate

from .common import DisplayName, Email, String, Time, Timezone


class SignupIn(Schema):
    email = Email(required=True, validate=validate.Length(max=254))
    password = String(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    display_name = DisplayName(required=True)
    timezone = Timezone(required=True)


class LoginIn(Schema):
    email = String(required=True, validate=validate.Length(min=1, max=254))
    password = String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    nudge_time = fields.String()
    quiet_start = fields.String(allow_none=True)
    quiet_end = fields.String(allow_none=True)
    show_previews = fields.Boolean()
    daily_push_limit = fields.Integer()
    created_at = fields.DateTime()


class UserResponse(Schema):
    user = fields.Nested(UserOut)


class SettingsIn(Schema):
    display_name = DisplayName()
    timezone = Timezone()
    nudge_time = Time()
    quiet_start = Time(allow_none=True)
    quiet_end = Time(allow_none=True)
    show_previews = fields.Boolean()
    daily_push_limit = fields.Integer(validate=validate.Range(min=1, max=50))


class PasswordChangeIn(Schema):
    current_password = String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = String(required=True, load_only=True, validate=validate.Length(min=10, max=200))


class PasswordIn(Schema):
    password = String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
