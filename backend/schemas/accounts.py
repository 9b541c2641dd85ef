from marshmallow import Schema, ValidationError, fields, post_load, validate

from ..i18n import LANGUAGES
from .common import DisplayName, Email, String, Time, Timezone


def Language(**kwargs):
    """A language Hearth speaks: its pushes and emails to this person are written in it."""
    return String(validate=validate.OneOf(LANGUAGES), metadata={"description": "en or ru"}, **kwargs)


def encodable(value):
    """A lone surrogate (\\ud800) has no UTF-8 form for the hasher or the database: a 422, never a 500."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Contains a character that can't be stored.") from None


# A new password, wherever one is chosen (signup, change, reset): at least 10 characters.
NEW_PASSWORD = [validate.Length(min=10, max=200), encodable]
# A reset link's token as secrets.token_urlsafe makes it (base64url), so nothing else reaches the hash.
RESET_TOKEN = validate.Regexp(r"^[A-Za-z0-9_-]{1,200}\Z", error="This link is not complete.")
# Partner-event pushes a day (PATCH /api/me): nudges and reminders have their own once-a-day rule.
PARTNER_PUSH_LIMIT = validate.Range(min=1, max=50)


class SignupIn(Schema):
    email = Email(required=True, validate=validate.Length(max=254))
    password = String(required=True, load_only=True, validate=NEW_PASSWORD)
    display_name = DisplayName(required=True)
    timezone = Timezone(required=True)
    language = Language()  # when left out: the request's Accept-Language


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
    daily_partner_push_limit = fields.Integer()
    daily_push_limit = fields.Integer(attribute="daily_partner_push_limit", dump_only=True, metadata={
        "deprecated": True, "description": "The old name of daily_partner_push_limit."})
    language = fields.String()
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
    daily_partner_push_limit = fields.Integer(validate=PARTNER_PUSH_LIMIT)
    daily_push_limit = fields.Integer(validate=PARTNER_PUSH_LIMIT, load_only=True, metadata={
        "deprecated": True, "description": "The old name of daily_partner_push_limit, still accepted."})
    language = Language()

    @post_load
    def _old_limit_name(self, data, **_kwargs):
        old = data.pop("daily_push_limit", None)
        if old is not None and data.setdefault("daily_partner_push_limit", old) != old:
            raise ValidationError("Give daily_partner_push_limit only.", "daily_push_limit")
        return data


class PasswordChangeIn(Schema):
    current_password = String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordIn(Schema):
    password = String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class PasswordResetIn(Schema):
    email = Email(required=True, validate=validate.Length(max=254))


class PasswordResetConfirmIn(Schema):
    token = String(required=True, load_only=True, validate=RESET_TOKEN)
    new_password = String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordResetSent(Schema):
    message = String(metadata={"description": "The same sentence whether or not the email has an "
                                      "account."})
