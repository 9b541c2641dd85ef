"""Issue 15: the server accepts a person's words as ciphertext (docs/encryption.md). Envelopes here are
real ones, made as the phone makes them (AES-GCM over the padded text, `e1.<key id>.<base64url>`): each
kind's words are stored and reach the partner byte for byte; a malformed or too-big envelope, mixed key
ids and a key of the wrong class are refused with their codes; a push carries no words, and only the
previewed field's envelope, apart (part 6)."""

import base64
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from backend import kinds
from backend.schemas import words
from backend.services import notifications, visibility
from push_service import subscribe, tick
from samples import REF_TARGET, entry, only_result, put_ok, stored, valid_body

COUPLE_KEY = AESGCM.generate_key(bit_length=256)
OWN_KEY = AESGCM.generate_key(bit_length=256)
WITH_WORDS = [name for name, kind in kinds.KINDS.items() if kind.words]


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _aad(entry_id, kind, field):
    return f"hearth e1|{entry_id}|{kind}|{field}".encode()


def seal(text, entry_id, kind, field, key_id="c1", key=COUPLE_KEY):
    """An envelope as the phone makes it: the text, 0x80, zeros to a multiple of 32, AES-GCM."""
    data = text.encode() + b"\x80"
    data += b"\x00" * (-len(data) % 32)
    iv = os.urandom(12)
    return f"e1.{key_id}." + b64url(iv + AESGCM(key).encrypt(iv, data, _aad(entry_id, kind, field)))


def unseal(envelope, entry_id, kind, field, key=COUPLE_KEY):
    raw = base64.urlsafe_b64decode(envelope.split(".", 2)[2] + "==")
    data = AESGCM(key).decrypt(raw[:12], raw[12:], _aad(entry_id, kind, field))
    return data[: data.rindex(b"\x80")].decode()


def _set(body, where, value):
    *parents, last = [int(part) if part.isdigit() else part for part in where.split(".")]
    node = body
    for part in parents:
        node = node[part]
    node[last] = value


def sealed(kind, body, entry_id, key_id="c1", key=COUPLE_KEY):
    """The body with each of its kind's words fields (those not empty) sealed; {path: plaintext}."""
    plain = {}
    for path in kinds.KINDS[kind].words:
        for where, value in words.at(body, path):
            if value:
                plain[where] = value
                _set(body, where, seal(value, entry_id, kind, where, key_id, key))
    return body, plain


def _ref_for(kind, alice, bob):
    """A partner's entry this kind may answer (bob wrote it, alice answers)."""
    if kind not in REF_TARGET:
        return None
    target = REF_TARGET[kind]
    if target == "answer":
        put_ok(alice, "answer")
    return put_ok(bob, target, ref_id=_ref_for(target, alice, bob))


def _codes(response):
    result = only_result(response)
    assert result["status"] == "rejected", result
    return result["error"]["reason"], result["error"]["codes"]


def _body_with_session_words(kind):
    body = valid_body(kind)
    if kind == "ritual_session":  # every words path holds something
        body["passed"], body["note"] = ["What was hard?"], "We laughed."
    if kind == "reaction":
        body["value"], body["note"] = "not_quite", "The part about Sunday."
    return body


@pytest.mark.parametrize("kind", WITH_WORDS)
def test_an_envelope_in_each_words_field_is_stored_and_reaches_the_partner_byte_for_byte(app, pair, kind):
    alice, bob = pair()
    if kind in visibility.REVEALED:  # withheld until the partner answered the same question: bob did
        put_ok(bob, kind)
    ref_id = _ref_for(kind, alice, bob)
    if kind == "reaction":  # "Not quite", with a note, answers the partner's reflection of your words
        ref_id = put_ok(bob, "reflection", ref_id=put_ok(alice, "disclosure"))
    private = kinds.KINDS[kind].private
    key_id, key = ("p1", OWN_KEY) if private else ("c1", COUPLE_KEY)
    sent = entry(kind, ref_id=ref_id)
    sent["body"], plain = sealed(kind, _body_with_session_words(kind), sent["id"], key_id, key)
    assert plain and len(plain) == sum(len(words.at(sent["body"], path)) for path in kinds.KINDS[kind].words)

    result = only_result(alice.sync(("put", sent)))

    assert result["status"] == "applied", result
    assert {k: result["entry"]["body"][k] for k in sent["body"]} == sent["body"]
    row = stored(app, sent["id"])
    assert {k: row.body[k] for k in sent["body"]} == sent["body"]
    for where, text in plain.items():
        [(_path, envelope)] = words.at(row.body, where)
        assert words.is_envelope(envelope) and text not in envelope
        assert unseal(envelope, sent["id"], kind, where, key) == text
    pulled = {change["id"]: change for change in bob.pull_all()}
    if private:
        assert sent["id"] not in pulled
    else:
        assert {k: pulled[sent["id"]]["body"][k] for k in sent["body"]} == sent["body"]


