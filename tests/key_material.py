"""Real key material for the key directory's tests, made as the phone makes it: a device (its id, an ECDH
P-256 pair and the public key as sent), `w1.` wrapped keys and `r1.` recovery blobs. The bytes come from
tests/e2e_crypto.py, the one Python twin of the phone's crypto; the server checks only their shape, but
the tests store what a phone would."""

import os
import uuid

import e2e_crypto
from e2e_crypto import b64url

raw_public = e2e_crypto.public_raw


class PhoneDevice:
    """One device: its id (the sync client_id), its ECDH P-256 pair, and its public key as sent."""

    def __init__(self, label=None):
        self.device_id = str(uuid.uuid4())
        self.private = e2e_crypto.new_device_key()
        self.public_key = b64url(raw_public(self.private))
        self.label = label

    def body(self):
        return {"device_id": self.device_id, "public_key": self.public_key, "label": self.label}

    def unwrap(self, blob, key_id):
        return e2e_crypto.unwrap(self.private, self.device_id, key_id, blob)


def wrap(content_key, device_id, public_key, key_id):
    """The design's ECIES: `w1.` + base64url(ephemeral public (65) || iv (12) || AES-GCM(key) (48))."""
    return e2e_crypto.wrap_for(public_key, device_id, key_id, content_key)


def recovery_blob(user_id, keys):
    """`r1.` + base64url(iv || AES-GCM(JSON of the keys)) under a key from 128 bits of fresh entropy."""
    return e2e_crypto.seal_recovery(os.urandom(16), user_id, keys)


__all__ = ["PhoneDevice", "b64url", "raw_public", "recovery_blob", "wrap"]
