"""Limits live once, in backend/limits.py: the schemas validate with those numbers, and the phone's
frontend/js/limits.js is exactly what the module writes (no view keeps a number of its own)."""

import base64
import itertools
import json
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from marshmallow import ValidationError, fields as mfields

from backend import limits as L
from backend.errors import field_code
from backend.kinds import KINDS
from backend.schemas import accounts, bodies, couples, keys
from backend.schemas.words import WordsField

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "frontend" / "js"
# Guides the phone shows and the server does not enforce (a longer appreciation is still stored).
PHONE_ONLY = {
    "APPRECIATION_WORDS",
    "FOLLOW_UP_WORDS",
    "STORY_PART_MAX",
    "STRESS_TURN_MIN_MINUTES",  # a turn of the stress-reducing conversation: a guide the phone shows
    "STRESS_TURN_MAX_MINUTES",
    "TIMEOUT_MORE_MINUTES",
    "TOWARD_GUIDE_PERCENT",  # the research's guide the Us page and Bids show, never a rule
}  # the phone's step; the cap is checked


def test_the_committed_limits_js_is_what_the_server_writes():
    assert L.JS_PATH == JS / "limits.js"
    assert L.JS_PATH.read_text(encoding="utf-8") == L.render_js(), (
        "frontend/js/limits.js is stale: run .venv/bin/python -m backend.limits"
    )


def test_limits_js_exports_every_limit_with_its_value():
    exported = dict(re.findall(r"^export const (\w+) = (\d+);", L.render_js(), re.M))
    names = {name for name, value, _ in L.phone_limits() if name}
    assert names and set(exported) == names
    assert all(int(exported[name]) == getattr(L, name) for name in names)
    assert exported["APPRECIATION_TEXT_MAX"] == "280" and exported["TIMEOUT_MAX_MINUTES"] == "1440"


def test_export_writes_the_file_and_then_leaves_it(tmp_path):
    target = tmp_path / "limits.js"
    assert L.export(target) is True
    assert target.read_text(encoding="utf-8") == L.render_js()
    assert L.export(target) is False
    assert L.export(tmp_path / "word-limits.js", L.render_words_js) is True


# --- Each words field's rule, on the phone --------------------------------------------------------------
# Once words are sealed the server sees envelopes, so the phone checks what it checked on plaintext
# (frontend/js/word-check.js, with word-limits.js, which backend/limits.py writes from the body schemas).


def phone(script, data=None):
    """What a node script prints (JSON), with WORD_LIMITS and wordCodes imported as in the browser and
    `data` (as JSON) in DATA."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read frontend/js/word-check.js")
    head = (
        f"const {{ WORD_LIMITS }} = await import({json.dumps((JS / 'word-limits.js').as_uri())});\n"
        f"const {{ fieldCodes, wordCodes }} = await import({json.dumps((JS / 'word-check.js').as_uri())});\n"
        "const DATA = JSON.parse((await import('node:fs')).readFileSync(0, 'utf8'));\n"
    )
    done = subprocess.run(
        ["node", "--input-type=module", "-e", head + script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


def server_words_rules():
    """{kind: {path: [most, least non-blank, required]}}: every Words field of every body schema, found by
    walking the schemas (not through kinds.py `words`), as the phone's map must hold it."""

    def walk(schema, prefix=""):
        for name, field in schema._declared_fields.items():
            yield from inner(field, prefix + name)

    def inner(field, path):
        if isinstance(field, mfields.Nested):
            yield from walk(field.nested, path + ".")
        elif isinstance(field, mfields.List):
            yield from inner(field.inner, path + ".*")
        elif isinstance(field, WordsField):
            yield path, [field.max_chars, field.min_chars, bool(field.required)]

    rules = {name: dict(walk(kind.schema)) for name, kind in KINDS.items()}
    return {name: found for name, found in rules.items() if found}


def test_the_committed_word_limits_js_is_what_the_server_writes():
    assert L.WORDS_JS_PATH == JS / "word-limits.js"
    assert L.WORDS_JS_PATH.read_text(encoding="utf-8") == L.render_words_js(), (
        "frontend/js/word-limits.js is stale: run .venv/bin/python -m backend.limits"
    )