def test_the_largest_envelope_a_field_allows_is_taken_and_one_block_more_is_not(pair):
    alice, _bob = pair(rituals=False)
    field = kinds.KINDS["appreciation"].schema._declared_fields["text"]
    sent = entry("appreciation")
    most = "\N{SMILING FACE WITH OPEN MOUTH}" * field.max_chars  # four UTF-8 bytes each: the largest text
    sent["body"]["text"] = seal(most, sent["id"], "appreciation", "text")
    raw_size = len(base64.urlsafe_b64decode(sent["body"]["text"][6:] + "=="))
    assert raw_size == words.envelope_cap(field.max_chars)
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"

    bigger = entry("appreciation")
    bigger["body"]["text"] = seal(most + "x" * 32, bigger["id"], "appreciation", "text")
    assert _codes(alice.sync(("put", bigger))) == ("invalid_entry", {"body": {"text": ["envelope_too_big"]}})
    huge = entry("appreciation")
    huge["body"]["text"] = "e1.c1." + "A" * 200_000
    assert _codes(alice.sync(("put", huge))) == ("invalid_entry", {"body": {"text": ["envelope_too_big"]}})


def test_the_cap_comes_from_the_fields_own_limit():
    # 280 characters x 4 bytes + the 0x80 marker = 1121, padded to 1152, + iv and tag (28)
    assert words.envelope_cap(280) == 1180
    assert words.envelope_cap(1) == 60  # the smallest envelope there is: 12 + 16 + 32


def _valid_tail(size=60):
    return b64url(os.urandom(size))


MALFORMED = [
    pytest.param("e1.c1." + _valid_tail()[:-1] + "!", id="not-base64url"),
    pytest.param("e1.c1." + "A" * 81, id="base64-length-that-cannot-be"),
    pytest.param("e1.c1." + _valid_tail() + "=", id="base64-padding"),
    pytest.param("e1.x1." + _valid_tail(), id="no-such-key-class"),
    pytest.param("e1.c0." + _valid_tail(), id="epoch-0"),
    pytest.param("e1.c01." + _valid_tail(), id="epoch-leading-zero"),
    pytest.param("e1.c1234567890." + _valid_tail(), id="epoch-too-long"),
    pytest.param("e1.c1" + _valid_tail(), id="no-dot-after-the-key"),
    pytest.param("e1." + _valid_tail(), id="no-key"),
    pytest.param("e1.c1.", id="nothing-sealed"),
    pytest.param("e1.c1." + _valid_tail(44), id="too-short"),
    pytest.param("e1.c1." + _valid_tail(61), id="not-a-padded-size"),
    pytest.param("e1.c1." + _valid_tail(75), id="not-a-padded-size-either"),
]


@pytest.mark.parametrize("value", MALFORMED)
def test_a_malformed_envelope_is_refused_and_nothing_is_written(app, pair, value):
    alice, _bob = pair(rituals=False)
    sent = entry("disclosure")
    sent["body"]["text"] = value
    assert _codes(alice.sync(("put", sent))) == ("invalid_entry", {"body": {"text": ["bad_envelope"]}})
    assert stored(app, sent["id"]) is None


def test_a_malformed_envelope_deep_in_a_body_names_its_place(pair):
    alice, _bob = pair(rituals=False)
    sent = entry("ritual_session", ref_id=put_ok(alice, "ritual"))
    sent["body"]["answers"][0]["text"] = "e1.c1." + _valid_tail(61)
    reason, codes = _codes(alice.sync(("put", sent)))
    assert codes == {"body": {"answers": {"0": {"text": ["bad_envelope"]}}}}


def test_plaintext_that_merely_starts_like_an_envelope_is_plaintext(pair):
    alice, _bob = pair(rituals=False)
    sent = entry("appreciation", {"text": "e1. Thank you for the walk, c1 of many"})
    assert only_result(alice.sync(("put", sent)))["entry"]["body"]["text"] == sent["body"]["text"]
    assert _codes(alice.sync(("put", entry("appreciation", {"text": "e1.c1.short"})))) == (
        "invalid_entry",
        {"body": {"text": ["bad_envelope"]}},
    )


def test_plaintext_keeps_its_rules_and_codes(pair):
    alice, _bob = pair(rituals=False)
    assert _codes(alice.sync(("put", entry("appreciation", {"text": "x" * 281})))) == (
        "invalid_entry",
        {"body": {"text": ["too_long"]}},
    )
    assert _codes(alice.sync(("put", entry("appreciation", {"text": "   "})))) == (
        "invalid_entry",
        {"body": {"text": ["blank"]}},
    )


