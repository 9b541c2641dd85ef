"""Every entry kind: a valid body is applied; a bad one is rejected naming the field, and nothing is written."""

from datetime import timedelta

import pytest

from backend.limits import SESSION_STEPS_MAX
from samples import KINDS, REF_TARGET, entry, iso, new_id, now, only_result, put_ok, stored, valid_body


def _with(kind, **changes):
    body = valid_body(kind)
    for key, value in changes.items():
        if value is _DROP:
            body.pop(key)
        else:
            body[key] = value
    return body


_DROP = object()


def _schedule(**schedule):
    return _with("ritual", schedule=schedule)


def _ref_for(kind, alice, bob):
    """A partner's entry this kind may answer (bob wrote it, alice answers)."""
    if kind not in REF_TARGET:
        return None
    target = REF_TARGET[kind]
    if target == "answer":
        put_ok(alice, "answer")  # answer, then reveal: bob's answer is hers to see once she answered too
    return put_ok(bob, target, ref_id=_ref_for(target, alice, bob))


def _assert_rejected(app, response, entry_id, path, code=422):
    result = only_result(response)
    assert result["status"] == "rejected"
    assert result["entry"] is None
    error = result["error"]
    assert error["code"] == code
    assert set(error) == {"code", "status", "reason", "message", "errors", "codes"}
    errors = error["errors"]
    for key in path:
        assert key in errors, (path, error)
        errors = errors[key]
    assert errors
    assert stored(app, entry_id) is None
    assert response.json["last_mid"] == result["mid"]


@pytest.mark.parametrize("kind", KINDS)
def test_valid_entry_of_every_kind_is_applied(app, pair, kind):
    alice, bob = pair()
    ref_id = _ref_for(kind, alice, bob)
    sent = entry(kind, ref_id=ref_id)

    result = only_result(alice.sync(("put", sent)))

    assert result["status"] == "applied" and result["error"] is None
    got = result["entry"]
    assert got["id"] == sent["id"] and got["kind"] == kind and got["author_id"] == alice.id
    assert got["ref_id"] == ref_id and got["rev"] == 1 and got["deleted"] is False
    row = stored(app, sent["id"])
    assert row.author_id == alice.id and row.kind == kind and row.seq == got["seq"]
    assert row.body == got["body"]
    assert {key: got["body"][key] for key in sent["body"]} == sent["body"]