def test_every_words_field_has_the_servers_rule_on_the_phone():
    """A words field with no rule on the phone, or another limit or required-ness there, fails here."""
    assert phone("console.log(JSON.stringify(WORD_LIMITS));") == server_words_rules()


def test_the_rule_map_reads_limits_and_requiredness_from_the_schemas():
    rules = L.word_limits()
    assert rules["appreciation"] == {"text": (L.APPRECIATION_TEXT_MAX, 1, True)}
    assert rules["bid"] == {"note": (L.NOTE_MAX, 0, False)}
    assert rules["ritual"]["prompts.*"] == (L.PROMPT_MAX, 1, False)
    assert rules["ritual_session"]["answers.*.text"] == (L.SESSION_TEXT_MAX, 0, True)
    assert rules["disclosure"]["i_feel.need"] == (L.I_FEEL_NEED_MAX, 1, True)


def server_code(field, value):
    try:
        field.deserialize(value)
    except ValidationError as err:
        return field_code(err.messages[0])[0]
    return None


def samples(most):
    """Values at and around a rule's edges, and the ones Python and JavaScript count or strip differently."""
    smile = "\N{SMILING FACE WITH OPEN MOUTH}"  # one character to Python, two UTF-16 units to JavaScript
    return [
        "x" * most,
        "x" * (most + 1),
        smile * most,
        smile * (most + 1),
        " " * (most + 1),  # blank before too long, as the server checks
        "",
        " \t\n",
        "\u3000\xa0\u2028",  # spaces to both
        "\x1c\x85",  # spaces to Python's strip, not to JavaScript's trim
        "\ufeff",  # a space to JavaScript's trim, not to Python's strip
        " ok ",
        "a\x00b",
        "a\ud800b",  # a lone surrogate
        "e1.c1." + "A" * 80,  # read as an envelope: the server's envelope checks, not these
        "e1. not one",
    ]


CASES = [
    (kind, path, value)
    for kind, rules in L.word_limits().items()
    for path, (most, _least, _required) in rules.items()
    for value in samples(most)
]


def body_with(path, value):
    """A body holding value at path, each "*" as a list of one item."""
    for part in reversed(path.split(".")):
        value = [value] if part == "*" else {part: value}
    return value


def test_the_phone_refuses_exactly_what_the_server_refuses():
    concrete = [(kind, path.replace("*", "0"), body_with(path, value)) for kind, path, value in CASES]
    found = phone(
        "console.log(JSON.stringify(DATA.map(([kind, field, body]) => (fieldCodes(kind, body)[field] || [null])[0])));",
        concrete,
    )
    differ = []
    for (kind, path, value), on_phone in zip(CASES, found, strict=True):
        field = L.words_field(KINDS[kind].schema, path)
        on_server = server_code(field, value)
        if on_server in {"bad_envelope", "envelope_too_big"}:
            on_server = None  # an envelope's own checks stay the server's
        if on_phone != on_server:
            differ.append((kind, path, value[:12], on_server, on_phone))
    assert differ == []


@pytest.mark.parametrize(
    "kind, body, codes",
    [
        ("appreciation", {}, {"text": ["required"]}),
        ("bid", {"type": "joke"}, {}),  # an optional note may be left out
        ("disclosure", {"text": "Hi", "i_feel": None}, {}),  # the script is optional as a whole …
        (
            "disclosure",
            {"text": "Hi", "i_feel": {"feel": "sad"}},
            {"i_feel.when": ["required"], "i_feel.need": ["required"]},
        ),
        (
            "ritual_session",
            {"answers": [{"prompt": "Q", "text": ""}, {"text": "A"}]},
            {"answers.1.prompt": ["required"]},
        ),
        ("ritual", {"title": "T", "prompts": ["ok", " "]}, {"prompts.1": ["blank"]}),
        ("session_step", {"step": 1}, {}),  # no words at all
    ],
)
def test_a_missing_required_words_field_is_refused_on_the_phone(kind, body, codes):
    found = phone("console.log(JSON.stringify(wordCodes(DATA[0], DATA[1])));", [kind, body])
    assert {path: [code] for path, (code, *_values) in found.items()} == codes


