"""GET /api/export: what the user may see and nothing else.
GET /api/stats: shared entries per week, in the user's own time zone (the Us numbers: test_us_stats.py)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from backend.services.rituals import DEFAULT_RITUALS
from samples import iso, now, put_ok, valid_body


def _export(person):
    """The export, less the default rituals every couple gets at pairing (tested in test_pairing)."""
    response = person.client.get("/api/export")
    assert response.status_code == 200, response.json
    exported = response.json
    exported["entries"] = [e for e in exported["entries"] if e["kind"] != "ritual"]
    return exported


def _answer(question_id):
    return {**valid_body("answer"), "question_id": question_id}


def test_export_holds_own_entries_and_the_partners_shared_ones(app, pair):
    alice, bob = pair()
    mine = {put_ok(alice, "disclosure", visibility="private"), put_ok(alice, "journal"), put_ok(alice, "appreciation")}
    theirs = put_ok(bob, "appreciation")
    put_ok(bob, "disclosure", visibility="private")
    put_ok(bob, "journal")

    exported = _export(alice)

    assert {e["id"] for e in exported["entries"]} == mine | {theirs}
    assert exported["user"]["id"] == alice.id
    assert {m["id"] for m in exported["couple"]["members"]} == {alice.id, bob.id}


def test_export_leaves_out_the_partners_withheld_answer_until_answered(app, pair):
    alice, bob = pair()
    bobs = put_ok(bob, "answer", _answer("q-1"))
    assert bobs not in {e["id"] for e in _export(alice)["entries"]}

    alices = put_ok(alice, "answer", _answer("q-1"))

    assert {e["id"] for e in _export(alice)["entries"]} == {alices, bobs}


def test_export_leaves_out_deleted_entries_and_ones_made_private(app, pair):
    alice, bob = pair()
    deleted, hidden = put_ok(bob, "appreciation"), put_ok(bob, "appreciation")
    bob.sync(("delete", {"id": deleted}))
    put_ok(bob, "appreciation", id=hidden, visibility="private")

    assert _export(alice)["entries"] == []
    assert {e["id"] for e in _export(bob)["entries"]} == {hidden}


def test_export_after_leaving_holds_only_ones_own_entries(app, pair):
    alice, bob = pair()
    mine = put_ok(alice, "appreciation")
    put_ok(bob, "appreciation")

    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    exported = _export(alice)

    assert [e["id"] for e in exported["entries"]] == [mine]
    assert exported["couple"] is None


def test_export_needs_a_login(client):
    assert client.get("/api/export").status_code == 401


# --- stats -------------------------------------------------------------------------------------------------


def _stats(person, **query):
    """The stats, with the default rituals made at pairing left out of the weekly counts."""
    response = person.client.get("/api/stats", query_string=query)
    assert response.status_code == 200, response.json
    stats = response.json
    for week in stats["per_week"]:
        week["counts"].pop("ritual", None)
    return stats


def _at(zone_name, day, hour, minute):
    return datetime.combine(day, time(hour, minute), ZoneInfo(zone_name))


def _this_monday(zone_name):
    today = now().astimezone(ZoneInfo(zone_name)).date()
    return today - timedelta(days=today.weekday())


# Mid-week: the two zones' weeks then start on the same Monday, which the counts below assume
# (on a Sunday evening in Berlin it is already Monday in Auckland).
@pytest.mark.now("2026-06-10T10:00:00Z")
def test_stats_count_shared_entries_by_kind_per_week_in_the_users_zone(app, pair):
    alice, bob = pair()  # Bob stays in Europe/Berlin
    assert alice.client.patch("/api/me", json={"timezone": "Pacific/Auckland"}).status_code == 200
    last_monday = _this_monday("Pacific/Auckland") - timedelta(weeks=1)
    # Monday 00:30 in Auckland is still Sunday in Berlin (and in UTC).
    early_monday = _at("Pacific/Auckland", last_monday, 0, 30)
    put_ok(alice, "appreciation", created_at=iso(early_monday))
    put_ok(bob, "checkin", created_at=iso(early_monday))
    put_ok(bob, "checkin", created_at=iso(_at("Pacific/Auckland", last_monday, 12, 0)))
    put_ok(alice, "appreciation", created_at=iso(early_monday), visibility="private")
    put_ok(alice, "journal", created_at=iso(early_monday))
    gone = put_ok(bob, "appreciation", created_at=iso(early_monday))
    bob.sync(("delete", {"id": gone}))

    alices = _stats(alice, weeks=4)

    assert alices["weeks"] == 4
    assert [w["week_start"] for w in alices["per_week"]] == [
        (last_monday + timedelta(weeks=n)).isoformat() for n in (-2, -1, 0, 1)
    ]
    assert [w["counts"] for w in alices["per_week"]] == [{}, {}, {"appreciation": 1, "checkin": 2}, {}]
    bobs = _stats(bob, weeks=4)["per_week"]
    assert [w["counts"] for w in bobs][1:3] == [{"appreciation": 1, "checkin": 1}, {"checkin": 1}]


def test_stats_count_the_default_rituals_in_the_pairing_week(app, pair):
    alice, _ = pair()

    response = alice.client.get("/api/stats", query_string={"weeks": 1})

    assert response.json["per_week"][0]["counts"] == {"ritual": len(DEFAULT_RITUALS)}


def test_stats_never_count_answers_so_a_withheld_one_does_not_leak(app, pair):
    alice, bob = pair()
    put_ok(bob, "answer", _answer("q-1"))
    put_ok(bob, "appreciation")

    assert _stats(alice, weeks=1)["per_week"][0]["counts"] == {"appreciation": 1}
    put_ok(alice, "answer", _answer("q-1"))
    assert _stats(alice, weeks=1)["per_week"][0]["counts"] == {"appreciation": 1}


def test_stats_default_to_twelve_weeks(app, pair):
    alice, _ = pair()

    stats = _stats(alice)

    assert stats["weeks"] == 12 and len(stats["per_week"]) == 12
    assert stats["per_week"][-1]["week_start"] == _this_monday("Europe/Berlin").isoformat()


def test_stats_without_a_couple_are_empty(app, signup):
    loner = signup()

    stats = _stats(loner, weeks=2)

    assert [w["counts"] for w in stats["per_week"]] == [{}, {}]


@pytest.mark.parametrize("weeks", ["0", "105", "-1", "abc", "2.5"])
def test_stats_weeks_out_of_range_are_refused(app, pair, weeks):
    alice, _ = pair()

    response = alice.client.get("/api/stats", query_string={"weeks": weeks})

    assert response.status_code == 422
    assert "weeks" in response.json["errors"]
