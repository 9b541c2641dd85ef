"""The daily question library: content/questions/*.json is the source, frontend/locales/questions/<lang>.json
what the phone loads (written by `python -m backend.question_library`), and frontend/js/question-order.js
picks each couple's question of a day. Ids stay forever (answers name them), no question is asked twice in
other words, every question speaks both languages, and a couple's order is its own, agreed by both phones,
with no repeat within a year at a fixed depth cap."""

import json
import re
import shutil
import subprocess
from itertools import combinations
from pathlib import Path

import pytest

from backend import question_library as Q
from backend.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
ORDER_JS = ROOT / "frontend" / "js" / "question-order.js"

# Every id the phone ever asked before the library (frontend/js/questions.js until issue 14): answers
# stored with them must keep their words.
EARLIER_IDS = (
    "q-best-moment",
    "q-weighing",
    "q-us-lately",
    "q-felt-loved",
    "q-small-wish",
    "q-proud",
    "q-first-noticed",
    "q-recharge",
    "q-worry-future",
    "q-childhood-comfort",
    "q-laugh",
    "q-unsaid",
    "q-ideal-sunday",
    "q-new-thing",
    "q-feel-close",
    "q-hard-ask",
    "q-stress-signs",
    "q-gratitude-person",
    "q-dream-small",
    "q-repair",
    "q-tradition",
    "q-energy",
    "q-listen",
    "q-home",
    "q-kindness",
    "q-change-mind",
    "q-season",
    "q-needs-today",
    "q-memory",
    "q-growth",
    "q-fear-small",
    "q-appreciate-unseen",
    "q-perfect-evening",
    "q-family",
    "q-cheer",
)
SIMILAR = 0.8  # word-set overlap (Jaccard) at or above which two questions are one question twice


@pytest.fixture(scope="module")
def questions():
    return Q.load()


def test_the_committed_files_are_what_the_generator_writes(tmp_path, questions):
    for lang in LANGUAGES:
        committed = (Q.OUT / f"{lang}.json").read_text(encoding="utf-8")
        assert committed == Q.render(lang, questions), (
            "frontend/locales/questions is stale: run .venv/bin/python -m backend.question_library"
        )
    assert Q.export(out=tmp_path) and not Q.export(out=tmp_path)  # writes, then leaves them


def test_the_phone_file_holds_the_order_and_the_words(questions):
    for lang in LANGUAGES:
        data = json.loads((Q.OUT / f"{lang}.json").read_text(encoding="utf-8"))
        assert data["order"] == [[q["id"], q["depth"], q["theme"]] for q in questions]
        assert data["text"] == {q["id"]: q[lang] for q in questions}


def test_every_id_that_ever_existed_stays(questions):
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids))
    assert set(EARLIER_IDS) <= set(ids)
    earlier = json.loads((Q.SOURCE / "earlier.json").read_text(encoding="utf-8"))
    assert [q["id"] for q in earlier] == list(EARLIER_IDS)  # the old questions keep their place


def test_ids_of_theme_files_follow_the_pattern(questions):
    for q in questions:
        if q["id"] not in EARLIER_IDS:
            assert re.fullmatch(rf"q-{q['theme']}-\d{{3}}", q["id"]), q["id"]


def test_every_question_speaks_both_languages(questions):
    for q in questions:
        assert q["depth"] in ("light", "medium", "deep") and q["theme"] in Q.THEMES
        for lang in LANGUAGES:
            assert q[lang].strip() and len(q[lang]) <= Q.TEXT_MAX, (q["id"], lang)


def test_the_generator_refuses_a_broken_question(tmp_path):
    (tmp_path / "play.json").write_text(json.dumps([{"id": "q-play-001", "depth": "deep", "en": "Why?"}]))
    with pytest.raises(ValueError, match="no ru text"):
        Q.load(tmp_path)
    (tmp_path / "play.json").write_text(json.dumps([{"id": "q-day-001", "depth": "light", "en": "A?", "ru": "Б?"}]))
    with pytest.raises(ValueError, match="q-play-<nnn>"):
        Q.load(tmp_path)
    (tmp_path / "play.json").unlink()
    (tmp_path / "games.json").write_text("[]")
    with pytest.raises(ValueError, match="not a theme"):
        Q.load(tmp_path)


def normalised(text):
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("ё", "е")).split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_question_is_asked_twice(questions, lang):
    seen = {}
    for q in questions:
        key = normalised(q[lang])
        assert key not in seen, f"{q['id']} repeats {seen[key]}"
        seen[key] = q["id"]
    words = [(q["id"], set(normalised(q[lang]).split())) for q in questions]
    close = [
        (a, b, round(len(x & y) / len(x | y), 2))
        for (a, x), (b, y) in combinations(words, 2)
        if len(x & y) / len(x | y) >= SIMILAR
    ]
    assert not close, f"near-duplicates ({lang}): {close}"


def test_the_similarity_bound_catches_a_reworded_question():
    a = set(normalised("What was the best moment of your day, even a tiny one?").split())
    b = set(normalised("What was the best moment of your day, even a small one?").split())
    assert len(a & b) / len(a | b) >= SIMILAR


