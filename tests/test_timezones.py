"""Time zones: only names of the tz database are stored, and one unusable stored zone (a row from before
that rule, or a host whose tz database lacks it) never stops the worker for anyone else."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from backend.extensions import db
from backend.models import PushJob, User
from backend.schemas.common import known_timezones
from conftest import PASSWORD
from push_service import subscribe, tick

pytestmark = pytest.mark.vapid  # the app has a VAPID key and subject (tests/conftest.py, app)

# Names ZoneInfo may or may not load depending on the host: its own setting, the tz placeholder,
# the special directories, paths, and near misses.
NOT_ZONES = [
    "localtime",
    "posixrules",
    "Factory",
    "posix/Europe/Berlin",
    "right/UTC",
    "../zoneinfo/UTC",
    "/usr/share/zoneinfo/UTC",
    "Europe/Berlin ",
    "europe/berlin",
    "",
    "Mars/Olympus_Mons",
    "UTC\x00",
]


@pytest.mark.parametrize("name", NOT_ZONES)
def test_signup_refuses_names_that_are_not_tz_database_zones(client, name):
    response = client.post(
        "/api/auth/signup", json={"email": "a@example.com", "password": PASSWORD, "display_name": "A", "timezone": name}
    )
    assert response.status_code == 422, response.json
    assert "timezone" in response.json["errors"]


@pytest.mark.parametrize("name", NOT_ZONES)
def test_settings_refuse_names_that_are_not_tz_database_zones(app, signup, name):
    person = signup()
    response = person.client.patch("/api/me", json={"timezone": name})
    assert response.status_code == 422 and "timezone" in response.json["errors"]
    with app.app_context():
        assert db.session.get(User, person.id).timezone == "Europe/Berlin"


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata"])
def test_tz_database_zones_are_accepted(signup, name):
    person = signup()
    assert person.client.patch("/api/me", json={"timezone": name}).status_code == 200


def test_the_accepted_names_are_the_tz_database_without_host_specific_ones():
    names = known_timezones()
    assert "Europe/Berlin" in names and len(names) > 300
    assert not {"localtime", "posixrules", "Factory"} & names


def _store_zone(app, user_id, name):
    """As a row written before the rule, or by a host with a newer tz database."""
    with app.app_context():
        db.session.execute(update(User).where(User.id == user_id).values(timezone=name))
        db.session.commit()


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "localtime-gone", "../../etc/passwd", ""])
def test_one_unusable_stored_zone_does_not_stop_the_others_nudges(app, pair, push_service, caplog, bad):
    """Bob's zone cannot be loaded on this worker host: he is skipped and logged; Alice and another
    couple still get their nudge at 20:00 Berlin, and partner pushes to Bob still go out."""
    alice, bob = pair()
    carol, dan = pair()
    devices = {
        "alice": subscribe(alice, push_service),
        "bob": subscribe(bob, push_service),
        "carol": subscribe(carol, push_service),
    }
    _store_zone(app, bob.id, bad)
    # A partner event for Bob: its daily budget needs his local date. Queued a minute before the tick.
    at = datetime(2026, 5, 1, 18, 0, tzinfo=UTC)  # 20:00 in Berlin, a Friday
    alice.put("appreciation", {"text": "Thank you for dinner."})
    with app.app_context():
        db.session.execute(
            update(PushJob).values(
                created_at=at - timedelta(minutes=1), not_before=at - timedelta(minutes=1), expires_at=None
            )
        )
        db.session.commit()
    with caplog.at_level(logging.WARNING):
        counts = tick(app, at)
    assert counts["queued"] >= 2
    assert len(devices["alice"].messages("nudge")) == 1
    assert len(devices["carol"].messages("nudge")) == 1
    assert devices["bob"].messages("nudge") == []
    assert len(devices["bob"].messages("appreciation")) == 1
    assert any(bob.id in record.getMessage() and "time zone" in record.getMessage() for record in caplog.records)


def test_requests_of_a_user_with_an_unusable_stored_zone_still_answer(app, pair):
    alice, _bob = pair()
    _store_zone(app, alice.id, "Mars/Olympus_Mons")
    assert alice.client.get("/api/stats").status_code == 200
    assert alice.client.get("/api/me").status_code == 200
    fixed = alice.client.patch("/api/me", json={"timezone": "Europe/Berlin"})
    assert fixed.status_code == 200 and fixed.json["user"]["timezone"] == "Europe/Berlin"