# A rule across a body's fields (a schema's ACROSS: the love map's words, "I don't know yet" or a pass) reads
# whether a words field says something, which a sealed field always does to the server: the phone checks
# the same table, from word-limits.js, before it seals.
SPACES = ["", " \t", "\u3000\xa0", "\x1c\x85", "\ufeff", "Dumplings"]  # the last two say something
FLAGS = [None, False, True]  # None: left out


def across_bodies():
    for mine, guess, unknown, passed in itertools.product(SPACES, SPACES, FLAGS, FLAGS):
        flags = {name: flag for name, flag in (("unknown", unknown), ("passed", passed)) if flag is not None}
        yield {"mine": mine, "guess": guess, **flags}
    yield {}  # nothing at all
    yield {"passed": True}
    yield {"guess": " ", "unknown": True}
    yield {"mine": " ", "passed": "yes"}  # a flag the server reads its own way: the server's to judge
    yield {"mine": None, "passed": False}  # a field the server refuses on its own


def test_the_rules_across_fields_come_from_the_schemas():
    assert L.across_rules() == {"love_map": [list(map(_listed, rule)) for rule in bodies.LoveMap.ACROSS]}
    assert "export const WORD_RULES = {" in L.render_words_js()


def _listed(value):
    return [_listed(item) for item in value] if isinstance(value, tuple) else value


def test_the_phone_refuses_a_love_map_exactly_when_the_server_does():
    """The phone's verdict on each body (before sealing) is the server's on the same plaintext: the same
    field and code, or none; a body whose flags are no booleans, or whose words are no text, it leaves to the
    server (which reads such a flag its own way, and refuses such words by their field)."""
    cases = list(across_bodies())
    found = phone(
        "console.log(JSON.stringify(DATA.map((body) => Object.fromEntries("
        "Object.entries(wordCodes('love_map', body)).map(([field, [code]]) => [field, [code]])))));",
        cases,
    )
    differ = []
    for body, on_phone in zip(cases, found, strict=True):
        on_server = codes_of_body(bodies.LoveMap, {"question_id": "lovemap.1.fav-meal", **body})
        plain = all(body.get(name) in (None, True, False) or name in ("mine", "guess") for name in body)
        plain = plain and all(isinstance(body.get(name, ""), str) for name in ("mine", "guess"))
        if on_phone != (on_server if plain else {}):  # the phone leaves the rest to the server
            differ.append((body, on_server, on_phone))
    assert differ == []
    assert {"mine": ["blank"]} in found and {"passed": ["invalid"]} in found and {"unknown": ["invalid"]} in found


def codes_of_body(schema, data):
    try:
        schema().load(data)
    except ValidationError as err:
        return _codes(err.messages)
    return {}


# What a schema's own cross-field check needs besides the field under test.
NEEDS = {bodies.Schedule: {"freq": "anytime"}}


def codes_of(schema, data):
    """Each failing field's codes, from a partial load (only the fields given are checked)."""
    try:
        schema().load({**NEEDS.get(schema, {}), **data}, partial=True)
    except ValidationError as err:
        return _codes(err.messages)
    return {}


def _codes(messages):
    if isinstance(messages, dict):
        return {key: _codes(value) for key, value in messages.items()}
    return [field_code(m)[0] for m in messages]


def nest(path, value):
    for key in reversed(path.split(".")):
        value = {key: value}
    return value


def dig(found, path):
    for key in path.split("."):
        found = found.get(key, {}) if isinstance(found, dict) else {}
    return found


