"""One registry of entry kinds on each side (issue 11, item 1): backend/kinds.py on the server,
frontend/js/kinds.js on the phone. These tests fail when the two disagree, when a kind lacks a body
schema, a name in the catalogues or its case in the feed, and when a module lists kinds again
instead of asking its registry."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from marshmallow import Schema, fields

from backend import kinds
from backend.models import Entry, utcnow
from backend.schemas.entries import EntryOut, entry_out
from backend.schemas.words import WordsField
from backend.services import notifications
from samples import valid_body

ROOT = Path(__file__).resolve().parent.parent
PHONE_KINDS = ROOT / "frontend" / "js" / "kinds.js"
FEED = ROOT / "frontend" / "js" / "parts" / "feed.js"
CATALOGUES = {
    lang: json.loads((ROOT / "frontend" / "locales" / f"{lang}.json").read_text(encoding="utf-8"))
    for lang in ("en", "ru")
}


def phone_registry():
    """frontend/js/kinds.js's KINDS, as node imports it (the module needs no DOM)."""
    if shutil.which("node") is None:
        pytest.fail("node is needed to read frontend/js/kinds.js")
    script = f"import({json.dumps(PHONE_KINDS.as_uri())}).then((m) => console.log(JSON.stringify(m.KINDS)))"
    done = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, timeout=30, check=True
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def phone():
    return phone_registry()


def test_the_phone_knows_the_same_kinds_as_the_server(phone):
    assert sorted(phone) == sorted(kinds.NAMES)


@pytest.mark.parametrize("name", kinds.NAMES)
def test_the_phone_and_the_server_agree_on_each_kinds_rules(phone, name):
    server = kinds.KINDS[name]
    assert (phone[name]["edit"], phone[name]["private"]) == (server.edit, server.private)
    # What the phone seals is what the server takes as envelopes (issue 15), path for path.
    assert phone[name]["sealed"] == list(server.words)


@pytest.mark.parametrize("name", kinds.NAMES)
def test_every_kind_has_a_body_schema_that_loads_a_valid_body(name):
    schema = kinds.KINDS[name].schema
    assert isinstance(schema, type) and issubclass(schema, Schema)
    schema().load(valid_body(name))  # tests/samples.py needs a valid body for each kind too


@pytest.mark.parametrize("name", kinds.NAMES)
def test_every_kind_shows_somewhere_on_the_phone(phone, name):
    # A kind the partner is told about (a push) that the phone never shows would be a push to nothing.
    assert phone[name]["shows"], f"{name}: kinds.js names no place that shows it"


def test_the_feed_renders_exactly_the_kinds_kinds_js_puts_in_it(phone):
    # parts/feed.js needs a DOM, so node cannot import it: its switch is read as text.
    source = FEED.read_text(encoding="utf-8")
    cases = set(re.findall(r"""^\s*case\s+["']([a-z_]+)["']\s*:""", source, re.M))
    assert cases == {name for name, kind in phone.items() if "feed" in kind["shows"]}


@pytest.mark.parametrize("name", [*kinds.NAMES, "unknown"])
def test_every_kind_has_a_name_in_both_languages(phone, name):
    key = phone[name]["label"] if name in phone else "kind.unknown.label"
    assert key == f"kind.{name}.label"
    for lang, catalogue in CATALOGUES.items():
        value = catalogue
        for part in key.split("."):
            value = value.get(part, {}) if isinstance(value, dict) else {}
        assert isinstance(value, str) and value.strip(), f"{lang}: {key} missing"


@pytest.mark.parametrize("name", sorted(kinds.named(lambda kind: kind.tells_partner)))
def test_every_kind_the_partner_hears_of_has_a_notification(name):
    assert name in notifications.PARTNER_EVENTS


def test_push_previews_read_only_fields_of_their_kinds_schema():
    for name, kind in kinds.KINDS.items():
        if kind.preview:
            assert kind.preview in kind.schema().fields, name


# --- no second list of kinds --------------------------------------------------------------------

KIND_LITERAL = re.compile(r"""["'](%s)["']""" % "|".join(sorted(kinds.NAMES, key=len, reverse=True)))


