"""The default rituals made at pairing, and the Us numbers on GET /api/stats: every figure from a
scripted history, shared entries only."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from backend.extensions import db
from backend.models import Couple, Entry, User
from backend.schemas.bodies import Ritual
from backend.services import rituals, schedule
from samples import couple_seq, iso, now, only_result, put_ok, stored, valid_body

BERLIN = ZoneInfo("Europe/Berlin")
DEFAULT_TYPES = {
    "nightly_gratitude",
    "weekly_checkin",
    "monthly_state",
    "connection_check",
    "vulnerability",
    "story",
    "reassessment",
    "stress_talk",
    "aftermath",
}


def _rituals(changes):
    return {e["body"]["type"]: e for e in changes if e["kind"] == "ritual" and not e["deleted"]}


def _default(person, ritual_type):
    response = person.client.get("/api/export")
    return next(e for e in response.json["entries"] if e["kind"] == "ritual" and e["body"]["type"] == ritual_type)


def _stats(person, **query):
    response = person.client.get("/api/stats", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def _today():
    return now().astimezone(BERLIN).date()


def _backdate(app, entry_id, days):
    with app.app_context():
        db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=now() - timedelta(days=days)))
        db.session.commit()


def _paired_weeks_ago(app, person, weeks):
    with app.app_context():
        couple_id = db.session.get(User, person.id).couple_id
        db.session.execute(
            update(Couple).where(Couple.id == couple_id).values(paired_at=now() - timedelta(weeks=weeks))
        )
        db.session.commit()


def _session(person, ritual_id, days_ago=0, ended=True, **fields):
    start = now() - timedelta(days=days_ago, minutes=30)
    body = {"started_at": iso(start), "ended_at": iso(start + timedelta(minutes=20)) if ended else None}
    return put_ok(person, "ritual_session", body, ref_id=ritual_id, **fields)


def _bid(bidder_person):
    return put_ok(bidder_person, "bid")


def _respond(person, bid_id, response, **fields):
    return put_ok(person, "bid_response", {"response": response}, ref_id=bid_id, **fields)


# --- default rituals ---------------------------------------------------------------------------------------


def test_every_default_ritual_body_is_valid():
    bodies = rituals.default_bodies(date(2026, 5, 6))

    assert {b["type"] for b in bodies} == DEFAULT_TYPES
    for body in bodies:
        assert Ritual().validate(body) == {}, body["type"]


def test_default_rituals_have_the_agreed_schedules_and_durations():
    by_type = {b["type"]: b for b in rituals.default_bodies(date(2026, 5, 6))}

    assert (by_type["nightly_gratitude"]["schedule"], by_type["nightly_gratitude"]["duration_min"]) == (
        {"freq": "daily", "time": "21:30", "interval": 1},
        5,
    )
    assert by_type["weekly_checkin"]["schedule"] == {"freq": "weekly", "weekday": 6, "time": "10:00", "interval": 1}
    assert by_type["weekly_checkin"]["duration_min"] == 20
    assert by_type["monthly_state"]["schedule"]["nth"] == 1 and by_type["monthly_state"]["schedule"]["weekday"] == 6
    assert by_type["monthly_state"]["duration_min"] == 45
    assert by_type["connection_check"]["schedule"]["interval"] == 2
    assert by_type["connection_check"]["schedule"]["start_date"] == "2026-05-06"
    assert by_type["connection_check"]["duration_min"] == 30
    assert len(by_type["connection_check"]["prompts"]) >= 4
    assert [by_type[t]["schedule"]["freq"] for t in ("vulnerability", "story", "reassessment")] == ["anytime"] * 3
    assert by_type["vulnerability"]["duration_min"] == 10 and by_type["story"]["duration_min"] == 2


def test_anytime_is_never_due_and_start_date_anchors_every_other_week():
    assert not any(schedule.occurs_on({"freq": "anytime"}, date(2026, 5, d)) for d in range(1, 32))
    fortnightly = {"freq": "weekly", "weekday": 2, "interval": 2, "time": "19:30", "start_date": "2026-05-11"}
    assert [d for d in range(1, 32) if schedule.occurs_on(fortnightly, date(2026, 5, d), date(2026, 5, 4))] == [13, 27]


@pytest.mark.parametrize(
    "sched, error_field",
    [
        ({"freq": "anytime"}, None),
        ({"freq": "daily"}, "time"),
        ({"freq": "weekly", "time": "10:00"}, "weekday"),
        ({"freq": "weekly", "weekday": 2, "interval": 2, "time": "19:30", "start_date": "2026-5-6"}, "start_date"),
        ({"freq": "hourly", "time": "10:00"}, "freq"),
    ],
)
def test_ritual_schedule_rules(app, pair, sched, error_field):
    alice, _ = pair()
    body = {**valid_body("ritual"), "type": "story", "schedule": sched}

    result = only_result(
        alice.sync(
            (
                "put",
                {
                    "id": "6f0e1c9e-8a47-4b53-9d35-3b0c2f6a9e10",
                    "kind": "ritual",
                    "visibility": "shared",
                    "ref_id": None,
                    "body": body,
                },
            )
        )
    )

    if error_field is None:
        assert result["status"] == "applied"
    else:
        assert result["status"] == "rejected" and error_field in result["error"]["errors"]["body"]["schedule"]


def test_both_partners_pull_the_default_rituals_once_each(app, pair):
    alice, bob = pair()

    version = couple_seq(app, alice)
    for person in (alice, bob):
        changes = person.pull_all()
        made = [e for e in changes if e["kind"] == "ritual"]
        assert sorted(e["body"]["type"] for e in made) == sorted(DEFAULT_TYPES)
        assert all(0 < e["seq"] <= version and e["rev"] == 1 and e["author_id"] == bob.id for e in made)
        assert len({e["seq"] for e in made}) == len(made)
        assert _rituals(changes)["connection_check"]["body"]["schedule"]["start_date"] == _today().isoformat()
    assert version == len(DEFAULT_TYPES)


def test_a_new_couple_after_leaving_gets_fresh_defaults(app, pair):
    alice, bob = pair()
    old = {e["id"] for e in alice.pull_all() if e["kind"] == "ritual"}
    assert alice.client.post("/api/couple/leave", json={}).status_code == 204
    code = bob.client.post("/api/couple", json={}).json["invite"]["code"]
    assert alice.client.post("/api/couple/join", json={"code": code}).status_code == 200

    alice.cursor = 0
    fresh = _rituals(alice.pull_all())

    assert set(fresh) == DEFAULT_TYPES
    assert not old & {e["id"] for e in fresh.values()}
    assert all(e["author_id"] == alice.id for e in fresh.values())


def test_both_partners_edit_a_default_ritual_and_a_stale_base_rev_conflicts(app, pair):
    alice, bob = pair()
    checkin = _rituals(alice.pull_all())["weekly_checkin"]
    edited = {**checkin["body"], "duration_min": 25}
    sent = {"id": checkin["id"], "kind": "ritual", "visibility": "shared", "ref_id": None}

    first = only_result(alice.sync(("put", {**sent, "body": edited, "base_rev": 1})))
    second = only_result(bob.sync(("put", {**sent, "body": {**checkin["body"], "enabled": False}, "base_rev": 2})))
    stale = only_result(alice.sync(("put", {**sent, "body": {**edited, "title": "Sunday"}, "base_rev": 2})))

    assert first["status"] == "applied" and first["entry"]["rev"] == 2
    assert second["status"] == "applied" and second["entry"]["body"]["enabled"] is False
    assert stale["status"] == "conflict" and stale["entry"]["rev"] == 3
    row = stored(app, checkin["id"])
    assert (row.rev, row.body["enabled"], row.body["duration_min"], row.body["title"]) == (
        3,
        False,
        20,
        "Weekly check-in",
    )


# --- the Us numbers ----------------------------------------------------------------------------------------


def test_stats_answer_every_field_and_zeros_for_a_new_couple(app, pair):
    alice, _ = pair()

    stats = _stats(alice)

    assert stats["meaningful_chats"] == {"total": 0, "per_month": 0.0, "target": [4, 6]}
    assert stats["mutual_disclosures"] == {"this_quarter": 0}
    assert stats["follow_ups"] == {"made": 0, "done": 0, "overdue": 0}
    assert stats["bids"] == {"total": 0, "toward": 0, "away": 0, "against": 0, "unanswered": 0, "toward_rate": None}
    assert stats["positive_ratio"] == {"positive": 0, "corrective": 0, "ratio": None}
    assert stats["checkins"] == {"count": 0, "mood_avg": None, "us_avg": None}
    assert stats["reassessment_due"] is False and stats["suggest_help"] is False
    assert stats["weeks"] == 12 and len(stats["per_week"]) == 12


def test_stats_without_a_couple_are_zero(app, signup):
    stats = _stats(signup(), weeks=3)

    assert stats["meaningful_chats"]["total"] == 0 and stats["reassessment_due"] is False
    assert len(stats["per_week"]) == 3


def test_private_entries_never_count(app, pair):
    alice, bob = pair()
    weekly = _rituals(alice.pull_all())["weekly_checkin"]["id"]
    bid = _bid(alice)
    _respond(bob, bid, "against", visibility="private")
    for kind in ("appreciation", "checkin", "commitment"):
        put_ok(bob, kind, visibility="private")
    put_ok(bob, "disclosure", {**valid_body("disclosure"), "category": "tension"}, visibility="private")
    put_ok(alice, "disclosure")
    put_ok(bob, "bid", visibility="private")
    _session(bob, weekly, visibility="private")
    put_ok(bob, "reaction", {"value": "heart"}, ref_id=bid, visibility="private")

    for person in (alice, bob):
        stats = _stats(person)
        assert stats["meaningful_chats"]["total"] == 0
        assert stats["mutual_disclosures"]["this_quarter"] == 0
        assert stats["follow_ups"]["made"] == 0
        assert stats["bids"] == {"total": 1, "toward": 0, "away": 0, "against": 0, "unanswered": 1, "toward_rate": None}
        assert stats["positive_ratio"] == {"positive": 0, "corrective": 0, "ratio": None}
        assert stats["checkins"]["count"] == 0


def test_a_later_bid_response_replaces_the_earlier_one(app, pair):
    alice, bob = pair()
    first, second, third = _bid(alice), _bid(alice), _bid(bob)
    _respond(bob, first, "away")
    _respond(bob, first, "toward")
    _respond(bob, second, "toward")
    _respond(bob, second, "against")

    bids = _stats(alice)["bids"]

    assert bids == {"total": 3, "toward": 1, "away": 0, "against": 1, "unanswered": 1, "toward_rate": 0.5}
    assert third


def test_meaningful_chats_count_ended_sessions_of_the_talking_rituals_in_the_window(app, pair):
    alice, bob = pair()
    defaults = _rituals(alice.pull_all())
    _paired_weeks_ago(app, alice, 30)
    for ritual_type in ("weekly_checkin", "monthly_state", "connection_check", "vulnerability", "story"):
        _session(alice, defaults[ritual_type]["id"], days_ago=3)
    _session(bob, defaults["weekly_checkin"]["id"], days_ago=3)  # the same talk, logged on both phones
    _session(bob, defaults["weekly_checkin"]["id"], days_ago=10)
    _session(alice, defaults["nightly_gratitude"]["id"], days_ago=1)  # not a talk
    _session(alice, defaults["reassessment"]["id"], days_ago=1)  # not a talk
    _session(alice, defaults["monthly_state"]["id"], days_ago=1, ended=False)  # still running
    _session(alice, defaults["weekly_checkin"]["id"], days_ago=85)  # before the 12 weeks

    chats = _stats(alice)["meaningful_chats"]
    one_week = _stats(alice, weeks=1)["meaningful_chats"]

    assert chats["total"] == 6
    assert chats["per_month"] == round(6 / (84 / (365.25 / 12)), 2)  # 2.17: 84 days are 2.76 months
    assert one_week["total"] == 5 and one_week["per_month"] == 5.0  # a window under a month counts as one


def test_per_month_counts_only_the_time_since_pairing(app, pair):
    alice, _ = pair()
    weekly = _rituals(alice.pull_all())["weekly_checkin"]["id"]
    _paired_weeks_ago(app, alice, 6)
    for days_ago in (1, 8, 15, 22):
        _session(alice, weekly, days_ago=days_ago)

    chats = _stats(alice)["meaningful_chats"]

    # paired 42 days ago: 43 local days, today included
    assert chats["total"] == 4 and chats["per_month"] == round(4 / (43 / (365.25 / 12)), 2)


def test_follow_ups_count_commitments_made_in_the_window_with_overdue_ones(app, pair):
    alice, bob = pair()
    today = _today()

    def commitment(person, made_days_ago, due_in, done=False):
        body = {
            "text": "Call the plumber",
            "due_date": (today - timedelta(days=made_days_ago - due_in)).isoformat(),
            "done_at": iso(now()) if done else None,
        }
        return put_ok(person, "commitment", body, created_at=iso(now() - timedelta(days=made_days_ago)))

    commitment(alice, 5, 2)  # due three days ago, not done: overdue
    commitment(bob, 6, 3, done=True)  # past due but done
    commitment(bob, 1, 5)  # due in four days
    commitment(alice, 20, 3)  # made 20 days ago: outside a two-week window

    assert _stats(alice, weeks=2)["follow_ups"] == {"made": 3, "done": 1, "overdue": 1}
    assert _stats(bob, weeks=4)["follow_ups"] == {"made": 4, "done": 1, "overdue": 2}


def test_mutual_disclosures_are_days_this_quarter_on_which_both_shared(app, pair):
    alice, bob = pair()
    today = _today()
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)

    def disclose(person, day, **fields):
        put_ok(person, "disclosure", {**valid_body("disclosure"), "local_date": day.isoformat()}, **fields)

    disclose(alice, today), disclose(bob, today), disclose(bob, today)  # one mutual day
    disclose(alice, quarter_start), disclose(bob, quarter_start)  # the quarter's first day: counts
    disclose(alice, quarter_start - timedelta(days=1)), disclose(bob, quarter_start - timedelta(days=1))  # last quarter
    disclose(alice, today + timedelta(days=1)), disclose(bob, today + timedelta(days=1))  # not yet (a wrong clock)
    only_one_day = today - timedelta(days=1) if today > quarter_start else today
    disclose(alice, only_one_day)
    disclose(bob, only_one_day, visibility="private")

    expected = 1 if today == quarter_start else 2
    assert _stats(alice)["mutual_disclosures"] == {"this_quarter": expected}


def test_positive_ratio_weighs_appreciations_toward_and_reactions_against_corrections(app, pair):
    alice, bob = pair()
    appreciation = put_ok(alice, "appreciation")
    for _ in range(2):
        put_ok(bob, "appreciation")
    put_ok(bob, "reaction", {"value": "heart"}, ref_id=appreciation)
    put_ok(bob, "reaction", {"value": "thanks"}, ref_id=appreciation)
    put_ok(bob, "reaction", {"value": "not_now"}, ref_id=appreciation)  # neither (a verdict answers a reflection)
    toward, away = _bid(alice), _bid(alice)
    _respond(bob, toward, "toward")
    _respond(bob, away, "away")
    put_ok(alice, "disclosure", {**valid_body("disclosure"), "category": "tension"})
    put_ok(alice, "disclosure", {**valid_body("disclosure"), "category": "worry"})  # neither
    old = put_ok(bob, "appreciation")
    _backdate(app, old, 30)  # before a two-week window

    assert _stats(alice, weeks=2)["positive_ratio"] == {"positive": 6, "corrective": 2, "ratio": 3.0}
    assert _stats(alice, weeks=12)["positive_ratio"] == {"positive": 7, "corrective": 2, "ratio": 3.5}


def test_checkins_average_mood_and_us(app, pair):
    alice, bob = pair()
    put_ok(alice, "checkin", {"mood": 4, "us": 5})
    put_ok(bob, "checkin", {"mood": 3, "us": 2})
    put_ok(bob, "checkin", {"mood": 2, "us": 2})

    assert _stats(bob)["checkins"] == {"count": 3, "mood_avg": 3.0, "us_avg": 3.0}


def test_reassessment_is_due_twelve_weeks_after_pairing_then_after_the_last_review(app, pair):
    alice, bob = pair()
    review = _rituals(alice.pull_all())["reassessment"]["id"]
    _paired_weeks_ago(app, alice, 11)
    assert _stats(alice)["reassessment_due"] is False

    _paired_weeks_ago(app, alice, 12)
    assert _stats(alice)["reassessment_due"] is True and _stats(bob)["reassessment_due"] is True

    _session(bob, review, ended=False)
    assert _stats(alice)["reassessment_due"] is True
    _session(bob, review)
    assert _stats(alice)["reassessment_due"] is False


def _withdrawn_bids(alice, bob):
    """Five of Alice's bids in the last weeks; Bob turned toward one of them."""
    for response in ("away", "against", "away", "against", "toward"):
        _respond(bob, _bid(alice), response)