# (schema, field path, the limit, how a value of that size is made)
TEXTS = [
    (bodies.Disclosure, "text", "DISCLOSURE_TEXT_MAX"),
    (bodies.Disclosure, "i_feel.feel", "I_FEEL_FEEL_MAX"),
    (bodies.Disclosure, "i_feel.when", "I_FEEL_WHEN_MAX"),
    (bodies.Disclosure, "i_feel.need", "I_FEEL_NEED_MAX"),
    (bodies.Reflection, "text", "REFLECTION_TEXT_MAX"),
    (bodies.Appreciation, "text", "APPRECIATION_TEXT_MAX"),
    (bodies.Bid, "note", "NOTE_MAX"),
    (bodies.Checkin, "note", "NOTE_MAX"),
    (bodies.Timeout, "note", "NOTE_MAX"),
    (bodies.TimeoutNote, "text", "TIMEOUT_NOTE_MAX"),
    (bodies.Commitment, "text", "COMMITMENT_TEXT_MAX"),
    (bodies.Agreement, "text", "AGREEMENT_TEXT_MAX"),
    (bodies.Answer, "text", "ANSWER_TEXT_MAX"),
    (bodies.Reply, "text", "REPLY_TEXT_MAX"),
    (bodies.LoveMap, "mine", "LOVE_MAP_TEXT_MAX"),
    (bodies.LoveMap, "guess", "LOVE_MAP_TEXT_MAX"),
    (bodies.Reaction, "note", "NOTE_MAX"),
    (bodies.Journal, "text", "JOURNAL_TEXT_MAX"),
    (bodies.Ritual, "title", "RITUAL_TITLE_MAX"),
    (bodies.SessionAnswer, "text", "SESSION_TEXT_MAX"),
    (bodies.SessionAnswer, "prompt", "PROMPT_MAX"),
    (bodies.RitualSession, "note", "SESSION_TEXT_MAX"),
    (bodies.PreparedQuestion, "text", "PREPARED_QUESTION_MAX"),
    (accounts.SignupIn, "display_name", "DISPLAY_NAME_MAX"),
    (accounts.SettingsIn, "display_name", "DISPLAY_NAME_MAX"),
    (accounts.SignupIn, "password", "PASSWORD_MAX"),
    (accounts.LoginIn, "password", "PASSWORD_MAX"),
    (accounts.LoginIn, "email", "EMAIL_MAX"),
    (couples.LeaveIn, "note", "PARTING_NOTE_MAX"),
    (couples.InviteIn, "note", "INVITE_NOTE_MAX"),
    (keys.DeviceIn, "label", "DEVICE_LABEL_MAX"),
]
# A wrapped key of the right shape (the server checks only that): "w1." and 65 + 12 + 48 bytes.
WRAPPED = "w1." + base64.urlsafe_b64encode(b"\x04" + bytes(124)).rstrip(b"=").decode()
LISTS = [  # (schema, field, the limit on how many, one valid item)
    (bodies.Disclosure, "feelings", "FEELINGS_MAX", "calm"),
    (bodies.Journal, "feelings", "FEELINGS_MAX", "calm"),
    (bodies.Ritual, "prompts", "PROMPTS_MAX", "How was your week?"),
    (bodies.RitualSession, "passed", "SESSION_ITEMS_MAX", "A prompt"),
    (bodies.RitualSession, "answers", "SESSION_ITEMS_MAX", {"prompt": "A prompt", "text": ""}),
    (keys.WrappedPutIn, "items", "KEY_ITEMS_MAX", {"device_id": str(uuid.uuid4()), "key_id": "c1", "blob": WRAPPED}),
]
RANGES = [  # (schema, field path, lowest limit (or a plain number), highest limit)
    (bodies.Checkin, "mood", "SCALE_MIN", "SCALE_MAX"),
    (bodies.Checkin, "us", "SCALE_MIN", "SCALE_MAX"),
    (bodies.Ritual, "duration_min", "RITUAL_MINUTES_MIN", "RITUAL_MINUTES_MAX"),
    (bodies.Schedule, "interval", None, "SCHEDULE_WEEKS_MAX"),
    (bodies.PathStep, "week", None, "PATH_WEEKS"),
    (bodies.PreparedQuestion, "n", None, "PREPARED_QUESTIONS"),
    (accounts.SettingsIn, "daily_push_budget", 0, "PUSH_BUDGET_MAX"),  # 0: no pushes at all
    (accounts.SettingsIn, "daily_partner_push_limit", "OLD_PUSH_LIMIT_MIN", "OLD_PUSH_LIMIT_MAX"),
    (accounts.SettingsIn, "daily_push_limit", "OLD_PUSH_LIMIT_MIN", "OLD_PUSH_LIMIT_MAX"),
]


@pytest.mark.parametrize("schema, path, limit", TEXTS, ids=lambda v: getattr(v, "__name__", v))
def test_a_text_is_cut_at_its_limit(schema, path, limit):
    most = getattr(L, limit)
    assert dig(codes_of(schema, nest(path, "x" * most)), path) == {}
    assert dig(codes_of(schema, nest(path, "x" * (most + 1))), path) == ["too_long"]


