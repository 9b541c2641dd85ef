"""Default rituals name their template, so each reader gets their words in their own language: a
push to a Russian speaker is in Russian even when the English-speaking partner paired, and the
other way round. A ritual whose words a partner rewrote (the phone drops the template) keeps them."""

from datetime import UTC, datetime

import pytest

from backend.schemas.bodies import RITUAL_TEMPLATES
from backend.services.rituals import DEFAULT_RITUALS
from push_service import subscribe, tick

pytestmark = pytest.mark.vapid

SUNDAY_10_BERLIN = datetime(2026, 6, 14, 8, 0, tzinfo=UTC)  # the weekly check-in's default time, after pairing


def paired(signup, joiner_language):
    """Alice (English) invites, Bob (joiner_language) joins: the defaults are stored in Bob's words."""
    alice, bob = signup("Alice"), signup("Bob")
    for person, language in ((alice, "en"), (bob, joiner_language)):
        response = person.client.patch("/api/me", json={"language": language, "show_previews": True})
        assert response.status_code == 200, response.json
    code = alice.client.post("/api/couple", json={}).json["invite"]["code"]
    assert bob.client.post("/api/couple/join", json={"code": code}).status_code == 200
    return alice, bob


def weekly_checkin(person):
    [entry] = [c for c in person.pull_all() if c.get("kind") == "ritual" and c["body"].get("type") == "weekly_checkin"]
    return entry


def reminder(device, entry_id):
    [message] = [m for m in device.messages("ritual_reminder") if m["tag"] == f"ritual-{entry_id}"]
    return message["body"]


def test_every_default_ritual_names_its_template():
    assert tuple(r["type"] for r in DEFAULT_RITUALS) == RITUAL_TEMPLATES


@pytest.mark.parametrize("joiner_language", ["ru", "en"])
def test_each_partner_gets_the_default_ritual_reminder_in_their_own_language(
    app, signup, push_service, joiner_language
):
    alice, bob = paired(signup, joiner_language)
    a, b = subscribe(alice, push_service), subscribe(bob, push_service)
    speak_ru = alice if joiner_language == "en" else bob
    if joiner_language == "en":  # both paired in English; Alice reads Russian from now on
        assert alice.client.patch("/api/me", json={"language": "ru"}).status_code == 200
    entry = weekly_checkin(alice)
    assert entry["body"]["template"] == "weekly_checkin"
    stored = "Разговор недели" if joiner_language == "ru" else "Weekly check-in"
    assert entry["body"]["title"] == stored

    tick(app, SUNDAY_10_BERLIN)

    english, russian = (b, a) if speak_ru is alice else (a, b)
    assert reminder(russian, entry["id"]) == "Пора: «Разговор недели»."
    assert reminder(english, entry["id"]) == "It's time for Weekly check-in."


def test_a_rewritten_ritual_keeps_its_words_for_both_partners(app, signup, push_service):
    alice, bob = paired(signup, "ru")
    a, b = subscribe(alice, push_service), subscribe(bob, push_service)
    entry = weekly_checkin(bob)
    body = {key: value for key, value in entry["body"].items() if key != "template"}  # as the phone edits
    edited = {**body, "title": "Воскресенье вдвоём", "prompts": ["Как ты?"]}
    response = bob.sync(("put", {"id": entry["id"], "kind": "ritual", "body": edited, "base_rev": entry["rev"]}))
    [result] = response.json["results"]
    assert result["status"] == "applied", result
    assert "template" not in result["entry"]["body"] and result["entry"]["body"]["title"] == "Воскресенье вдвоём"

    tick(app, SUNDAY_10_BERLIN)

    assert reminder(a, entry["id"]) == "It's time for Воскресенье вдвоём."
    assert reminder(b, entry["id"]) == "Пора: «Воскресенье вдвоём»."


def test_a_template_must_be_one_hearth_knows(app, pair):
    alice, _ = pair(rituals=False)
    body = {
        "type": "custom",
        "title": "Ours",
        "schedule": {"freq": "anytime"},
        "duration_min": 5,
        "template": "not_a_ritual",
    }
    response, _ = alice.put("ritual", body, visibility="shared")
    [result] = response.json["results"]
    assert result["status"] == "rejected"
    assert result["error"]["codes"]["body"]["template"] == ["not_a_choice"]
