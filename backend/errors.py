"""One JSON error shape for the whole app, built in one place (error_body):

    {"code": 422, "status": "Unprocessable Entity", "reason": "validation", "message": "…",
     "errors": {"body": {"text": ["Keep it to 280 characters or fewer."]}},
     "codes": {"body": {"text": ["too_long"]}}}

`reason` and `codes` are stable machine codes (docs/errors.md lists them all): the phone decides by them and
never by the words, which come from the catalogue (frontend/locales) in the request's language
(Accept-Language). `codes` nests like `errors`, one code for each message.
"""

import logging
import re
from http import HTTPStatus

from flask import jsonify
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import HTTPException

from .i18n import lookup, t

log = logging.getLogger(__name__)

# The reason of an error raised without one, by HTTP status.
REASONS = {
    400: "bad_request",
    401: "login_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "not_json",
    422: "validation",
    429: "rate_limited",
    500: "internal",
    503: "unavailable",
}


class Error(Schema):
    """The one error shape, as the OpenAPI document describes it (every key always present)."""

    code = fields.Integer(required=True, metadata={"description": "The HTTP status."})
    status = fields.String(required=True)
    reason = fields.String(
        required=True, metadata={"description": "Stable machine code of the error (docs/errors.md)."}
    )
    message = fields.String(required=True, metadata={"description": "For people, in the request's language."})
    errors = fields.Dict(
        required=True, metadata={"description": "Field name to a list of messages; nested objects nest the same way."}
    )
    codes = fields.Dict(
        required=True,
        metadata={
            "description": "Like `errors`, with each message's stable code (too_long, required, …) in its place."
        },
    )


# The value a message's noun agrees with ("не больше 254 символов" is wrong, "254 символа" right): the
# catalogue entry of these codes (error.<reason>, error.field.<code>) is a plural, picked by that number.
COUNTED_BY = {
    "too_short": "min",
    "too_long": "max",
    "length": "max",
    "due_too_late": "days",
    "too_deep": "max",
    "number_too_long": "max",
}

# Values that are spans of time, written out in the message's language with their own plural ("20 minutes",
# "через 24 часа"): the value is a number of the unit the key names (the phone's words for the same spans).
SPANS = {"timeout_range": {"min": "timeout.span_minutes", "max": "timeout.span_hours"}}


def words(key, code, lang, values):
    """The catalogue's text for key in lang, filled with values, in the plural form COUNTED_BY names, with
    the SPANS of time written out."""
    spans = {
        name: t(unit, lang, count=int(values[name]))
        for name, unit in SPANS.get(code, {}).items()
        if str(values.get(name, "")).isdigit()
    }
    values = {**values, **spans}
    counted = values.get(COUNTED_BY.get(code, ""))
    if counted is not None and str(counted).isdigit():
        values = {**values, "count": int(counted)}
    return t(key, lang, **values)


class Coded(str):
    """A field message that carries its stable code: str() of it is the English sentence (logs, and code
    that reads messages as text); the error shape reads .code and .values for the request's language."""

    def __new__(cls, code, **values):
        message = super().__new__(cls, words(f"error.field.{code}", code, "en", values))
        message.code, message.values = code, values
        return message


def invalid(code, field=None, **values):
    """A ValidationError with a coded message (on `field`, inside a schema-level validator)."""
    return ValidationError(Coded(code, **values), field) if field else ValidationError(Coded(code, **values))


def fail(status, reason, errors=None, **values):
    """Ends the request with the error shape: `reason` picks the message error.<reason> (values fill it)."""
    abort(status, reason=reason, errors=errors, values=values)


def _template(message, code, **names):
    """A marshmallow default message as a pattern whose {placeholders} are captured."""
    pattern = re.escape(message)
    for name in re.findall(r"\\\{(\w+)\\\}", pattern):
        pattern = pattern.replace(rf"\{{{name}\}}", rf"(?P<{name}>.+?)", 1)
    return re.compile(pattern + r"\Z"), code