def lists_of_kinds(paths, home):
    """Lines that name two or more kinds: a list of kinds kept outside the registry."""
    found = []
    for path in paths:
        if path == home:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "not kinds" in line:  # a list of other things that share a kind's name (screens, routes)
                continue
            code = re.sub(r"#.*$" if path.suffix == ".py" else r"//.*$", "", line)
            if len(set(KIND_LITERAL.findall(code))) >= 2:
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_server_module_keeps_its_own_list_of_kinds():
    backend = ROOT / "backend"
    assert lists_of_kinds(sorted(backend.rglob("*.py")), backend / "kinds.py") == []


def test_no_phone_module_keeps_its_own_list_of_kinds():
    assert lists_of_kinds(sorted((ROOT / "frontend" / "js").rglob("*.js")), PHONE_KINDS) == []


# --- one serializer ---------------------------------------------------------------------------------


def test_entry_out_writes_what_the_openapi_schema_documents():
    # EntryOut documents the shape (OpenAPI); entry_out writes it, by hand for speed: they must agree.
    row = Entry(
        id="5b0e7c1e-1111-4222-8333-444455556666",
        couple_id="c1",
        author_id="u1",
        kind="bid",
        visibility="shared",
        ref_id=None,
        body=valid_body("bid"),
        rev=2,
        seq=7,
        created_at=utcnow(),
        updated_at=utcnow(),
        deleted=False,
    )
    assert entry_out(row) == EntryOut().dump(row)
    assert set(entry_out(row)) == set(EntryOut().fields)


# Issue 15: every text field of a body schema is either a person's words (a Words field, named in its
# kind's `words`, which the phone encrypts) or one of these strings the server needs in the clear. A new
# String field in a body schema fails the test below until it is put in one place or the other.
CLEAR_TEXT = {
    # dates and instants: the Us numbers, the reminders and the sync rules read them
    ("disclosure", "local_date"),
    ("answer", "local_date"),
    ("question_swap", "local_date"),
    ("ritual", "schedule.time"),
    ("ritual", "schedule.start_date"),
    ("ritual_session", "started_at"),
    ("ritual_session", "ended_at"),
    ("session_step", "at"),
    ("commitment", "due_date"),
    ("commitment", "done_at"),
    ("timeout", "return_at"),
    ("timeout", "ended_at"),
    ("prepared_question", "day"),
    # choices from a fixed list (the words are the catalogue's): read by the Us page, reminders and rules
    ("disclosure", "category"),
    ("reaction", "value"),
    ("bid", "type"),
    ("bid", "bidder"),
    ("bid_response", "response"),
    ("ritual", "type"),
    ("ritual", "template"),
    ("ritual", "schedule.freq"),
    ("ritual_session", "answers.*.prompt_id"),
    ("session_step", "first"),
    ("commitment", "owner"),
    ("agreement", "category"),
    ("agreement", "starter"),
    ("repair", "phrase"),
    # feeling ids: the English word of the phone's vocabulary (frontend/js/feelings.js), shown translated
    ("disclosure", "feelings.*"),
    ("checkin", "feelings.*"),
    ("journal", "feelings.*"),
    # question ids (the withheld-until-answered rule and the swap read them) and an entry id
    ("answer", "question_id"),
    ("love_map", "question_id"),
    ("question_swap", "from_id"),
    ("question_swap", "to_id"),
    ("prepared_question", "asked_in"),
}


def body_strings(schema, prefix=""):
    """(path, field) of every String field of a body schema, through nested schemas and lists."""
    for name, field in schema._declared_fields.items():
        yield from _strings(field, prefix + name)


def _strings(field, path):
    if isinstance(field, fields.Nested):
        yield from body_strings(field.nested, path + ".")
    elif isinstance(field, fields.List):
        yield from _strings(field.inner, path + ".*")
    elif isinstance(field, fields.String):
        yield path, field


@pytest.mark.parametrize("name", kinds.NAMES)
def test_every_text_field_of_a_body_is_words_or_named_clear(name):
    kind = kinds.KINDS[name]
    strings = dict(body_strings(kind.schema))
    words = {path for path, field in strings.items() if isinstance(field, WordsField)}
    assert set(kind.words) == words, "kinds.py `words` must name exactly the Words fields of the body"
    clear = set(strings) - words
    assert clear == {path for kind_name, path in CLEAR_TEXT if kind_name == name}, (
        "a String field that is no Words field must be in CLEAR_TEXT, with why it stays readable"
    )


def test_the_clear_text_list_names_only_fields_that_exist():
    every = {(name, path) for name in kinds.NAMES for path, _field in body_strings(kinds.KINDS[name].schema)}
    assert every >= CLEAR_TEXT