# The counts the issue asks for. On the qmech branch alone this fails (35 questions): the themes'
# files come from the content helpers' branches; it passes once they are merged.
def test_the_library_has_enough_in_every_depth_and_theme(questions):
    depth = {d: sum(q["depth"] == d for q in questions) for d in ("light", "medium", "deep")}
    assert len(questions) >= 500 and depth["light"] >= 366 and depth["medium"] >= 100 and depth["deep"] >= 50, depth
    theme = {t: sum(q["theme"] == t for q in questions) for t in Q.THEMES}
    assert all(n >= 20 for n in theme.values()), theme


# The order, run in node as the phone runs it.


def run_order(script):
    if shutil.which("node") is None:
        pytest.fail("node is needed to run frontend/js/question-order.js")
    code = f"import * as O from {json.dumps(ORDER_JS.as_uri())};\n{script}"
    out = subprocess.run(
        ["node", "--input-type=module", "-e", code], capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(out.stdout)


def synthetic(light=400, medium=120, deep=60):
    """A library of the size the content gives, for the order's rules whatever is committed now."""
    return [
        [f"q-{d}-{n:03d}", d, "day"]
        for d, count in (("light", light), ("medium", medium), ("deep", deep))
        for n in range(count)
    ]


A, B = "9b1c6a40-0000-4000-8000-000000000001", "9b1c6a40-0000-4000-8000-000000000002"


def test_two_couples_get_different_orders():
    orders = run_order(
        f"const lib = {json.dumps(synthetic())};"
        f"const seeds = [{json.dumps(A)}, {json.dumps(B)}];"
        "console.log(JSON.stringify(seeds.map((s) => O.orderFor(lib, s, 'deep').map((q) => q[0]))));"
    )
    assert sorted(orders[0]) == sorted(orders[1]) and orders[0] != orders[1]
    same_place = sum(x == y for x, y in zip(*orders, strict=True))
    assert same_place < 20  # shuffled, not shifted


def test_same_couple_same_date_same_cap_same_question():
    # Two "phones": two node processes, each with its own copy of the library.
    script = (
        f"const lib = {json.dumps(synthetic())};"
        f"const on = (cap) => O.questionOn(lib, {json.dumps(A)}, '2026-11-30', cap);"
        "console.log(JSON.stringify(['light', 'medium', 'deep'].map(on)));"
    )
    first, second = run_order(script), run_order(script)
    assert first == second and all(first)
    assert first[0][1] == "light" and first[1][1] in ("light", "medium")


@pytest.mark.parametrize("cap", ["light", "medium", "deep"])
def test_no_repeat_within_a_year_at_a_fixed_cap(cap):
    days = run_order(
        f"const lib = {json.dumps(synthetic())};"
        "const start = Date.UTC(2026, 10, 30);"
        "const out = [];"
        "for (let n = 0; n < 365; n++) {"
        "  const date = new Date(start + n * 86400000).toISOString().slice(0, 10);"
        f"  out.push(O.questionOn(lib, {json.dumps(A)}, date, {json.dumps(cap)}));"
        "}"
        "console.log(JSON.stringify(out));"
    )
    ids = [q[0] for q in days]
    assert len(set(ids)) == 365
    deepest = {"light": {"light"}, "medium": {"light", "medium"}, "deep": {"light", "medium", "deep"}}[cap]
    assert {q[1] for q in days} <= deepest  # never deeper than the cap
    assert len({q[1] for q in days}) == len(deepest)  # and the cap's depths all come


def test_the_cap_is_the_lower_depth_and_a_lighter_one_is_lighter():
    out = run_order(
        f"const lib = {json.dumps(synthetic())};"
        "const lighter = (id) => O.lighterOn(lib, 'c', '2026-11-30', id);"
        "console.log(JSON.stringify({"
        "  caps: [['deep', 'medium'], ['light', 'deep'], ['deep'], [undefined, 'deep']].map(O.capOf),"
        "  deep: lighter('q-deep-001'), medium: lighter('q-medium-001'), light: lighter('q-light-001'),"
        "  again: lighter('q-deep-001'),"
        "  swap: O.swapOf([{id: 'b', body: {local_date: '2026-11-30'}}, {id: 'a', body: {local_date: '2026-11-30'}},"
        "                  {id: '0', body: {local_date: '2026-11-29'}}], '2026-11-30').id,"
        "}));"
    )
    assert out["caps"] == ["medium", "light", "deep", "light"]
    assert out["deep"][1] == "medium" and out["medium"][1] == "light"
    assert out["light"][1] == "light" and out["light"][0] != "q-light-001"
    assert out["again"] == out["deep"]  # both phones work out the same lighter one
    assert out["swap"] == "a"  # two swaps of a day: both phones show the same one


def test_the_real_library_never_repeats_within_its_size(questions):
    library = [[q["id"], q["depth"], q["theme"]] for q in questions]
    light = sum(q["depth"] == "light" for q in questions)
    days = min(light, 365)
    ids = run_order(
        f"const lib = {json.dumps(library)};"
        "const out = [];"
        f"for (let n = 0; n < {days}; n++) out.push(O.questionOn(lib, 'couple', "
        "new Date(Date.UTC(2027, 0, 1) + n * 86400000).toISOString().slice(0, 10), 'light')[0]);"
        "console.log(JSON.stringify(out));"
    )
    assert len(set(ids)) == days