def test_one_entrys_envelopes_use_one_key(app, pair):
    alice, _bob = pair(rituals=False)
    sent = entry("disclosure")
    sent["body"], _plain = sealed("disclosure", sent["body"], sent["id"])
    sent["body"]["i_feel"]["need"] = seal("a quiet evening", sent["id"], "disclosure", "i_feel.need", "c2")
    assert _codes(alice.sync(("put", sent))) == ("mixed_keys", {"body": {"i_feel": ["mixed_keys"]}})
    assert stored(app, sent["id"]) is None


def test_plaintext_beside_an_envelope_is_allowed(pair):
    # An entry written before the switch keeps its plaintext fields until its author's phone seals them
    # all (docs/encryption.md, moving existing couples); mixing in one put is the phone's choice.
    alice, _bob = pair(rituals=False)
    sent = entry("disclosure")
    sent["body"]["text"] = seal("I was nervous.", sent["id"], "disclosure", "text")
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"


@pytest.mark.parametrize(
    "kind, visibility_, key_id",
    [
        ("appreciation", "shared", "p1"),  # the partner could not read it
        ("disclosure", "private", "c1"),  # the partner's devices hold the couple key
        ("journal", "shared", "c1"),  # a journal is private whatever the phone sent
        ("journal", "private", "c3"),
    ],
)
def test_a_key_of_the_wrong_class_for_who_may_read_it_is_refused(app, pair, kind, visibility_, key_id):
    alice, _bob = pair(rituals=False)
    sent = entry(kind, visibility=visibility_)
    sent["body"], _plain = sealed(kind, sent["body"], sent["id"], key_id)
    assert _codes(alice.sync(("put", sent))) == ("wrong_key", {"body": {"text": ["wrong_key"]}})
    assert stored(app, sent["id"]) is None


@pytest.mark.parametrize("kind, visibility_", [("disclosure", "private"), ("journal", "private")])
def test_a_private_entry_takes_the_authors_own_key(pair, kind, visibility_):
    alice, _bob = pair(rituals=False)
    sent = entry(kind, visibility=visibility_)
    sent["body"], _plain = sealed(kind, sent["body"], sent["id"], "p2", OWN_KEY)
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"


def test_outside_a_couple_only_the_authors_own_key_fits(signup):
    solo = signup("Sam")
    shared = entry("appreciation")
    shared["body"], _plain = sealed("appreciation", shared["body"], shared["id"], "p1", OWN_KEY)
    assert only_result(solo.sync(("put", shared)))["status"] == "applied"
    couple = entry("appreciation")
    couple["body"], _plain = sealed("appreciation", couple["body"], couple["id"], "c1")
    assert _codes(solo.sync(("put", couple)))[0] == "wrong_key"


def test_turning_a_prepared_question_shared_needs_it_sealed_again_with_the_couple_key(pair):
    alice, _bob = pair()
    ritual = put_ok(alice, "ritual")
    sent = entry("prepared_question", ref_id=ritual, visibility="private")
    sent["body"], _plain = sealed("prepared_question", sent["body"], sent["id"], "p1", OWN_KEY)
    applied = only_result(alice.sync(("put", sent)))["entry"]
    shown = {**sent, "visibility": "shared", "base_rev": applied["rev"]}
    assert _codes(alice.sync(("put", shown)))[0] == "wrong_key"
    shown["body"], _plain = sealed("prepared_question", valid_body("prepared_question"), sent["id"])
    assert only_result(alice.sync(("put", shown)))["status"] == "applied"


HOSTILE = [
    "e1.",
    "e1.c1.",
    "e1.p999999999." + "A" * 80,
    "e1.c1." + "A" * 59,
    "e1.c1." + "_" * 3000,
    "e1.c1.\u0000" + "A" * 80,
    "e1.c1." + "A" * 79 + "\ud800",
    "e1.c1." + "A" * 80 + "\u202e",
    "e1.c1.AAAA\u3000" + "A" * 80,
    "e1.c1." + "Ａ" * 80,  # fullwidth letters: no base64url
    "e1.c1." + "A" * 1_000_001,
]


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_envelopes_never_make_a_500(pair, value):
    alice, _bob = pair(rituals=False)
    for kind, where in (("disclosure", "text"), ("ritual", "prompts"), ("love_map", "guess")):
        body = valid_body(kind)
        body[where] = [value] if where == "prompts" else value
        response = alice.sync(("put", entry(kind, body)))
        assert response.status_code in (200, 413, 422), response.status_code
        if response.status_code == 200:  # "e1.c1.AAAA\u3000…" holds a space: plaintext, and fine as such
            assert only_result(response)["status"] in ("applied", "rejected")


