"""The Python twin of the phone's crypto (tests/e2e_crypto.py) keeps to the design, without a browser:
the official BIP39 word list and vectors, the padding buckets, the sizes of envelopes and wrapped keys."""

import hashlib
import json
from pathlib import Path

import pytest

import e2e_crypto as ec

VECTORS = json.loads((Path(__file__).parent / "e2e" / "bip39_vectors.json").read_text())["vectors"]
CONTEXT = ("0b3f5e0a-7d1c-4c55-9a43-2f1e3b7c9d10", "journal", "text")


def test_the_word_list_is_bip39_english_byte_for_byte():
    text = ec.word_list_text()
    assert hashlib.sha256(text.encode()).hexdigest() == (
        "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda"
    )
    assert len(ec.words()) == 2048 and ec.words()[0] == "abandon" and ec.words()[-1] == "zoo"


@pytest.mark.parametrize(("entropy", "mnemonic"), VECTORS)
def test_bip39_vectors(entropy, mnemonic):
    assert ec.entropy_to_words(bytes.fromhex(entropy)) == mnemonic.split()
    assert ec.words_to_entropy(mnemonic).hex() == entropy


def test_the_vectors_are_every_128_bit_english_one():
    assert len(VECTORS) == 8 and all(len(entropy) == 32 for entropy, _ in VECTORS)


@pytest.mark.parametrize(("text", "size"), [("", 32), ("a" * 31, 32), ("a" * 32, 64), ("я" * 16, 64), ("😀" * 8, 64)])
def test_padding_fills_32_byte_buckets(text, size):
    padded = ec.pad(text.encode())
    assert len(padded) == size and ec.unpad(padded) == text.encode()


@pytest.mark.parametrize("padded", [b"", b"a" * 32, b"a" * 31 + b"\x81", b"\x80" + bytes(63), b"a\x80" + bytes(29)])
def test_bad_padding_is_tampering(padded):
    with pytest.raises(ec.Tampered):
        ec.unpad(padded)


def test_envelope_round_trip_and_size():
    key = ec.new_content_key()
    envelope = ec.seal_text(key, "c1", *CONTEXT, "😀" * 5000)
    assert ec.ENVELOPE.match(envelope) and ec.envelope_key_id(envelope) == "c1"
    assert len(ec.from_b64url(envelope.split(".")[2])) == ec.max_envelope_bytes(5000)
    assert ec.open_text(key, envelope, *CONTEXT) == "😀" * 5000
    shortest = ec.seal_text(key, "p1", *CONTEXT, "")
    assert len(shortest.split(".")[2]) == 80 and ec.open_text(key, shortest, *CONTEXT) == ""


@pytest.mark.parametrize(
    "context", [("other", "journal", "text"), (CONTEXT[0], "answer", "text"), (*CONTEXT[:2], "note")]
)
def test_another_entry_kind_or_field_cannot_open_it(context):
    key = ec.new_content_key()
    with pytest.raises(ec.Tampered):
        ec.open_text(key, ec.seal_text(key, "c1", *CONTEXT, "secret"), *context)


def test_wrapped_key_round_trip_and_only_for_its_device():
    device, other = ec.new_device_key(), ec.new_device_key()
    content = ec.new_content_key()
    blob = ec.wrap_for(ec.public_raw(device), "dev-1", "c2", content)
    assert len(blob) == 3 + 167 and ec.WRAPPED.match(blob)
    assert ec.unwrap(device, "dev-1", "c2", blob) == content
    for args in ((other, "dev-1", "c2"), (device, "dev-2", "c2"), (device, "dev-1", "c3")):
        with pytest.raises(ec.Tampered):
            ec.unwrap(*args, blob)


def test_safety_code_is_symmetric_16_digits():
    a, b = ec.public_raw(ec.new_device_key()), ec.public_raw(ec.new_device_key())
    code = ec.safety_code(a, b)
    assert code == ec.safety_code(b, a) and len(code) == 19 and code.replace(" ", "").isdigit()
    assert [len(group) for group in code.split(" ")] == [4, 4, 4, 4]


def test_recovery_blob_opens_with_the_phrase_only():
    entropy = bytes(range(16))
    keys = {"c1": ec.new_content_key(), "p1": ec.new_content_key()}
    blob = ec.seal_recovery(entropy, "user-1", keys)
    assert ec.open_recovery(entropy, "user-1", blob) == keys
    for entropy_, user in ((bytes(16), "user-1"), (entropy, "user-2")):
        with pytest.raises(ec.Tampered):
            ec.open_recovery(entropy_, user, blob)


def test_python_makes_exactly_the_known_answers():
    stored = json.loads((Path(__file__).parent / "e2e" / "crypto_vectors.json").read_text(encoding="utf-8"))
    stored.pop("about")
    assert ec.known_answers() == stored
