from marshmallow import Schema, fields, validate

from .common import Text, Time, Timezone

# A new password, wherever one is chosen (signup, change, reset): at least 10 characters.
NEW_PASSWORD = validate.Length(min=10, max=200)


class SignupIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD)
    display_name = Text(60, required=True)
    timezone = Timezone(required=True)


class LoginIn(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


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
    display_name = Text(60)
    timezone = Timezone()
    nudge_time = Time()
    quiet_start = Time(allow_none=True)
    quiet_end = Time(allow_none=True)
    show_previews = fields.Boolean()
    daily_push_limit = fields.Integer(validate=validate.Range(min=1, max=50))


class PasswordChangeIn(Schema):
    current_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordIn(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class PasswordResetIn(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class PasswordResetConfirmIn(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordResetSent(Schema):
    message = fields.String(metadata={"description": "The same sentence whether or not the email has an "
                                      "account."})
