"""Two-tap sharing's content (issue 14, item 3): at least 60 sentence starters for the honest thing, each with
a topic and a depth, and at least 120 feeling words in families, each with a plain one-line meaning; both in
English and Russian, with stable unique ids, and every feeling id an older phone may have stored still known.
The data comes from the modules themselves (node imports frontend/js/starters.js and feelings.js), the words
from the catalogues plus the share content file (frontend/content/share.<lang>.json)."""

import json
import re
from pathlib import Path

import pytest
from phone_modules import phone

from backend.limits import FEELING_MAX
from backend.schemas.bodies import DISCLOSURE_CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "frontend" / "js"
LANGUAGES = ("en", "ru")
# The feeling ids phones stored before this round (entries keep them in body.feelings): they must stay ids.
STORED_BEFORE = {
    "glad": ["happy", "grateful", "hopeful", "excited", "proud", "playful", "relieved", "content"],
    "calm": ["peaceful", "relaxed", "safe", "settled", "rested"],
    "loving": ["warm", "close", "tender", "affectionate", "connected"],
    "sad": ["sad", "disappointed", "hurt", "low", "heavy", "tired"],
    "scared": ["anxious", "worried", "nervous", "overwhelmed", "insecure", "unsure"],
    "angry": ["annoyed", "frustrated", "resentful", "irritated", "impatient"],
    "ashamed": ["embarrassed", "guilty", "ashamed", "exposed", "self-conscious"],
    "lonely": ["lonely", "left out", "unseen", "distant", "homesick"],
}


DATA = phone(
    """const s = await import("./frontend/js/starters.js");
const f = await import("./frontend/js/feelings.js");
console.log(JSON.stringify({ starters: s.STARTERS, topics: s.TOPICS, depths: s.DEPTHS, families: f.FAMILIES,
  handfuls: ["2026-06-10", "2026-06-11", "2026-12-31"].map((day) => s.handful(day).map((x) => x.id)) }));"""
)


def words(lang):
    catalogue = json.loads((ROOT / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
    content = json.loads((ROOT / "frontend" / "content" / f"share.{lang}.json").read_text(encoding="utf-8"))
    return catalogue, content


def key(feeling):
    return re.sub(r"[^a-z]+", "_", feeling.lower())


def normal(text):
    return re.sub(r"[^\w]+", " ", text.lower()).strip()


def test_at_least_sixty_starters_with_unique_ids_a_topic_and_a_depth():
    starters = DATA["starters"]
    assert len(starters) >= 60
    ids = [s["id"] for s in starters]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", i) for i in ids), "ids are stable slugs"
    assert {s["topic"] for s in starters} == set(DATA["topics"])
    assert {s["depth"] for s in starters} == set(DATA["depths"]) == {"light", "medium", "deep"}
    for topic in DATA["topics"]:
        depths = [s["depth"] for s in starters if s["topic"] == topic]
        assert len(depths) >= 5 and "light" in depths, topic
    assert sum(s["depth"] == "light" for s in starters) >= 20, "light ones come first: enough for many days"


def test_every_topic_files_under_a_kind_of_statement_the_server_takes():
    assert set(DATA["topics"].values()) <= set(DISCLOSURE_CATEGORIES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_starter_has_words_in_both_languages_and_none_repeats(lang):
    catalogue, content = words(lang)
    texts = content["share"]["starter"]
    assert set(texts) == {s["id"] for s in DATA["starters"]}
    for starter_id, text in texts.items():
        assert text.strip() == text and text, starter_id
        assert not text.endswith(("…", "...")), f"{starter_id}: the chip adds the dots"
    normals = [normal(text) for text in texts.values()]
    assert len(normals) == len(set(normals))
    for topic in DATA["topics"]:
        assert catalogue["share"]["topic_name"][topic].strip()
    for depth in DATA["depths"]:
        assert catalogue["share"]["depth"][depth].strip()


def test_the_daily_handful_is_light_mixed_and_changes_from_day_to_day():
    depth = {s["id"]: s for s in DATA["starters"]}
    first, second, later = DATA["handfuls"]
    for handful in DATA["handfuls"]:
        assert len(handful) == 4 and all(depth[i]["depth"] == "light" for i in handful)
        assert len({depth[i]["topic"] for i in handful}) >= 3, handful
    assert first != second and second != later


def test_at_least_120_feelings_in_families_none_empty_ids_unique_and_storable():
    families = DATA["families"]
    feelings = [feeling for _, family in families for feeling in family]
    assert len(feelings) >= 120
    assert len(feelings) == len(set(feelings))
    assert len({key(f) for f in feelings}) == len(feelings), "two ids would share a catalogue key"
    assert len(families) >= 9 and all(len(family) >= 8 for _, family in families)
    assert all(0 < len(f) <= FEELING_MAX for f in feelings)


def test_every_feeling_stored_before_is_still_an_id():
    known = {feeling for _, family in DATA["families"] for feeling in family}
    assert {f for family in STORED_BEFORE.values() for f in family} <= known
    assert set(STORED_BEFORE) <= {name for name, _ in DATA["families"]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_feeling_has_a_word_and_a_one_line_meaning(lang):
    catalogue, content = words(lang)
    names = catalogue["feelings"]["word"]
    meanings = content["feelings"]["about"]
    for family, feelings in DATA["families"]:
        assert catalogue["feelings"]["family"][family].strip()
        assert catalogue["feelings"]["family_hint"][family].strip()
        for feeling in feelings:
            assert names[key(feeling)].strip(), feeling
            meaning = meanings[key(feeling)]
            assert meaning.strip() and "\n" not in meaning and len(meaning) <= 90, (feeling, meaning)
    every = [key(f) for _, family in DATA["families"] for f in family]
    assert set(names) == set(every) == set(meanings)
    assert len({normal(names[k]) for k in every}) == len(every), "two feelings read the same"
    if lang == "en":
        assert all(names[key(f)] == f for f in (f for _, family in DATA["families"] for f in family))


def test_russian_never_guesses_a_gender():
    """Informal «ты» and no "(а)" or past tense about the reader: "ты устал(а)" reads wrong for half of them."""
    _, content = words("ru")
    texts = list(content["feelings"]["about"].values()) + list(content["share"]["starter"].values())
    assert not [text for text in texts if "(а)" in text or re.search(r"\bты\s+\w+л(а)?\b", text)]
