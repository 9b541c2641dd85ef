"""Instants as the API and entry bodies write them (ISO 8601, "Z" for UTC) and as the columns store
them (naive UTC): one home for each conversion, so every module reads and writes them alike."""

from datetime import UTC, date, datetime


def parse_instant(value, naive_is_utc=False):
    """An ISO 8601 instant (a trailing "Z" is UTC) as a datetime; ValueError when it is not one.
    A time without a zone stays naive unless `naive_is_utc`."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if naive_is_utc and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def parse_date(value):
    """A local date as entries write it (YYYY-MM-DD)."""
    return date.fromisoformat(value)


def naive_utc(value):
    """An aware datetime as the columns store it (naive UTC); any other value as it is."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def iso(value):
    """A datetime as the API writes it, or None."""
    return value.isoformat() if value is not None else None
