"""Field types and validators shared by every input schema.

Every string a request carries is loaded through `String` (or `Email`), which refuses NUL and lone
UTF-16 surrogates: PostgreSQL cannot store a NUL in text (that was a 500, and a sync queue that never
drained) and SQLite stored both, which later broke backups and pushes. JSON can carry either as an
escape (\\u0000, \\ud800), so this is the one place they are turned away, as a 422 on the field.
"""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate

from .. import limits
from ..errors import invalid

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Directional formatting characters: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069),
# and the marks (U+200E, U+200F, U+061C). In a name they reorder the words around it on the partner's screen.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Names that a zoneinfo lookup may find on one host and not another: the host's own setting and the
# tz database's placeholder. Everything else comes from available_timezones().
_NOT_ZONES = {"localtime", "posixrules", "Factory"}


def known_timezones():
    return frozenset(available_timezones()) - _NOT_ZONES


_ZONES = known_timezones()


def check_clean(value):
    """Refuses text no database stores faithfully: NUL, and a lone surrogate (half of an emoji's pair)."""
    if _NUL in value:
        raise invalid("nul_char")
    if _SURROGATE.search(value):
        raise invalid("broken_char")


class Clean:
    """Mixin for a String field: runs check_clean on what it loads."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        check_clean(text)
        return text


class String(Clean, fields.String):
    """fields.String for input: NUL and lone surrogates are refused."""


class Email(Clean, fields.Email):
    """fields.Email for input: NUL and lone surrogates are refused."""


def validate_timezone(value):
    if value not in _ZONES:
        raise invalid("bad_timezone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("bad_timezone") from None


def validate_hhmm(value):
    if not _HHMM.match(value):
        raise invalid("bad_time")


def validate_no_bidi(value):
    if _BIDI.search(value):
        raise invalid("bidi_control")


class Length(validate.Length):
    """validate.Length whose errors carry codes: too_short / too_long for text, too_many for a list."""

    def _format_error(self, value, message):
        if self.max is not None and len(value) > self.max:
            return invalid("too_long" if isinstance(value, str) else "too_many", max=self.max).messages[0]
        return invalid("too_short", min=self.min).messages[0]


class Range(validate.Range):
    """validate.Range (inclusive) whose errors carry codes: too_small / too_big, with the bound."""

    def _format_error(self, value, message):
        if self.max is not None and value > self.max:
            return invalid("too_big", max=self.max).messages[0]
        return invalid("too_small", min=self.min).messages[0]


def Text(max_len, min_len=1, validate=(), **kwargs):
    """A trimmed-length text field: at least min_len non-blank characters, at most max_len
    (the numbers come from backend/limits.py, which the phone mirrors)."""

    def check(value):
        check_text(value, max_len, min_len)

    return String(validate=[check, *validate], **kwargs)


def check_text(value, max_len, min_len=1):
    """Text's rule: at least min_len non-blank characters, at most max_len."""
    if len(value.strip()) < min_len:
        raise invalid("blank")
    if len(value) > max_len:
        raise invalid("too_long", max=max_len)


def DisplayName(**kwargs):
    return Text(limits.DISPLAY_NAME_MAX, validate=[validate_no_bidi], **kwargs)


def Time(**kwargs):
    return String(validate=validate_hhmm, **kwargs)


def Timezone(**kwargs):
    return String(validate=validate_timezone, **kwargs)


def quick_load(schema, data):
    """schema.load(data) through its fields alone, without the schema's own machinery (error store,
    hooks, a closure per field): what every entry body of every sync goes through, where that machinery
    cost about as much as the fields' work. Only for a schema that is nothing but fields (no hooks, no
    load() of its own, no data_key or attribute, unknown keys refused, neither many nor partial) and a
    dict that every field accepts; None otherwise, so that schema.load() decides and words the errors.
    The rules stay in the fields: each one's own deserialize() runs, as load() would run it."""
    fields_ = _quick_fields(schema)
    if fields_ is None or type(data) is not dict or not data.keys() <= fields_.keys():
        return None
    loaded = {}
    try:
        for name, field in fields_.items():
            value = field.deserialize(data.get(name, missing), name, data)
            if value is not missing:
                loaded[name] = value
    except ValidationError:
        return None
    return loaded


def _quick_fields(schema):
    """{name: field} when quick_load may load for `schema`, else None; worked out once per instance."""
    found = schema.__dict__.get("_quick_fields", False)
    if found is False:
        plain = (
            type(schema).load is Schema.load
            and not any(schema._hooks.values())
            and not schema.many
            and not schema.partial
            and schema.unknown == RAISE
            and schema.dict_class is dict
            and all(
                field.data_key is None and field.attribute is None and "." not in name
                for name, field in schema.load_fields.items()
            )
        )
        found = schema.__dict__["_quick_fields"] = dict(schema.load_fields) if plain else None
    return found
