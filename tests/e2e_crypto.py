"""The phone's end-to-end encryption (frontend/js/crypto/), made again with the `cryptography` package.

Two uses: the browser tests check that the phone's bytes are the standard primitives' (Python opens what the
phone seals and the other way round), and server tests can make real ciphertext: envelopes, `w1.` wrapped
keys, `r1.` recovery blobs and safety codes exactly as a phone would. The layout is the design of issue 15.
"""

import base64
import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ID = re.compile(r"^[cp][1-9][0-9]{0,8}$")
ENVELOPE = re.compile(r"^e1\.[cp][1-9][0-9]{0,8}\.[A-Za-z0-9_-]{59,}$")
WRAPPED = re.compile(r"^w1\.[A-Za-z0-9_-]{167}$")
IV, TAG, BUCKET, RAW_PUBLIC = 12, 16, 32, 65
RECOVERY = b"hearth recovery v1"
WORD_LIST = Path(__file__).resolve().parent.parent / "frontend" / "js" / "crypto" / "bip39-en.js"


class Tampered(Exception):
    """What the phone calls TamperedError: nothing decrypted, nothing shown."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("not canonical base64url")
    return data


def _part(value: str) -> str:
    if not isinstance(value, str) or not value or "|" in value:
        raise ValueError(f"bad context part {value!r}")
    return value


def _key_id(key_id: str) -> str:
    if not KEY_ID.match(key_id):
        raise ValueError(f"bad key id {key_id!r}")
    return key_id


# --- content keys and envelopes -------------------------------------------------------------


def new_content_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def pad(data: bytes) -> bytes:
    size = (len(data) + 1 + BUCKET - 1) // BUCKET * BUCKET
    return data + b"\x80" + bytes(size - len(data) - 1)


def unpad(padded: bytes) -> bytes:
    stripped = padded.rstrip(b"\0")
    if not padded or len(padded) % BUCKET or not stripped.endswith(b"\x80") or len(padded) - len(stripped) >= BUCKET:
        raise Tampered("padding")
    return stripped[:-1]


def envelope_aad(entry_id: str, kind: str, field: str) -> bytes:
    return ("hearth e1|" + "|".join(_part(p) for p in (entry_id, kind, field))).encode()


def max_envelope_bytes(max_chars: int) -> int:
    """The decoded size of the largest envelope a field of max_chars characters can give (4 bytes a char)."""
    return (max_chars * 4 + 1 + BUCKET - 1) // BUCKET * BUCKET + IV + TAG


def seal_text(key: bytes, key_id: str, entry_id: str, kind: str, field: str, text: str, iv: bytes | None = None):
    iv = iv if iv is not None else os.urandom(IV)
    sealed = AESGCM(key).encrypt(iv, pad(text.encode()), envelope_aad(entry_id, kind, field))
    return f"e1.{_key_id(key_id)}.{b64url(iv + sealed)}"


def envelope_key_id(envelope: str) -> str | None:
    return envelope.split(".")[1] if isinstance(envelope, str) and ENVELOPE.match(envelope) else None


def open_text(key: bytes, envelope: str, entry_id: str, kind: str, field: str) -> str:
    aad = envelope_aad(entry_id, kind, field)
    if envelope_key_id(envelope) is None:
        raise Tampered("malformed")
    try:
        data = from_b64url(envelope.split(".")[2])
    except ValueError as err:
        raise Tampered("malformed") from err
    if len(data) < IV + BUCKET + TAG or (len(data) - IV - TAG) % BUCKET:
        raise Tampered("malformed")
    try:
        padded = AESGCM(key).decrypt(data[:IV], data[IV:], aad)
    except InvalidTag as err:
        raise Tampered("tag") from err
    try:
        return unpad(padded).decode("utf-8")
    except UnicodeDecodeError as err:
        raise Tampered("utf-8") from err


# --- device keys and wrapping ---------------------------------------------------------------


def new_device_key(secret: int | None = None) -> ec.EllipticCurvePrivateKey:
    """A random P-256 key, or the one with this private scalar (the known-answer vectors)."""
    if secret is not None:
        return ec.derive_private_key(secret, ec.SECP256R1())
    return ec.generate_private_key(ec.SECP256R1())


def pkcs8(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """The private key as PKCS #8 DER: how a test hands a known device key to the browser (importKey)."""
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_raw(private_key: ec.EllipticCurvePrivateKey) -> bytes:
    """65 bytes, 0x04 || x || y: what a phone registers (as base64url, 87 characters)."""
    return private_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def _load_public(raw: bytes) -> ec.EllipticCurvePublicKey:
    if len(raw) != RAW_PUBLIC or raw[0] != 4:
        raise ValueError("not a raw P-256 public key")
    return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)