@pytest.mark.parametrize("schema, path, limit, item", LISTS, ids=lambda v: getattr(v, "__name__", str(v)[:12]))
def test_a_list_is_cut_at_its_limit(schema, path, limit, item):
    most = getattr(L, limit)
    assert dig(codes_of(schema, {path: [item] * most}), path) == {}
    assert dig(codes_of(schema, {path: [item] * (most + 1)}), path) == ["too_many"]


def test_one_feeling_is_cut_at_its_limit():
    assert codes_of(bodies.Checkin, {"feelings": ["x" * L.FEELING_MAX]}) == {}
    assert codes_of(bodies.Checkin, {"feelings": ["x" * (L.FEELING_MAX + 1)]}) == {"feelings": {0: ["too_long"]}}


@pytest.mark.parametrize("schema, path, low, high", RANGES, ids=lambda v: getattr(v, "__name__", v))
def test_a_number_stays_in_its_range(schema, path, low, high):
    least = getattr(L, low) if isinstance(low, str) else 1 if low is None else low  # a number: not a limit
    for ok in (least, getattr(L, high)):
        assert dig(codes_of(schema, nest(path, ok)), path) == {}
    assert dig(codes_of(schema, nest(path, getattr(L, high) + 1)), path) == ["too_big"]
    assert dig(codes_of(schema, nest(path, least - 1)), path) == ["too_small"]


@pytest.mark.parametrize("schema", [accounts.SignupIn, accounts.PasswordChangeIn, accounts.PasswordResetConfirmIn])
def test_a_new_password_needs_the_minimum(schema):
    assert codes_of(
        schema, {"new_password" if schema is not accounts.SignupIn else "password": "x" * (L.PASSWORD_MIN - 1)}
    ) == {"new_password" if schema is not accounts.SignupIn else "password": ["too_short"]}
    assert (
        codes_of(schema, {"new_password" if schema is not accounts.SignupIn else "password": "x" * L.PASSWORD_MIN})
        == {}
    )


MADE = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def creation_codes(kind, body):
    try:
        KINDS[kind].created_rule(body, MADE)
    except ValidationError as err:
        return _codes(err.messages)
    return {}


def test_a_commitment_is_due_within_the_days_limit():
    last = (MADE.date() + timedelta(days=L.COMMITMENT_DAYS)).isoformat()
    late = (MADE.date() + timedelta(days=L.COMMITMENT_DAYS + 1)).isoformat()
    assert creation_codes("commitment", {"due_date": last}) == {}
    assert creation_codes("commitment", {"due_date": late}) == {"due_date": ["due_too_late"]}


def test_a_timeout_comes_back_between_its_limits():
    def at(minutes):
        return {"return_at": (MADE + timedelta(minutes=minutes)).isoformat()}

    assert creation_codes("timeout", at(L.TIMEOUT_MIN_MINUTES)) == {}
    assert creation_codes("timeout", at(L.TIMEOUT_MAX_MINUTES)) == {}
    assert creation_codes("timeout", at(L.TIMEOUT_MIN_MINUTES - 2)) == {"return_at": ["timeout_range"]}
    assert creation_codes("timeout", at(L.TIMEOUT_MAX_MINUTES + 2)) == {"return_at": ["timeout_range"]}


def test_every_enforced_limit_has_a_test_here():
    checked = {limit for _s, _p, limit in TEXTS} | {limit for _s, _p, limit, _i in LISTS}
    checked |= {name for _s, _p, low, high in RANGES for name in (low, high) if name}
    checked |= {"PASSWORD_MIN", "FEELING_MAX", "COMMITMENT_DAYS", "TIMEOUT_MIN_MINUTES", "TIMEOUT_MAX_MINUTES"}
    checked |= {"SESSION_OPEN_HOURS"}  # the worker's rule: tests/test_path_and_sessions.py
    checked.add("SESSION_STEPS_MAX")  # session_step's step counts from 0: tests/test_together.py
    checked.add("REPLIES_PER_PERSON")  # a rule of services/talk.py, not of a schema: tests/test_talk.py
    checked.add("PUSH_BUDGET_DEFAULT")  # a new account's budget: tests/test_me.py
    checked |= {"KEY_DEVICES_MAX", "RECOVERY_BLOB_MAX", "WRAPPED_KEY_CHARS"}  # tests/test_keys.py
    checked |= {"TRANSFER_BLOB_MAX", "TRANSFER_MINUTES"}  # tests/test_key_transfer.py
    checked.add("UNDO_LEAVING_HOURS")  # services/couples.py come_back: tests/test_leaving.py (23:59 yes, 24 h no)
    names = {name for name, _value, _comment in L.phone_limits() if name}
    assert names - PHONE_ONLY - checked == set(), "a limit without a test that the schemas use it"