# Pushes: an envelope is never shown as text, even with previews on; the push says what happened (and carries
# the previewed envelope apart, for the phone to open: tests/test_push_previews.py).


@pytest.fixture
def couple(pair, push_service):
    alice, bob = pair()
    assert bob.client.patch("/api/me", json={"show_previews": True}).status_code == 200
    return alice, bob, subscribe(bob, push_service)


@pytest.mark.vapid
@pytest.mark.parametrize(
    "kind, line",
    [("appreciation", "Alice sent you an appreciation"), ("disclosure", "Alice shared something with you")],
)
def test_a_push_for_sealed_words_carries_no_words_and_only_the_previewed_envelope(app, couple, kind, line):
    alice, _bob, device = couple
    sent = entry(kind)
    sent["body"], plain = sealed(kind, sent["body"], sent["id"])
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    tick(app)
    [message] = device.messages(kind)
    assert message["body"] == line
    # The previewed field's envelope travels apart, as `sealed`, for the phone to open (tests/test_push_previews.py);
    # nothing else of the entry's ciphertext, and none of its words, anywhere.
    carried = message.pop("sealed")
    assert carried["envelope"] == sent["body"]["text"]
    text = str(message)
    assert "e1." not in text and all(word not in text + str(carried) for word in plain.values())
    others = [e for e in _envelopes(sent["body"], kind) if e != carried["envelope"]]
    assert all(envelope.split(".")[2][:16] not in text + str(carried) for envelope in others)


@pytest.mark.vapid
def test_a_plaintext_preview_still_shows_the_words(app, couple):
    alice, _bob, device = couple
    put_ok(alice, "appreciation", {"text": "Thank you for the soup"})
    tick(app)
    [message] = device.messages("appreciation")
    assert message["body"] == "Thank you for the soup"


def _envelopes(body, kind):
    return [value for path in kinds.KINDS[kind].words for _where, value in words.at(body, path) if value]


def _recipient(lang="en"):
    return SimpleNamespace(id="bob", language=lang, show_previews=True)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_reminders_and_previews_never_show_an_envelope(lang):
    envelope = seal("Book the table", "e", "commitment", "text")
    commitment = SimpleNamespace(id="e", author_id="alice", body={"text": envelope, "due_date": "2026-05-01"})
    said = notifications.commitment_reminder(commitment, _recipient(lang))
    assert said["body"] == notifications.t("push.commitment_due", lang)
    assert said.pop("sealed")["envelope"] == envelope and "e1." not in str(said)  # apart, for the phone to open
    ritual = SimpleNamespace(id="r", body={"type": "custom", "title": envelope, "prompts": []})
    said = notifications.ritual_reminder(ritual, _recipient(lang))
    said.pop("sealed")
    assert "e1." not in str(said)
    session = SimpleNamespace(body={"answers": [{"prompt": envelope, "prompt_id": "follow_up", "text": envelope}]})
    assert notifications.preview_text("follow_up", session, lang) is None
    timeout = SimpleNamespace(body={"note": envelope})
    assert notifications.preview_text("timeout", timeout, lang) is None


def test_docs_encryption_md_names_every_kind_and_each_of_its_encrypted_fields():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "encryption.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(): line for line in doc.splitlines() if line.startswith("| ")}
    for name, kind in kinds.KINDS.items():
        assert name in rows, f"docs/encryption.md has no row for {name}"
        encrypted = rows[name].split("|")[2]
        assert set(re.findall(r"`([^`]+)`", encrypted)) == set(kind.words), name


def test_the_partner_ticks_a_sealed_step_done_and_the_authors_words_stay_as_stored(app, pair):
    """A partner's phone seals the author's words again with every put (a new envelope of the same words): the
    server cannot compare them, so the tick is judged on the rest and the stored envelope is kept."""
    alice, bob = pair(rituals=False)
    sent = entry("commitment", {**valid_body("commitment"), "owner": "partner", "done_at": None})
    sent["body"], _plain = sealed("commitment", sent["body"], sent["id"])
    assert only_result(alice.sync(("put", sent)))["status"] == "applied"
    kept = sent["body"]["text"]
    again = seal(_plain["text"], sent["id"], "commitment", "text")  # Bob's phone, the same words
    done = stored(app, sent["id"]).created_at.isoformat()
    ticked = {**sent, "body": {**sent["body"], "text": again, "done_at": done}}
    assert only_result(bob.sync(("put", ticked)))["status"] == "applied"
    assert stored(app, sent["id"]).body == {**sent["body"], "text": kept, "done_at": done}
    # Anything else a partner changes is still refused: the due date, the owner.
    moved = {**ticked, "body": {**ticked["body"], "owner": "both"}}
    assert only_result(bob.sync(("put", moved)))["error"]["reason"] == "not_author"