def test_suggest_help_for_weeks_of_turning_away_without_a_talk(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 8)
    _withdrawn_bids(alice, bob)

    assert _stats(alice)["suggest_help"] is True
    assert _stats(bob, weeks=1)["suggest_help"] is True  # the same, whatever window the page shows


def test_suggest_help_for_weeks_of_low_us_checkins(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 8)
    for person, us in ((alice, 2), (bob, 1), (alice, 2), (bob, 3)):
        put_ok(person, "checkin", {"mood": 2, "us": us})

    assert _stats(alice)["suggest_help"] is True


def test_no_help_suggested_when_they_still_talk(app, pair):
    alice, bob = pair()
    weekly = _rituals(alice.pull_all())["weekly_checkin"]["id"]
    _paired_weeks_ago(app, alice, 8)
    _withdrawn_bids(alice, bob)
    _session(alice, weekly, days_ago=5)

    assert _stats(alice)["suggest_help"] is False


def test_no_help_suggested_for_a_new_couple_or_few_answers(app, pair):
    alice, bob = pair()
    _withdrawn_bids(alice, bob)
    assert _stats(alice)["suggest_help"] is False  # paired today

    carol, dan = pair()
    _paired_weeks_ago(app, carol, 8)
    for response in ("away", "against", "away", "against"):  # only four answered
        _respond(dan, _bid(carol), response)
    assert _stats(carol)["suggest_help"] is False


