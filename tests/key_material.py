"""Real key material made as the phone makes it (issue 15's design), with the cryptography package: device
key pairs, `w1.` wrapped keys and `r1.` recovery blobs. The server checks only their shape; the tests use
real ones so that what they store is what a phone would."""

import base64
import json
import os
import uuid

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def raw_public(private):
    return private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


class PhoneDevice:
    """One device: its id (the sync client_id), its ECDH P-256 pair, and its public key as sent."""

    def __init__(self, label=None):
        self.device_id = str(uuid.uuid4())
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.public_key = b64url(raw_public(self.private))
        self.label = label

    def body(self):
        return {"device_id": self.device_id, "public_key": self.public_key, "label": self.label}

    def unwrap(self, blob, key_id):
        raw = unb64url(blob.removeprefix("w1."))
        ephemeral, iv, sealed = raw[:65], raw[65:77], raw[77:]
        peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), ephemeral)
        info = _info(self.device_id, key_id)
        return AESGCM(_kek(self.private.exchange(ec.ECDH(), peer), info)).decrypt(iv, sealed, info)


def _info(device_id, key_id):
    return f"hearth wrap v1|{device_id}|{key_id}".encode()


def _kek(shared, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=bytes(32), info=info).derive(shared)


def wrap(content_key, device_id, public_key, key_id):
    """The design's ECIES: `w1.` + base64url(ephemeral public (65) || iv (12) || AES-GCM(key) (48))."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    peer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(public_key))
    info = _info(device_id, key_id)
    iv = os.urandom(12)
    sealed = AESGCM(_kek(ephemeral.exchange(ec.ECDH(), peer), info)).encrypt(iv, content_key, info)
    return "w1." + b64url(raw_public(ephemeral) + iv + sealed)


def recovery_blob(user_id, keys):
    """`r1.` + base64url(iv || AES-GCM(JSON of {key_id: base64url key})) under a key from 128 bits of entropy."""
    entropy = os.urandom(16)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hearth recovery v1", info=user_id.encode()).derive(entropy)
    iv = os.urandom(12)
    plain = json.dumps({key_id: b64url(raw) for key_id, raw in keys.items()}).encode()
    return "r1." + b64url(iv + AESGCM(key).encrypt(iv, plain, f"hearth recovery v1|{user_id}".encode()))