BAD_BODIES = [
    ("disclosure", _with("disclosure", text=""), "text"),
    ("disclosure", _with("disclosure", text="   "), "text"),
    ("disclosure", _with("disclosure", text="x" * 501), "text"),
    ("disclosure", _with("disclosure", text=_DROP), "text"),
    ("disclosure", _with("disclosure", category="anger"), "category"),
    ("disclosure", _with("disclosure", local_date="2026-13-01"), "local_date"),
    ("disclosure", _with("disclosure", local_date="20260501"), "local_date"),
    ("disclosure", _with("disclosure", local_date="2026-W18-1"), "local_date"),
    ("disclosure", _with("disclosure", local_date=_DROP), "local_date"),
    ("disclosure", _with("disclosure", feelings=["ok"] * 13), "feelings"),
    ("disclosure", _with("disclosure", feelings=[""]), "feelings"),
    ("disclosure", _with("disclosure", feelings="sad"), "feelings"),
    ("disclosure", _with("disclosure", i_feel={"feel": "sad", "when": "you left"}), "i_feel"),
    ("disclosure", _with("disclosure", i_feel={"feel": "x" * 201, "when": "a", "need": "b"}), "i_feel"),
    ("disclosure", _with("disclosure", i_feel={"feel": "a", "when": "b", "need": "c", "why": "d"}), "i_feel"),
    ("reflection", _with("reflection", text="x" * 501), "text"),
    ("reaction", _with("reaction", value="love"), "value"),
    ("appreciation", _with("appreciation", text="x" * 281), "text"),
    ("appreciation", _with("appreciation", text=42), "text"),
    ("bid", _with("bid", type="wink"), "type"),
    ("bid", _with("bid", bidder="them"), "bidder"),
    ("bid", _with("bid", note="x" * 281), "note"),
    ("bid_response", _with("bid_response", response="sideways"), "response"),
    ("checkin", _with("checkin", mood=0), "mood"),
    ("checkin", _with("checkin", mood=6), "mood"),
    ("checkin", _with("checkin", mood="3"), "mood"),
    ("checkin", _with("checkin", mood=2.5), "mood"),
    ("checkin", _with("checkin", mood=True), "mood"),
    ("checkin", _with("checkin", us=_DROP), "us"),
    ("checkin", _with("checkin", note="x" * 281), "note"),
    ("ritual", _with("ritual", type="yoga"), "type"),
    ("ritual", _with("ritual", title=""), "title"),
    ("ritual", _with("ritual", title="x" * 81), "title"),
    ("ritual", _with("ritual", duration_min=0), "duration_min"),
    ("ritual", _with("ritual", duration_min=241), "duration_min"),
    ("ritual", _with("ritual", prompts=["Why?"] * 21), "prompts"),
    ("ritual", _with("ritual", schedule=_DROP), "schedule"),
    ("ritual", _schedule(freq="yearly", time="19:00"), "schedule"),
    ("ritual", _schedule(freq="daily", time="25:00"), "schedule"),
    ("ritual", _schedule(freq="daily"), "schedule"),
    ("ritual", _schedule(freq="weekly", time="19:00"), "schedule"),
    ("ritual", _schedule(freq="weekly", weekday=7, time="19:00"), "schedule"),
    ("ritual", _schedule(freq="monthly", time="19:00"), "schedule"),
    ("ritual", _schedule(freq="monthly", nth=1, time="19:00"), "schedule"),
    ("ritual", _schedule(freq="monthly", monthday=1, nth=1, weekday=0, time="19:00"), "schedule"),
    ("ritual", _schedule(freq="monthly", monthday=32, time="19:00"), "schedule"),
    ("ritual", _schedule(freq="monthly", nth=5, weekday=0, time="19:00"), "schedule"),
    ("ritual_session", _with("ritual_session", started_at="yesterday"), "started_at"),
    ("ritual_session", _with("ritual_session", started_at="2026-05-01T10:00:00"), "started_at"),
    ("ritual_session", _with("ritual_session", answers=[{"text": "no prompt"}]), "answers"),
    ("session_step", _with("session_step", step=-1), "step"),
    ("session_step", _with("session_step", step=SESSION_STEPS_MAX + 1), "step"),
    ("session_step", _with("session_step", step="2"), "step"),
    ("session_step", _with("session_step", at=_DROP), "at"),
    ("session_step", _with("session_step", passed=[SESSION_STEPS_MAX]), "passed"),
    ("session_step", _with("session_step", passed=[0] * (SESSION_STEPS_MAX + 1)), "passed"),
    (
        "ritual_session",
        _with("ritual_session", answers=[{"prompt": "Follow-up", "prompt_id": "Follow-up message", "text": "x"}]),
        "answers",
    ),
    ("ritual_session", _with("ritual_session", answers=[{"prompt": "x", "prompt_id": None, "text": "x"}]), "answers"),
    (
        "ritual_session",
        _with("ritual_session", started_at=iso(now()), ended_at=iso(now() - timedelta(hours=1))),
        "ended_at",
    ),
    ("commitment", _with("commitment", due_date=(now().date() + timedelta(days=8)).isoformat()), "due_date"),
    ("commitment", _with("commitment", due_date=(now().date() - timedelta(days=5)).isoformat()), "due_date"),
    ("commitment", _with("commitment", due_date="next friday"), "due_date"),
    ("commitment", _with("commitment", done_at="2026-05-01T10:00:00"), "done_at"),
    ("agreement", _with("agreement", category="rule"), "category"),
    ("agreement", _with("agreement", text="x" * 281), "text"),
    ("timeout", _with("timeout", return_at=iso(now() + timedelta(minutes=10))), "return_at"),
    ("timeout", _with("timeout", return_at=iso(now() + timedelta(hours=25))), "return_at"),
    ("timeout", _with("timeout", return_at=iso(now() - timedelta(hours=1))), "return_at"),
    ("timeout", _with("timeout", return_at="2026-05-01T10:00:00"), "return_at"),
    ("answer", _with("answer", question_id="has space"), "question_id"),
    ("answer", _with("answer", question_id="q" * 65), "question_id"),
    ("answer", _with("answer", text=_DROP), "text"),
    ("journal", _with("journal", text="x" * 5001), "text"),
]


@pytest.mark.parametrize("kind,body,field", BAD_BODIES, ids=[f"{k}-{f}-{i}" for i, (k, _, f) in enumerate(BAD_BODIES)])
def test_bad_body_is_rejected_naming_the_field(app, pair, kind, body, field):
    alice, bob = pair()
    sent = entry(kind, body, ref_id=_ref_for(kind, alice, bob))

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["body", field])


@pytest.mark.parametrize("kind", KINDS)
def test_unknown_body_field_is_rejected(app, pair, kind):
    alice, bob = pair()
    sent = entry(kind, _with(kind, mood_colour="blue"), ref_id=_ref_for(kind, alice, bob))

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["body", "mood_colour"])


@pytest.mark.parametrize(
    "change,field",
    [
        ({"kind": "poem"}, "kind"),
        ({"id": "not-a-uuid"}, "id"),
        ({"visibility": "friends"}, "visibility"),
        ({"body": "text"}, "body"),
        ({"ref_id": "nope"}, "ref_id"),
        ({"base_rev": -1}, "base_rev"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"author_id": "someone-else"}, "author_id"),
    ],
)
def test_bad_entry_envelope_is_rejected_naming_the_field(app, pair, change, field):
    alice, _ = pair()
    sent = {**entry("appreciation"), **change}

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], [field])


