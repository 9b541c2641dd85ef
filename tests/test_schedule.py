"""Schedule math: wall times across DST, quiet hours, and when a ritual falls. Pure functions."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from backend.services import schedule

NY, BERLIN, KOLKATA = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Kolkata")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    "zone, day, hhmm, expected",
    [
        (BERLIN, date(2026, 5, 1), "20:00", utc(2026, 5, 1, 18, 0)),
        (NY, date(2026, 5, 1), "20:00", utc(2026, 5, 2, 0, 0)),
        (KOLKATA, date(2026, 5, 1), "20:00", utc(2026, 5, 1, 14, 30)),
        (NY, date(2026, 1, 15), "07:15", utc(2026, 1, 15, 12, 15)),
    ],
)
def test_wall_time_is_the_instant_the_local_clock_shows(zone, day, hhmm, expected):
    assert schedule.wall_time(day, hhmm, zone) == expected


@pytest.mark.parametrize("hhmm", ["02:00", "02:30", "02:59"])
def test_wall_time_in_a_spring_forward_gap_is_the_next_valid_minute(hhmm):
    due = schedule.wall_time(date(2026, 3, 8), hhmm, NY)
    assert due == utc(2026, 3, 8, 7, 0)
    assert due.astimezone(NY).strftime("%H:%M") == "03:00"


def test_wall_time_that_happens_twice_at_fall_back_is_the_first():
    due = schedule.wall_time(date(2026, 11, 1), "01:30", NY)
    assert due == utc(2026, 11, 1, 5, 30)  # 01:30 EDT, not 01:30 EST an hour later


def test_berlin_gap_too():
    assert schedule.wall_time(date(2026, 3, 29), "02:15", BERLIN) == utc(2026, 3, 29, 1, 0)


def test_day_bounds_of_a_dst_day_are_23_hours():
    start, end = schedule.day_bounds(date(2026, 3, 8), NY)
    assert (end - start).total_seconds() == 23 * 3600


@pytest.mark.parametrize(
    "now, start, end, quiet",
    [
        ("21:00", "22:00", "07:00", False),
        ("22:00", "22:00", "07:00", True),
        ("23:59", "22:00", "07:00", True),
        ("00:00", "22:00", "07:00", True),
        ("06:59", "22:00", "07:00", True),
        ("07:00", "22:00", "07:00", False),
        ("13:00", "12:00", "14:00", True),
        ("14:00", "12:00", "14:00", False),
        ("13:00", None, "14:00", False),
        ("13:00", "13:00", "13:00", False),
    ],
)
def test_quiet_hours_wrap_midnight(now, start, end, quiet):
    assert schedule.in_quiet_hours(time.fromisoformat(now), start, end) is quiet


def test_quiet_hours_take_a_local_datetime():
    assert schedule.in_quiet_hours(datetime(2026, 5, 1, 23, 0, tzinfo=BERLIN), "22:00", "07:00")


def test_daily_ritual_falls_every_day():
    assert all(schedule.occurs_on({"freq": "daily", "time": "21:00"}, date(2026, 5, d)) for d in range(1, 32))


def test_weekly_ritual_falls_on_its_weekday():
    weekly = {"freq": "weekly", "time": "19:00", "weekday": 6, "interval": 1}
    days = [d for d in range(1, 32) if schedule.occurs_on(weekly, date(2026, 5, d))]
    assert days == [3, 10, 17, 24, 31]  # Sundays of May 2026


def test_every_other_week_counts_from_the_anchor_week():
    fortnightly = {"freq": "weekly", "time": "19:00", "weekday": 2, "interval": 2}
    anchor = date(2026, 5, 4)  # a Monday; the ritual was made that week
    days = [d for d in range(1, 32) if schedule.occurs_on(fortnightly, date(2026, 5, d), anchor)]
    assert days == [6, 20]


@pytest.mark.parametrize("monthday, month, expected", [(15, 2, 15), (31, 4, 30), (31, 2, 28), (29, 2, 28)])
def test_monthday_past_the_month_end_is_its_last_day(monthday, month, expected):
    monthly = {"freq": "monthly", "time": "20:00", "monthday": monthday}
    days = [d.day for d in _month(2026, month) if schedule.occurs_on(monthly, d)]
    assert days == [expected]


@pytest.mark.parametrize("nth, expected", [(1, 1), (2, 8), (4, 22), (-1, 29)])
def test_nth_weekday_of_the_month(nth, expected):
    monthly = {"freq": "monthly", "time": "20:00", "weekday": 4, "nth": nth}  # Fridays of May 2026: 1..29
    days = [d.day for d in _month(2026, 5) if schedule.occurs_on(monthly, d)]
    assert days == [expected]


def _month(year, month):
    day = date(year, month, 1)
    while day.month == month:
        yield day
        day = date.fromordinal(day.toordinal() + 1)


def test_due_on_is_none_on_other_days():
    weekly = {"freq": "weekly", "time": "19:00", "weekday": 0}
    assert schedule.due_on(weekly, date(2026, 5, 5), BERLIN) is None
    assert schedule.due_on(weekly, date(2026, 5, 4), BERLIN) == utc(2026, 5, 4, 17, 0)


def test_is_due_at_the_local_minute_only():
    daily = {"freq": "daily", "time": "21:30"}
    assert schedule.is_due_at(daily, datetime(2026, 5, 1, 21, 30, 40, tzinfo=BERLIN))
    assert not schedule.is_due_at(daily, datetime(2026, 5, 1, 21, 31, tzinfo=BERLIN))


def test_is_due_at_in_a_gap_fires_at_the_next_valid_minute():
    daily = {"freq": "daily", "time": "02:30"}
    three = utc(2026, 3, 8, 7, 0).astimezone(NY)
    assert schedule.is_due_at(daily, three)


def test_next_occurrence_is_strictly_after():
    weekly = {"freq": "weekly", "time": "19:00", "weekday": 6}
    sunday_7pm = utc(2026, 5, 3, 17, 0)
    assert schedule.next_occurrence(weekly, sunday_7pm, BERLIN) == utc(2026, 5, 10, 17, 0)
    assert schedule.next_occurrence(weekly, utc(2026, 5, 3, 16, 59), BERLIN) == sunday_7pm


def test_next_occurrence_of_a_monthly_nth_weekday():
    last_friday = {"freq": "monthly", "time": "20:00", "weekday": 4, "nth": -1}
    assert schedule.next_occurrence(last_friday, utc(2026, 5, 30), NY) == utc(2026, 6, 27, 0, 0)


def test_is_due_at_the_first_of_two_fall_back_minutes_only():
    daily = {"freq": "daily", "time": "01:30"}
    first, second = utc(2026, 11, 1, 5, 30).astimezone(NY), utc(2026, 11, 1, 6, 30).astimezone(NY)
    assert first.strftime("%H:%M") == second.strftime("%H:%M") == "01:30"
    assert schedule.is_due_at(daily, first)
    assert not schedule.is_due_at(daily, second)
