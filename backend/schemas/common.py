"""Field types and validators shared by every input schema.

Every string a request carries is loaded through `String` (or `Email`), which refuses NUL and lone
UTF-16 surrogates: PostgreSQL cannot store a NUL in text (that was a 500, and a sync queue that never
drained) and SQLite stored both, which later broke backups and pushes. JSON can carry either as an
escape (\\u0000, \\ud800), so this is the one place they are turned away, as a 422 on the field.
"""
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from marshmallow import ValidationError, fields

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
        raise ValidationError("Contains a NUL character (U+0000), which is not allowed.")
    if _SURROGATE.search(value):
        raise ValidationError("Contains a broken character (a lone UTF-16 surrogate), which is not allowed.")


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
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin.")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin.") from None


def validate_hhmm(value):
    if not _HHMM.match(value):
        raise ValidationError("Use a 24-hour time as HH:MM, e.g. 20:30.")


def validate_no_bidi(value):
    if _BIDI.search(value):
        raise ValidationError("Names cannot contain direction-control characters (such as U+202E): "
                              "they would turn the words around them backwards on your partner's screen.")


def Text(max_len, min_len=1, validate=(), **kwargs):
    """A trimmed-length text field: at least min_len non-blank characters, at most max_len."""
    def check(value):
        if len(value.strip()) < min_len:
            raise ValidationError("Write something here." if min_len else "Too short.")
        if len(value) > max_len:
            raise ValidationError(f"Keep it to {max_len} characters or fewer.")
    return String(validate=[check, *validate], **kwargs)


def DisplayName(**kwargs):
    return Text(60, validate=[validate_no_bidi], **kwargs)


def Time(**kwargs):
    return String(validate=validate_hhmm, **kwargs)


def Timezone(**kwargs):
    return String(validate=validate_timezone, **kwargs)