def test_commitment_due_is_counted_from_the_phones_creation_time(app, pair):
    alice, _ = pair()
    made = now() - timedelta(days=3)
    due_in_time = entry(
        "commitment", _with("commitment", due_date=(made.date() + timedelta(days=7)).isoformat()), created_at=iso(made)
    )
    too_late = entry(
        "commitment", _with("commitment", due_date=(made.date() + timedelta(days=8)).isoformat()), created_at=iso(made)
    )

    response = alice.sync(("put", due_in_time), ("put", too_late))

    assert [r["status"] for r in response.json["results"]] == ["applied", "rejected"]
    assert response.json["results"][1]["error"]["codes"] == {"body": {"due_date": ["due_too_late"]}}
    assert response.json["results"][1]["error"]["errors"] == {
        "body": {"due_date": ["Pick a day within the next 7 days."]}
    }
    assert stored(app, due_in_time["id"]).created_at.date() == made.date()
    assert stored(app, too_late["id"]) is None


def test_creation_time_from_the_future_is_clamped(app, pair):
    alice, _ = pair()
    far = now() + timedelta(days=200)
    sent = entry(
        "commitment", _with("commitment", due_date=(far.date() + timedelta(days=2)).isoformat()), created_at=iso(far)
    )

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["body", "due_date"])


def test_timeout_return_is_counted_from_the_phones_creation_time(app, pair):
    alice, _ = pair()
    made = now() - timedelta(hours=2)
    sent = entry("timeout", _with("timeout", return_at=iso(made + timedelta(minutes=30))), created_at=iso(made))

    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    assert abs(stored(app, sent["id"]).created_at - made) < timedelta(seconds=1)


# --- ref rules --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["reflection", "reaction", "bid_response", "ritual_session"])
def test_kind_that_answers_an_entry_needs_a_ref(app, pair, kind):
    alice, _ = pair()
    sent = entry(kind, ref_id=None)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


@pytest.mark.parametrize(
    "kind,target_kind",
    [
        ("reflection", "appreciation"),
        ("bid_response", "disclosure"),
        ("ritual_session", "agreement"),
    ],
)
def test_ref_must_point_at_the_right_kind(app, pair, kind, target_kind):
    alice, bob = pair()
    target = put_ok(bob, target_kind)
    sent = entry(kind, ref_id=target)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_reflection_must_answer_the_partners_disclosure_not_ones_own(app, pair):
    alice, _ = pair()
    own = put_ok(alice, "disclosure")
    sent = entry("reflection", ref_id=own)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_ref_to_a_missing_entry_is_rejected(app, pair):
    alice, _ = pair()
    sent = entry("reaction", ref_id=new_id())

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_ref_to_another_couples_entry_is_rejected(app, pair):
    alice, bob = pair()
    carol, dave = pair()
    theirs = put_ok(dave, "disclosure")
    sent = entry("reflection", ref_id=theirs)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_ref_to_a_private_partner_entry_is_rejected(app, pair):
    alice, bob = pair()
    hidden = put_ok(bob, "disclosure", visibility="private")
    sent = entry("reflection", ref_id=hidden)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_ref_to_a_partner_journal_is_rejected(app, pair):
    alice, bob = pair()
    journal = put_ok(bob, "journal")
    sent = entry("reaction", ref_id=journal)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_ref_to_a_deleted_entry_is_rejected(app, pair):
    alice, bob = pair()
    gone = put_ok(bob, "appreciation")
    assert only_result(bob.sync(("delete", {"id": gone})))["status"] == "applied"
    sent = entry("reaction", ref_id=gone)

    _assert_rejected(app, alice.sync(("put", sent)), sent["id"], ["ref_id"])


def test_reaction_may_answer_any_visible_entry(app, pair):
    alice, bob = pair()
    checkin = put_ok(bob, "checkin")
    sent = entry("reaction", ref_id=checkin)

    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    assert stored(app, sent["id"]).ref_id == checkin


def test_a_session_answer_names_hearths_own_prompt_by_its_stable_id(app, pair):
    """The follow-up and story answers carry prompt_id; the prompt text beside it is any language's."""
    alice, bob = pair()
    ritual = put_ok(bob, "ritual")
    answers = [
        {"prompt": "Сообщение после разговора", "prompt_id": "follow_up", "text": "Спасибо за вечер"},
        {"prompt": "Our 90-second story", "prompt_id": "story", "text": "I felt calm when we walked"},
        {"prompt": "What went well?", "text": "The walk"},
    ]
    sent = put_ok(alice, "ritual_session", {**valid_body("ritual_session"), "answers": answers}, ref_id=ritual)
    assert stored(app, sent).body["answers"] == answers