def _wrapping(private_key, public_key, device_id: str, key_id: str) -> tuple[AESGCM, bytes]:
    shared = private_key.exchange(ec.ECDH(), public_key)
    info = f"hearth wrap v1|{_part(device_id)}|{_key_id(key_id)}".encode()
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes(32), info=info).derive(shared)
    return AESGCM(key), info


def wrap_for(
    device_public: bytes | str, device_id: str, key_id: str, content_key: bytes, ephemeral=None, iv=None
) -> str:
    """ephemeral and iv are random unless given (the known-answer vectors fix them)."""
    raw = from_b64url(device_public) if isinstance(device_public, str) else device_public
    assert len(content_key) == 32
    ephemeral = ephemeral or new_device_key()
    aead, info = _wrapping(ephemeral, _load_public(raw), device_id, key_id)
    iv = iv if iv is not None else os.urandom(IV)
    return "w1." + b64url(public_raw(ephemeral) + iv + aead.encrypt(iv, content_key, info))


def unwrap(device_private: ec.EllipticCurvePrivateKey, device_id: str, key_id: str, blob: str) -> bytes:
    if not WRAPPED.match(blob):
        raise Tampered("malformed")
    data = from_b64url(blob[3:])
    try:
        ephemeral = _load_public(data[:RAW_PUBLIC])
    except ValueError as err:
        raise Tampered("malformed") from err
    aead, info = _wrapping(device_private, ephemeral, device_id, key_id)
    try:
        return aead.decrypt(data[RAW_PUBLIC : RAW_PUBLIC + IV], data[RAW_PUBLIC + IV :], info)
    except InvalidTag as err:
        raise Tampered("tag") from err


def device_proof(content_key: bytes, key_id: str, user_id: str, device_id: str, public_key: str) -> str:
    """A device's proof that its person set it up (docs/encryption.md, "The device proof"): `<key id>.` and
    base64url(HMAC-SHA256(HKDF(content key, info "hearth device proof v1|<key id>"), the label, the user id,
    the device id and its public key)). Only a holder of the content key can make one."""
    info = f"hearth device proof v1|{_key_id(key_id)}".encode()
    mac_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes(32), info=info).derive(content_key)
    message = f"hearth device proof v1|{_part(user_id)}|{_part(device_id)}|{public_key}".encode()
    return f"{key_id}." + b64url(hmac.new(mac_key, message, hashlib.sha256).digest())


def safety_code(public_a: bytes | str, public_b: bytes | str) -> str:
    keys = sorted(from_b64url(k) if isinstance(k, str) else k for k in (public_a, public_b))
    number = int.from_bytes(hashlib.sha256(keys[0] + keys[1]).digest()[:8], "big") % 10**16
    digits = f"{number:016d}"
    return " ".join(digits[i : i + 4] for i in range(0, 16, 4))


# --- the recovery phrase and blob -----------------------------------------------------------


def words() -> list[str]:
    """The BIP39 English list, read from the phone's module (the text between its backticks)."""
    return word_list_text().splitlines()


def word_list_text() -> str:
    source = WORD_LIST.read_text(encoding="utf-8")
    return source[source.index("`") + 1 : source.rindex("`")]


