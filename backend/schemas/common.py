"""Field validators shared by several schemas."""
import re
from zoneinfo import ZoneInfo, available_timezones

from marshmallow import ValidationError, fields

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ZONES = frozenset(available_timezones())


def validate_timezone(value):
    if value not in _ZONES:
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Berlin.")
    ZoneInfo(value)


def validate_hhmm(value):
    if not _HHMM.match(value):
        raise ValidationError("Use a 24-hour time as HH:MM, e.g. 20:30.")


def Text(max_len, min_len=1, **kwargs):
    """A trimmed-length text field: at least min_len non-blank characters, at most max_len."""
    def check(value):
        if len(value.strip()) < min_len:
            raise ValidationError("Write something here." if min_len else "Too short.")
        if len(value) > max_len:
            raise ValidationError(f"Keep it to {max_len} characters or fewer.")
    return fields.String(validate=check, **kwargs)


def Time(**kwargs):
    return fields.String(validate=validate_hhmm, **kwargs)


def Timezone(**kwargs):
    return fields.String(validate=validate_timezone, **kwargs)
