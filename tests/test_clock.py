"""The tests' clock: every test runs at an instant it chooses (tests/conftest.py, `clock`), so none
depends on the day it happens to run. The app reads one clock (models.utcnow)."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.models import utcnow
from conftest import DEFAULT_NOW, _run_instant, parse_instant
from push_service import subscribe

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)


def test_the_app_clock_reads_the_runs_instant():
    assert abs(utcnow() - _run_instant()) < timedelta(seconds=30)


def test_the_default_instant_has_nothing_due():
    # A Wednesday at noon in Berlin: no default ritual (Sunday 10:00, 21:30 daily, Wednesday 19:30),
    # no 20:00 nudge, no 09:00 commitment reminder.
    local = parse_instant(DEFAULT_NOW).astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.strftime("%A"), local.hour) == ("Wednesday", 12)


@pytest.mark.now("2026-11-29T09:00:00Z")
def test_a_test_can_name_its_own_instant():
    local = utcnow().astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-11-29", "10:00")


@pytest.mark.now("2026-11-29T09:00:30Z")
def test_the_worker_tick_without_now_reads_the_same_clock(app, pair, push_service, clock):
    # Sunday 10:00 in Berlin: the default weekly check-in falls due; the real day plays no part. The couple
    # paired a little before (a slot that passed before its ritual existed is never reminded).
    clock.shift_to(parse_instant("2026-11-29T08:50:00Z"))
    alice, bob = pair()
    clock.shift_to(parse_instant("2026-11-29T09:00:30Z"))
    device = subscribe(alice, push_service)
    result = app.test_cli_runner().invoke(args=["nudges", "tick"])
    assert result.exit_code == 0, result.output
    assert [m["body"] for m in device.messages("ritual_reminder")] == ["It's time for your weekly check-in."]
