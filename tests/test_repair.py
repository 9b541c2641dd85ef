"""Repair phrases and responding to good news (issue 14, item 8).

A `repair` is one tap during tension: only a phrase's id, never free text; the partner hears of it at once
(a push opening the tension screen) and answers with one tap (a "thanks" or "pause" reaction). A `reply` may
answer the partner's good news (a disclosure in a good-news category) as well as an answer: the same few
turns as the talk after the reveal, and never on any other disclosure."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from backend import limits as L
from backend.i18n import LANGUAGES, lookup
from backend.schemas.bodies import GOOD_NEWS_CATEGORIES, REPAIR_PHRASE_IDS, REPAIR_PHRASES
from push_service import subscribe, tick
from samples import entry, only_result, push_jobs, put_ok

ROOT = Path(__file__).resolve().parent.parent
REPAIRS_JS = ROOT / "frontend" / "js" / "repairs.js"


def phone_tables():
    """frontend/js/repairs.js as node imports it (the module needs no DOM)."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read frontend/js/repairs.js")
    script = f"import({json.dumps(REPAIRS_JS.as_uri())}).then((m) => console.log(JSON.stringify(m)))"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


def rejected(person, kind, body, ref_id=None, **fields):
    result = only_result(person.sync(("put", entry(kind, body, ref_id=ref_id, **fields))))
    assert result["status"] == "rejected", result
    return result["error"]


def good_news(text="I got the job!", category="good_news"):
    return {"text": text, "category": category, "feelings": [], "local_date": "2026-12-02"}


# --- the phrases: one table on both sides, words in both languages ------------------------------------


def test_the_phone_offers_the_phrases_and_good_news_the_server_knows():
    phone = phone_tables()
    assert [(group, tuple(ids)) for group, ids in phone["REPAIR_GROUPS"]] == list(REPAIR_PHRASES.items())
    assert tuple(phone["GOOD_NEWS_CATEGORIES"]) == GOOD_NEWS_CATEGORIES
    assert phone["REPAIR_ANSWERS"] == ["thanks", "pause"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_phrase_group_and_starter_has_its_words(lang):
    assert len(REPAIR_PHRASES) == 6 and all(len(ids) >= 3 for ids in REPAIR_PHRASES.values())
    assert len(set(REPAIR_PHRASE_IDS)) == len(REPAIR_PHRASE_IDS)
    for group in REPAIR_PHRASES:
        assert isinstance(lookup(f"repair.group.{group}", lang), str), group
    words = [lookup(f"repair.phrase.{phrase}", lang) for phrase in REPAIR_PHRASE_IDS]
    assert all(isinstance(w, str) and w.strip() for w in words) and len(set(words)) == len(words)
    for starter in phone_tables()["GOOD_NEWS_STARTERS"]:
        assert isinstance(lookup(f"goodnews.starter.{starter}", lang), str), starter
    assert isinstance(lookup("cards.reaction.pause", lang), str)


# --- the repair kind ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "codes"),
    [
        ({"phrase": "no_such_phrase"}, {"phrase": ["not_a_choice"]}),
        ({}, {"phrase": ["required"]}),
        ({"phrase": "sorry_badly", "text": "and my own words"}, {"text": ["unknown_field"]}),
    ],
)
def test_a_repair_is_a_known_phrase_and_nothing_else(app, pair, body, codes):
    alice, bob = pair(rituals=False)

    error = rejected(alice, "repair", body)

    assert (error["code"], error["codes"]) == (422, {"body": codes})
    assert [c for c in bob.pull_all() if c["kind"] == "repair"] == []


def test_a_repair_reaches_the_partner_with_a_push_job(app, pair):
    alice, bob = pair(rituals=False)
    before = push_jobs(app)

    sent = put_ok(alice, "repair", {"phrase": "calm_break"})

    assert push_jobs(app)[len(before) :] == [(bob.id, "repair", alice.id, sent, "pending")]
    [got] = [c for c in bob.pull_all() if c["kind"] == "repair"]
    assert (got["id"], got["body"], got["author_id"]) == (sent, {"phrase": "calm_break"}, alice.id)