def entropy_to_words(entropy: bytes) -> list[str]:
    assert len(entropy) == 16
    bits = int.from_bytes(entropy, "big") << 4 | hashlib.sha256(entropy).digest()[0] >> 4
    table = words()
    return [table[(bits >> 11 * i) & 2047] for i in range(11, -1, -1)]


def words_to_entropy(phrase: list[str] | str) -> bytes:
    items = phrase.split() if isinstance(phrase, str) else phrase
    table = {word: index for index, word in enumerate(words())}
    if len(items) != 12:
        raise ValueError("phrase_length")
    bits = 0
    for word in items:
        if word.lower() not in table:
            raise ValueError("phrase_word")
        bits = bits << 11 | table[word.lower()]
    entropy = (bits >> 4).to_bytes(16, "big")
    if bits & 15 != hashlib.sha256(entropy).digest()[0] >> 4:
        raise ValueError("phrase_checksum")
    return entropy


def recovery_key(entropy: bytes, user_id: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=RECOVERY, info=user_id.encode()).derive(entropy)


def seal_recovery(entropy: bytes, user_id: str, keys: dict[str, bytes], iv: bytes | None = None) -> str:
    table = {_key_id(key_id): b64url(raw) for key_id, raw in sorted(keys.items())}
    iv = iv if iv is not None else os.urandom(IV)
    sealed = AESGCM(recovery_key(entropy, user_id)).encrypt(
        iv, json.dumps(table).encode(), RECOVERY + b"|" + user_id.encode()
    )
    return "r1." + b64url(iv + sealed)


def open_recovery(entropy: bytes, user_id: str, blob: str) -> dict[str, bytes]:
    if not blob.startswith("r1."):
        raise Tampered("malformed")
    data = from_b64url(blob[3:])
    try:
        plain = AESGCM(recovery_key(entropy, user_id)).decrypt(data[:IV], data[IV:], RECOVERY + b"|" + user_id.encode())
    except InvalidTag as err:
        raise Tampered("tag") from err
    return {key_id: from_b64url(raw) for key_id, raw in json.loads(plain).items()}


# --- known answers: fixed inputs, so a change of format on either side shows ------------------


def known_answers() -> dict:
    """Every format made from fixed inputs (tests/e2e/crypto_vectors.json holds the result, written once)."""
    key = bytes(range(32))
    device, ephemeral, other = new_device_key(0x1234), new_device_key(0x5678), new_device_key(0x9ABC)
    entropy = bytes.fromhex("7dce4ed2284c9134d026608ab684c05c")
    context = ("0b3f5e0a-7d1c-4c55-9a43-2f1e3b7c9d10", "answer", "answers.0.text")
    return {
        "content_key": b64url(key),
        "envelope": {
            "entry_id": context[0],
            "kind": context[1],
            "field": context[2],
            "text": "Я скучаю 😀",
            "sealed": seal_text(key, "c3", *context, "Я скучаю 😀", iv=bytes(range(12))),
        },
        "wrap": {
            "device_pkcs8": b64url(pkcs8(device)),
            "device_public": b64url(public_raw(device)),
            "device_id": "5f0c7a3e-2b1d-4e6f-8a9b-0c1d2e3f4a5b",
            "key_id": "c3",
            "blob": wrap_for(
                public_raw(device), "5f0c7a3e-2b1d-4e6f-8a9b-0c1d2e3f4a5b", "c3", key, ephemeral, bytes(12)
            ),
        },
        "recovery": {
            "entropy": entropy.hex(),
            "words": " ".join(entropy_to_words(entropy)),
            "user_id": "u-42",
            "keys": {"c3": b64url(key)},
            "blob": seal_recovery(entropy, "u-42", {"c3": key}, iv=bytes(range(12, 24))),
        },
        "safety": {
            "a": b64url(public_raw(device)),
            "b": b64url(public_raw(other)),
            "code": safety_code(public_raw(device), public_raw(other)),
        },
    }
