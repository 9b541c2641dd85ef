"""Column types and helpers shared by the models."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, TypeDecorator

from ..times import naive_utc


class Clock:
    """The app's one "now" (UTC). Real time unless `shift_to(instant)` was called: from then on now
    reads `instant` and runs on from it. The tests fix their instant this way, so no test depends on
    the day, hour or weekday it happens to run (tests/conftest.py, the `clock` fixture)."""

    def __init__(self):
        self.offset = timedelta(0)

    def now(self):
        return datetime.now(UTC) + self.offset

    def shift_to(self, instant):
        self.offset = instant - datetime.now(UTC)

    def reset(self):
        self.offset = timedelta(0)


clock = Clock()


def utcnow():
    return clock.now()


def new_id():
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return naive_utc(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