_RANGE = validate.Range(min=0, max=1)
_TYPE_MESSAGES = {
    m
    for f in (
        fields.String,
        fields.Integer,
        fields.Boolean,
        fields.List,
        fields.Dict,
        fields.Nested,
        fields.Number,
        fields.Float,
    )
    for key, m in f.default_error_messages.items()
    if key in {"invalid", "type"}
}
# marshmallow's own messages (fields and validators we did not write), read from marshmallow itself.
_BUILTIN = [
    _template(fields.Field.default_error_messages["required"], "required"),
    _template(fields.Field.default_error_messages["null"], "null"),
    _template(Schema._default_error_messages["unknown"], "unknown_field"),
    _template(Schema._default_error_messages["type"], "wrong_type"),
    *(_template(m, "wrong_type") for m in sorted(_TYPE_MESSAGES)),
    _template(validate.Length.message_min, "too_short"),
    _template(validate.Length.message_max, "too_long"),
    _template(validate.Length.message_all, "length"),
    _template(_RANGE.message_min, "too_small"),
    _template(_RANGE.message_max, "too_big"),
    _template(_RANGE.message_all, "out_of_range"),
    _template(validate.OneOf.default_message, "not_a_choice"),
    _template(validate.Regexp.default_message, "bad_format"),
    _template(validate.Email.default_message, "bad_email"),
    _template(fields.Email.default_error_messages["invalid"], "bad_email"),
]


def field_code(message):
    """(code, values) of one field message: its own, or marshmallow's recognised; else ("invalid", {})."""
    if isinstance(message, Coded):
        return message.code, message.values
    for pattern, code in _BUILTIN:
        match = pattern.match(str(message))
        if match:
            return code, match.groupdict()
    return "invalid", {}


def _one(message, lang):
    code, values = field_code(message)
    known = isinstance(message, Coded) or code != "invalid"
    # A message no code knows (a schema's own error= text) is shown as written.
    return (words(f"error.field.{code}", code, lang, values) if known else str(message)), code


def split(messages, lang=None):
    """(errors, codes): a marshmallow messages tree as texts in `lang` and as codes, nested alike."""
    if isinstance(messages, dict):
        pairs = {str(key): split(value, lang) for key, value in messages.items()}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if isinstance(messages, (list, tuple)):
        pairs = [split(m, lang) if isinstance(m, (dict, list, tuple)) else _one(m, lang) for m in messages]
        return [p[0] for p in pairs], [p[1] for p in pairs]
    text, code = _one(messages, lang)
    return [text], [code]


def error_body(code, reason=None, errors=None, lang=None, **values):
    """The one error shape as a dict (also what a rejected sync mutation carries). `lang` defaults to the
    request's language (English outside a request)."""
    reason = reason or REASONS.get(code, "error")
    key = f"error.{reason}" if lookup(f"error.{reason}", "en") is not None else "error.error"
    texts, codes = split(errors or {}, lang)
    return {
        "code": code,
        "status": HTTPStatus(code).phrase,
        "reason": reason,
        "message": words(key, reason, lang, values),
        "errors": texts,
        "codes": codes,
    }


def error_response(code, reason=None, errors=None, headers=None, **values):
    response = jsonify(error_body(code, reason, errors, **values))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _flatten(messages):
    """webargs nests errors by location ({"json": {...}}); clients want {field: [...]}."""
    if not isinstance(messages, dict):
        return {"_schema": messages if isinstance(messages, list) else [str(messages)]}
    flat = {}
    for location, found in messages.items():
        if location in {"json", "query", "form", "headers", "cookies", "path"} and isinstance(found, dict):
            flat.update(found)
        else:
            flat[location] = found
    return flat


def handle_http_exception(exc):
    data = getattr(exc, "data", None) or {}
    errors = _flatten(data["messages"]) if "messages" in data else data.get("errors")
    response = error_response(
        exc.code, data.get("reason"), errors, dict(data.get("headers") or {}), **(data.get("values") or {})
    )
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_unexpected(exc):
    log.exception("unhandled error")
    return error_response(500)


def register_error_handlers(app):
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