def test_withdrawal_that_ended_weeks_ago_suggests_nothing(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 12)
    for response in ("away", "against", "away", "against", "away"):
        bid = _bid(alice)
        _respond(bob, bid, response)
        _backdate(app, bid, 40)

    assert _stats(alice)["bids"]["total"] == 5
    assert _stats(alice)["suggest_help"] is False


# --- one partner gone quiet (suggest_help's second rule) ---------------------------------------------------


def _shares_on_days(app, person, days):
    """One appreciation a day, `days` (days ago) each: what the partner sees of this person."""
    for days_ago in days:
        _backdate(app, put_ok(person, "appreciation"), days_ago)


def test_suggest_help_when_one_partner_shared_nothing_for_two_weeks(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 4)
    _shares_on_days(app, bob, (1, 4, 8, 12))

    assert _stats(alice)["suggest_help"] is True
    assert _stats(bob)["suggest_help"] is True  # both see it; it never says who


def test_no_silence_suggestion_when_both_still_share(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 4)
    _shares_on_days(app, bob, (1, 4, 8, 12))
    _shares_on_days(app, alice, (13,))  # one share in the fortnight is not silence

    assert _stats(alice)["suggest_help"] is False


@pytest.mark.parametrize(
    ("weeks_paired", "bob_days"),
    [
        (4, (1, 4, 8)),  # the other reached out on three days only
        (4, (1, 4, 8, 15)),  # the fourth day is outside the fortnight
        (1, (1, 2, 3, 4)),  # paired a week ago: too soon to call it silence
    ],
)
def test_no_silence_suggestion_short_of_the_rule(app, pair, weeks_paired, bob_days):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, weeks_paired)
    _shares_on_days(app, bob, bob_days)

    assert _stats(alice)["suggest_help"] is False


def test_private_entries_do_not_break_the_silence(app, pair):
    alice, bob = pair()
    _paired_weeks_ago(app, alice, 4)
    _shares_on_days(app, bob, (1, 4, 8, 12))
    put_ok(alice, "disclosure", visibility="private")

    assert _stats(bob)["suggest_help"] is True
