import re

from marshmallow import Schema, fields, post_load, validate

from .. import limits as L
from ..errors import invalid
from ..i18n import LANGUAGES
from .common import DisplayName, Email, Length, Range, String, Time, Timezone


def Language(**kwargs):
    """A language Hearth speaks: its pushes and emails to this person are written in it."""
    return String(validate=validate.OneOf(LANGUAGES), metadata={"description": "en or ru"}, **kwargs)


def QuestionDepth(**kwargs):
    """How deep the daily question may go for this person; the couple's is the lower of the two."""
    return String(
        validate=validate.OneOf(L.QUESTION_DEPTHS), metadata={"description": "light, medium or deep"}, **kwargs
    )


def encodable(value):
    """A lone surrogate (\\ud800) has no UTF-8 form for the hasher or the database: a 422, never a 500."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid("unstorable") from None


# A new password, wherever one is chosen (signup, change, reset).
NEW_PASSWORD = [Length(min=L.PASSWORD_MIN, max=L.PASSWORD_MAX), encodable]
# A password being checked: anything a new one could have been.
SOME_PASSWORD = Length(min=1, max=L.PASSWORD_MAX)
# A reset link's token as secrets.token_urlsafe makes it (base64url), so nothing else reaches the hash.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,200}\Z")


def reset_token(value):
    if not _TOKEN.match(value):
        raise invalid("incomplete_link")


# Pushes a local day, every kind counted (PATCH /api/me): 0 is none at all.
PUSH_BUDGET = Range(min=0, max=L.PUSH_BUDGET_MAX)
# The old names counted partner events only, 1-50; still taken for a while, stored at most the budget's top.
OLD_PUSH_LIMIT = Range(min=L.OLD_PUSH_LIMIT_MIN, max=L.OLD_PUSH_LIMIT_MAX)
OLD_LIMIT_NAMES = ("daily_partner_push_limit", "daily_push_limit")


class SignupIn(Schema):
    email = Email(required=True, validate=Length(max=L.EMAIL_MAX))
    password = String(required=True, load_only=True, validate=NEW_PASSWORD)
    display_name = DisplayName(required=True)
    timezone = Timezone(required=True)
    language = Language()  # when left out: the request's Accept-Language


class LoginIn(Schema):
    email = String(required=True, validate=Length(min=1, max=L.EMAIL_MAX))
    password = String(required=True, load_only=True, validate=SOME_PASSWORD)


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    display_name = fields.String()
    timezone = fields.String()
    nudge_time = fields.String()
    quiet_start = fields.String(allow_none=True)
    quiet_end = fields.String(allow_none=True)
    show_previews = fields.Boolean()
    daily_push_budget = fields.Integer(
        metadata={"description": "Pushes a local day, every kind counted (nudge, reminders, partner events)."}
    )
    daily_partner_push_limit = fields.Integer(
        attribute="daily_push_budget",
        dump_only=True,
        metadata={"deprecated": True, "description": "The old name of daily_push_budget."},
    )
    daily_push_limit = fields.Integer(
        attribute="daily_push_budget",
        dump_only=True,
        metadata={"deprecated": True, "description": "The oldest name of daily_push_budget."},
    )
    language = fields.String()
    question_depth = fields.String()
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
    daily_push_budget = fields.Integer(validate=PUSH_BUDGET)
    daily_partner_push_limit = fields.Integer(
        validate=OLD_PUSH_LIMIT,
        load_only=True,
        metadata={"deprecated": True, "description": "The old name of daily_push_budget (1-50, stored at most 6)."},
    )
    daily_push_limit = fields.Integer(
        validate=OLD_PUSH_LIMIT,
        load_only=True,
        metadata={"deprecated": True, "description": "The oldest name of daily_push_budget, still accepted."},
    )
    language = Language()
    question_depth = QuestionDepth()

    @post_load
    def _old_limit_names(self, data, **_kwargs):
        """The old names set the budget (an older phone's 1-50 kept within its 0-6); all names given must agree."""
        for old_name in OLD_LIMIT_NAMES:
            old = data.pop(old_name, None)
            if old is None:
                continue
            value = min(old, L.PUSH_BUDGET_MAX)
            if data.setdefault("daily_push_budget", value) != value:
                raise invalid("two_names", old_name, name="daily_push_budget")
        return data


class PasswordChangeIn(Schema):
    current_password = String(required=True, load_only=True, validate=SOME_PASSWORD)
    new_password = String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordIn(Schema):
    password = String(required=True, load_only=True, validate=SOME_PASSWORD)


class PasswordResetIn(Schema):
    email = Email(required=True, validate=Length(max=L.EMAIL_MAX))


class PasswordResetConfirmIn(Schema):
    token = String(required=True, load_only=True, validate=reset_token)
    new_password = String(required=True, load_only=True, validate=NEW_PASSWORD)


class PasswordResetDone(Schema):
    locked = fields.Boolean(
        metadata={
            "description": "The account's words are end-to-end encrypted (the setting is on and it has device keys "
            "or a recovery phrase): the reset kept them, and a phone without the keys unlocks them with another "
            "of its devices or the phrase."
        }
    )


class PasswordResetSent(Schema):
    message = String(metadata={"description": "The same sentence whether or not the email has an account."})
