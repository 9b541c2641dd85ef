"""Schedule math as pure functions: wall-clock times in a zone (DST-safe), quiet hours, and when a
ritual's schedule {freq, time, weekday, interval, monthday, nth} falls. No database, no clock."""

import calendar
import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(__name__)

EPOCH_MONDAY = date(1970, 1, 5)  # the anchor of `interval` weeks when a schedule has none
LONGEST_GAP = 24 * 60  # minutes searched forward past a skipped wall time (real gaps are 30-60 min)


BAD_ZONE = (ZoneInfoNotFoundError, ValueError, TypeError, OSError)


def load_zone(name):
    """ZoneInfo(name); raises one of BAD_ZONE for a name this host cannot load. New names are checked
    against the tz database when stored (schemas.common), but a row stored before that rule ("localtime"),
    or a host with an older tz database, can still hold one."""
    return ZoneInfo(name)


@lru_cache(maxsize=256)
def zone_or_utc(name):
    """The user's zone, or UTC (logged once per name) when this host cannot load it: a request or a
    push budget still gets an answer."""
    try:
        return load_zone(name)
    except BAD_ZONE:
        log.warning("time zone %r cannot be loaded on this host: using UTC", name)
        return UTC


def parse_hhmm(value):
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _exists(local):
    """Whether this wall time happens in its zone (it does not inside a spring-forward gap)."""
    back = local.astimezone(UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) == local.replace(tzinfo=None)


def wall_time(day, hhmm, tz):
    """The instant (in UTC) the clock in `tz` shows `hhmm` on `day`.

    UTC, because Python compares and subtracts two datetimes of one zone by their wall clocks.
    A time skipped by a spring-forward gap becomes the next minute that exists (02:30 -> 03:00);
    a time that happens twice at fall-back is the first of the two (fold=0).
    """
    naive = datetime.combine(day, parse_hhmm(hhmm) if isinstance(hhmm, str) else hhmm)
    for minute in range(LONGEST_GAP):
        local = (naive + timedelta(minutes=minute)).replace(tzinfo=tz, fold=0)
        if _exists(local):
            return local.astimezone(UTC)
    raise ValueError(f"no valid time after {naive} in {tz}")


def day_bounds(day, tz):
    """[start, end) of a local date as UTC instants (a DST day is 23 or 25 hours long)."""
    return wall_time(day, time(0, 0), tz), wall_time(day + timedelta(days=1), time(0, 0), tz)


def in_quiet_hours(local_time, start, end):
    """Whether a local wall time (a `time` or local datetime) is inside quiet hours "HH:MM"-"HH:MM" [start, end).

    Hours that wrap midnight (22:00-07:00) are understood; no start or end, or start == end, is none.
    """
    if not start or not end or start == end:
        return False
    if isinstance(local_time, datetime):
        local_time = local_time.time()
    t = local_time.replace(second=0, microsecond=0, tzinfo=None)
    lo, hi = parse_hhmm(start), parse_hhmm(end)
    if lo < hi:
        return lo <= t < hi
    return t >= lo or t < hi


def after_quiet(now, timezone, start, end):
    """`now`, or the instant the person's quiet hours end when `now` is inside them: every push waits for it."""
    zone = zone_or_utc(timezone)
    local = now.astimezone(zone)
    if not in_quiet_hours(local, start, end):
        return now
    until = wall_time(local.date(), end, zone)
    return until if until > now else wall_time(local.date() + timedelta(days=1), end, zone)


def _days_in_month(day):
    return calendar.monthrange(day.year, day.month)[1]


def _week_start(day):
    return day - timedelta(days=day.weekday())


def occurs_on(schedule, day, anchor=None):
    """Whether a ritual's schedule falls on this local date.

    weekly: on `weekday` (0 = Monday), every `interval` weeks counted from the week of `anchor`
    (the ritual's first local date), or from the schedule's own `start_date` when it has one.
    monthly: on `monthday` (31 means the month's last day in a shorter month), or on the `nth`
    `weekday` of the month (nth -1 = the last one). anytime: never (an exercise started at will).
    """
    freq = schedule["freq"]
    if freq == "anytime":
        return False
    if schedule.get("start_date"):
        anchor = date.fromisoformat(schedule["start_date"])
    if freq == "daily":
        return True
    weekday = schedule.get("weekday")
    if freq == "weekly":
        if day.weekday() != weekday:
            return False
        interval = schedule.get("interval") or 1
        weeks = (_week_start(day) - _week_start(anchor or EPOCH_MONDAY)).days // 7
        return weeks % interval == 0
    if freq == "monthly":
        if schedule.get("monthday") is not None:
            return day.day == min(schedule["monthday"], _days_in_month(day))
        nth = schedule.get("nth")
        if weekday is None or nth is None or day.weekday() != weekday:
            return False
        if nth == -1:
            return day.day + 7 > _days_in_month(day)
        return (day.day - 1) // 7 + 1 == nth
    raise ValueError(f"unknown freq {freq!r}")


def due_on(schedule, day, tz, anchor=None):
    """The instant the ritual is due on this local date, or None when it does not fall on it."""
    if not occurs_on(schedule, day, anchor):
        return None
    return wall_time(day, schedule["time"], tz)


def is_due_at(schedule, local, anchor=None):
    """Whether the ritual is due at this aware local minute (the minute it fires, DST gaps included)."""
    due = due_on(schedule, local.date(), local.tzinfo, anchor)
    return due is not None and due == local.astimezone(UTC).replace(second=0, microsecond=0)


def next_occurrence(schedule, after, tz, anchor=None, horizon_days=400):
    """The first instant strictly after `after` (aware) at which the ritual is due, or None."""
    day = after.astimezone(tz).date()
    for offset in range(horizon_days):
        due = due_on(schedule, day + timedelta(days=offset), tz, anchor)
        if due is not None and due > after:
            return due
    return None
