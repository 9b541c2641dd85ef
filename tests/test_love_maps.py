"""Love maps (issue 14, item 8): the questions (our own, enough of them, in both languages, no two alike),
the round both phones draw, and the `love_map` kind: its body rules, withheld from the partner until they
wrote theirs to the same question, no push for any of it, and never unlocked by a daily answer."""

import json
import re
import shutil
import subprocess
import unicodedata
from itertools import combinations
from pathlib import Path

import pytest
from marshmallow import ValidationError
from sqlalchemy import func, select

from backend.extensions import db
from backend.i18n import LANGUAGES
from backend.models import PushJob
from backend.schemas import bodies
from samples import entry, only_result, put_ok, valid_body

ROOT = Path(__file__).resolve().parent.parent
LOVEMAPS_JS = ROOT / "frontend" / "js" / "lovemaps.js"


def lookup(key, lang):
    """A love-maps word from its content file (frontend/content/lovemaps.<lang>.json: loaded with the
    screen, out of the shell), by dotted key."""
    value = json.loads((ROOT / "frontend" / "content" / f"lovemaps.{lang}.json").read_text(encoding="utf-8"))
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def node(script):
    """Runs an ES module snippet that imports frontend/js/lovemaps.js (it needs no DOM); its JSON output."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read frontend/js/lovemaps.js")
    prelude = f"import * as lm from {json.dumps(LOVEMAPS_JS.as_uri())};\n"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", prelude + script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def ids():
    return node("console.log(JSON.stringify(lm.LOVE_MAPS))")


# --- the questions ---------------------------------------------------------------------------------


def test_at_least_sixty_questions_with_unique_ids(ids):
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+", one) for one in ids)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_question_has_its_words_in_each_language_and_no_others(ids, lang):
    words = lookup("lovemaps.q", lang)
    assert set(words) == set(ids)
    assert all(isinstance(text, str) and text.strip().endswith("?") for text in words.values())


def _normal(text):
    text = unicodedata.normalize("NFKD", text.lower().replace("ё", "е"))
    return " ".join(re.findall(r"\w+", "".join(c for c in text if not unicodedata.combining(c))))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_two_questions_are_alike(ids, lang):
    words = {one: _normal(lookup(f"lovemaps.q.{one}", lang)) for one in ids}
    assert len(set(words.values())) == len(words), "the same question twice"
    for (a, one), (b, other) in combinations(words.items(), 2):
        x, y = set(one.split()), set(other.split())
        assert len(x & y) / len(x | y) < 0.7, (a, b)  # near-duplicates: most of the same words


def test_a_round_is_twenty_the_same_on_both_phones_and_none_repeats_until_all_are_used(ids):
    rounds = node(
        """const out = {};
        for (const c of ["couple-a", "couple-b"]) out[c] = [1, 2, 3, 4].map((r) => lm.drawRound(c, r));
        out.again = lm.drawRound("couple-a", 2);
        console.log(JSON.stringify(out));"""
    )
    a = rounds["couple-a"]
    assert all(len(one) == 20 for one in a)
    assert rounds["again"] == a[1]  # the same couple and round: the same questions in the same order
    per_pass = len(ids) // 20
    first_pass = [q for one in a[:per_pass] for q in one]
    assert len(set(first_pass)) == len(first_pass) == per_pass * 20 >= 60
    assert a[0] != rounds["couple-b"][0]  # each couple has its own order


# --- the kind's body -----------------------------------------------------------------------------


def _codes(body):
    try:
        bodies.LoveMap().load(body)
    except ValidationError as err:
        return err.messages
    return {}


@pytest.mark.parametrize(
    "body",
    [
        {"question_id": "lovemap.1.fav-meal", "mine": "Dumplings.", "guess": "Pasta?"},
        {"question_id": "lovemap.2.fav-meal", "mine": "Dumplings.", "unknown": True},
        {"question_id": "lovemap.3.fav-meal", "guess": "Pasta?"},
        {"question_id": "lovemap.12.week-win", "unknown": True},
        {"question_id": "lovemap.1.fav-meal", "passed": True},
    ],
)
def test_an_answer_a_guess_i_dont_know_yet_or_a_pass_is_a_love_map(body):
    assert _codes(body) == {}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"question_id": "lovemap.1.fav-meal"}, "mine"),  # nothing written: write something or pass
        ({"question_id": "lovemap.1.fav-meal", "mine": "   ", "guess": ""}, "mine"),
        ({"question_id": "lovemap.1.fav-meal", "passed": True, "mine": "Soup"}, "passed"),  # a pass holds no words
        ({"question_id": "lovemap.1.fav-meal", "guess": "Soup", "unknown": True}, "unknown"),
        ({"question_id": "q-best-moment", "mine": "Soup"}, "question_id"),  # not a love-maps question
        ({"question_id": "lovemap.0.fav-meal", "mine": "Soup"}, "question_id"),
        ({"question_id": "lovemap.1.fav-meal", "mine": "Soup", "score": 1}, "score"),  # nothing is scored
    ],
)
def test_a_love_map_is_refused_without_words_or_a_pass(body, field):
    assert field in _codes(body)


# --- withheld until both wrote -------------------------------------------------------------------


def _love_map(question, **said):
    return {"question_id": f"lovemap.1.{question}", **(said or {"mine": "Soup", "guess": "Tea"})}


def _ids(changes):
    return [c["id"] for c in changes]


def _push_jobs(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PushJob))


def test_a_love_map_is_withheld_until_the_partner_wrote_theirs_to_the_same_question(app, pair):
    alice, bob = pair(rituals=False)
    jobs = _push_jobs(app)
    alices = put_ok(alice, "love_map", _love_map("fav-meal", mine="Dumplings", guess="Pasta"))
    assert bob.pull_all() == []
    assert alices not in _ids(bob.sync(cursor=0).json["changes"])
    put_ok(bob, "love_map", _love_map("fav-film"))  # another question reveals nothing
    assert alices not in _ids(bob.pull_all())

    bobs = put_ok(bob, "love_map", _love_map("fav-meal", unknown=True, mine="Borscht"))

    revealed = {c["id"]: c for c in bob.pull_all()}
    assert revealed[alices]["body"]["mine"] == "Dumplings" and revealed[alices]["body"]["guess"] == "Pasta"
    assert bobs in _ids(alice.pull_all())
    assert _push_jobs(app) == jobs  # twenty questions are not twenty pushes: none at all


def test_a_pass_is_written_too_and_opens_the_question_for_both(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "love_map", _love_map("week-win"))
    bobs = put_ok(bob, "love_map", _love_map("week-win", passed=True))

    assert alices in _ids(bob.pull_all())
    [theirs] = [c for c in alice.pull_all() if c["id"] == bobs]
    assert theirs["body"]["passed"] is True and theirs["body"]["mine"] == ""


def test_a_daily_answer_never_opens_a_love_map(app, pair):
    alice, bob = pair(rituals=False)
    alices = put_ok(alice, "love_map", _love_map("fav-meal"))
    sneaky = entry("answer", {**valid_body("answer"), "question_id": "lovemap.1.fav-meal"})

    result = only_result(bob.sync(("put", sneaky)))

    assert result["status"] == "rejected"
    assert result["error"]["codes"]["body"]["question_id"] == ["bad_format"]
    assert alices not in _ids(bob.sync(cursor=0).json["changes"])