def js_files():
    return [p for p in sorted(JS.rglob("*.js")) if p.name != "limits.js"]


@pytest.mark.parametrize("attribute", ["maxlength", "minlength"])
def test_no_view_writes_a_length_of_its_own(attribute):
    """Lengths come from limits.js: `maxlength: String(APPRECIATION_TEXT_MAX)`, never `maxlength: "280"`."""
    literal = re.compile(rf"""["']?{attribute}["']?\s*:\s*["'`]?\d""")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in js_files()
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert found == []


def test_views_that_mirror_a_limit_import_it_from_limits_js():
    users = {
        p.relative_to(JS).as_posix()
        for p in js_files()
        if re.search(r'from "\.\.?/(?:\.\./)?limits\.js"', p.read_text(encoding="utf-8"))
    }
    assert {
        "screens/appreciate.js",
        "parts/session-end.js",
        "screens/journal.js",
        "parts/disclose.js",
        "screens/timeout.js",
        "ritual-data.js",
        "feelings.js",
        "screens/settings.js",
        "screens/auth.js",
    } <= users


# --- No limit written into a sentence ------------------------------------------------------------------
# A sentence that states a limit takes it as a placeholder ({count}, {min}, {max}) filled from limits.js
# on the phone (or limits.py on the server), so changing the limit changes every sentence about it. A
# number standing alone in a catalogue sentence (not part of a time such as 20:30, a code such as U+202E
# or a word such as 1980s) that equals some limit's value fails here, unless it is listed below with why
# it is not that limit.
CATALOGUE_NUMBER = re.compile(r"(?<![\w:+.,/-])\d+(?![\w:])")
NOT_LIMITS = {
    "bids.rate_title": {"4"},  # the Bids screen's window (28 days, screens/bids.js), not a rule
    "us.ratio.explain": {"5", "1"},  # the 5:1 guide from Gottman's research, not a scale
    "charts.gauge": {"5"},  # the same guide, marked on the gauge
    "route.reassess": {"12"},  # ru: the twelve-week review; its weeks are not a limit either
    "help.therapy.eft.text": {"20"},  # a fact about the therapy (sessions), not Hearth's
    "error.field.bad_time": {"24"},  # "a 24-hour time" (HH:MM), not SESSION_OPEN_HOURS
}


def catalogue_sentences(lang):
    def walk(node, key):
        if isinstance(node, dict):
            for part, value in node.items():
                yield from walk(value, f"{key}.{part}" if key else part)
        else:
            yield key, node

    catalogue = json.loads((ROOT / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
    return list(walk(catalogue, ""))


def limits_written_out(sentences):
    """[(key, number)] of limit values written as numbers, less the known non-limits."""
    values = {str(value) for name, value, _ in L.phone_limits() if name}
    found = []
    for key, text in sentences:
        allowed = next((numbers for prefix, numbers in NOT_LIMITS.items() if f"{key}.".startswith(f"{prefix}.")), set())
        found += [(key, n) for n in CATALOGUE_NUMBER.findall(text) if n in values and n not in allowed]
    return found


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_no_catalogue_sentence_writes_a_limit_as_a_number(lang):
    assert limits_written_out(catalogue_sentences(lang)) == []


def test_the_number_scan_finds_a_limit_and_lets_times_and_codes_pass():
    assert limits_written_out([("auth.hint", "At least 10 characters."), ("x.range", "between 1 and 240")]) == [
        ("auth.hint", "10"),
        ("x.range", "1"),
        ("x.range", "240"),
    ]
    assert (
        limits_written_out([("x.time", "e.g. 20:30"), ("x.code", "U+202E, UTF-16, 1980s"), ("x.id", "{count}")]) == []
    )
    assert limits_written_out([("charts.gauge.one", "the guide is 5"), ("charts.gauges", "guide 5")]) == [
        ("charts.gauges", "5")
    ]