def test_a_private_repair_never_reaches_the_partner(app, pair):
    alice, bob = pair(rituals=False)
    before = push_jobs(app)

    put_ok(alice, "repair", {"phrase": "stop_pause"}, visibility="private")

    assert push_jobs(app) == before
    assert [c for c in bob.pull_all() if c["kind"] == "repair"] == []


def test_another_couple_never_sees_a_repair(app, pair):
    alice, _bob = pair(rituals=False)
    carol, dave = pair(rituals=False)
    sent = put_ok(alice, "repair", {"phrase": "appreciate_love"})

    assert all(c["id"] != sent for person in (carol, dave) for c in person.pull_all())
    assert rejected(carol, "reaction", {"value": "thanks"}, ref_id=sent)["reason"] == "ref_missing"


@pytest.mark.parametrize("value", ["thanks", "pause"])
def test_the_partner_answers_a_repair_with_one_tap_and_the_sender_hears_of_it(app, pair, value):
    alice, bob = pair(rituals=False)
    sent = put_ok(alice, "repair", {"phrase": "sorry_badly"})
    bob.pull_all()

    answer = put_ok(bob, "reaction", {"value": value}, ref_id=sent)

    assert push_jobs(app)[-1] == (alice.id, "reaction", bob.id, answer, "pending")
    [got] = [c for c in alice.pull_all() if c["id"] == answer]
    assert (got["ref_id"], got["body"]) == (sent, {"value": value})


@pytest.mark.vapid
def test_the_push_opens_the_tension_screen_and_previews_the_phrase_in_the_readers_language(app, pair, push_service):
    alice, bob = pair(rituals=False)
    device = subscribe(bob, push_service)
    assert bob.client.patch("/api/me", json={"language": "ru", "show_previews": True}).status_code == 200

    put_ok(alice, "repair", {"phrase": "sorry_badly"})
    tick(app)

    [message] = device.messages("repair")
    assert message["url"] == "/tension"
    assert message["title"] == lookup("push.partner.repair", "ru").format(name="Alice")
    assert message["body"] == lookup("repair.phrase.sorry_badly", "ru")


# --- a reply to good news ----------------------------------------------------------------------------


def test_the_partner_replies_to_good_news_and_the_talk_goes_on(app, pair):
    alice, bob = pair(rituals=False)
    news = put_ok(alice, "disclosure", good_news())

    asked = put_ok(bob, "reply", {"text": "Tell me more about the interview!"}, ref_id=news)
    assert push_jobs(app)[-1] == (alice.id, "reply", bob.id, asked, "pending")
    told = put_ok(alice, "reply", {"text": "They loved the portfolio."}, ref_id=asked)
    assert push_jobs(app)[-1] == (bob.id, "reply", alice.id, told, "pending")


@pytest.mark.parametrize("category", ["worry", "tension", "feeling"])
def test_no_reply_to_a_disclosure_that_is_not_good_news(app, pair, category):
    alice, bob = pair(rituals=False)
    shared = put_ok(alice, "disclosure", good_news("The call went badly.", category))

    error = rejected(bob, "reply", {"text": "Tell me more"}, ref_id=shared)

    assert (error["code"], error["reason"], error["codes"]) == (422, "not_good_news", {"ref_id": ["wrong_kind"]})


def test_no_reply_to_ones_own_good_news(app, pair):
    alice, _bob = pair(rituals=False)
    news = put_ok(alice, "disclosure", good_news())

    assert rejected(alice, "reply", {"text": "Tell me more"}, ref_id=news)["reason"] == "ref_own_entry"


def test_a_good_news_talk_is_a_few_turns_each(app, pair):
    alice, bob = pair(rituals=False)
    at = put_ok(alice, "disclosure", good_news())
    for turn in range(L.REPLIES_PER_PERSON):
        at = put_ok(bob, "reply", {"text": f"And then? ({turn})"}, ref_id=at)
        at = put_ok(alice, "reply", {"text": f"Then this ({turn})"}, ref_id=at)

    assert rejected(bob, "reply", {"text": "One more"}, ref_id=at)["reason"] == "thread_full"
