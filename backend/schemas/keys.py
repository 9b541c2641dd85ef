"""Input rules for the key directory (/api/keys): device public keys, wrapped keys, the recovery blob.

The server never opens any of it; it checks only that each value has the shape the design gives it
(issue 15): a public key is a real P-256 point, a wrapped key is exactly `w1.` and 65 + 12 + 48 bytes,
a recovery blob is `r1.` and at least an iv, a tag and a byte, capped at RECOVERY_BLOB_MAX characters.
"""

import base64
import binascii
import re
import unicodedata

from cryptography.hazmat.primitives.asymmetric import ec
from marshmallow import Schema, fields, post_load

from .. import limits as L
from ..errors import invalid
from .common import Length, String, validate_no_bidi
from .entries import Uuid

_B64URL = re.compile(r"^[A-Za-z0-9_-]*\Z")
KEY_ID = re.compile(r"^([cp])([1-9][0-9]{0,8})\Z")
PUBLIC_KEY_BYTES = 65  # uncompressed P-256: 0x04, x, y
WRAPPED_BYTES = 65 + 12 + 48  # ephemeral public key, iv, the 32-byte key sealed with its 16-byte tag
RECOVERY_MIN_BYTES = 12 + 16 + 1  # iv, tag, at least one byte of JSON
CHECK_BYTES, CHECK_CHARS = 16, 22  # a key check: 16 bytes of an HMAC, base64url
PROOF = re.compile(r"^([cp])[1-9][0-9]{0,8}\.([A-Za-z0-9_-]{43})\Z")  # a device proof: key id, HMAC-SHA256


def b64url_bytes(value):
    """The bytes of canonical unpadded base64url text, else None (padding, other characters, or
    stray low bits in the last character: one value has one spelling)."""
    if not _B64URL.match(value) or len(value) % 4 == 1:
        return None
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == value else None


def validate_public_key(value):
    raw = b64url_bytes(value) if len(value) <= 100 else None
    if raw is None or len(raw) != PUBLIC_KEY_BYTES or raw[0] != 0x04:
        raise invalid("bad_public_key")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:  # not on the curve
        raise invalid("bad_public_key") from None


def validate_key_id(value):
    if not KEY_ID.match(value):
        raise invalid("bad_key_id")


def validate_wrapped(value):
    raw = b64url_bytes(value[3:]) if len(value) == L.WRAPPED_KEY_CHARS and value.startswith("w1.") else None
    if raw is None or len(raw) != WRAPPED_BYTES or raw[0] != 0x04:
        raise invalid("bad_wrapped_key")


def validate_recovery(value):
    if len(value) > L.RECOVERY_BLOB_MAX:
        raise invalid("too_long", max=L.RECOVERY_BLOB_MAX)
    raw = b64url_bytes(value[3:]) if value.startswith("r1.") else None
    if raw is None or len(raw) < RECOVERY_MIN_BYTES:
        raise invalid("bad_recovery_blob")


def validate_transfer(value):
    if len(value) > L.TRANSFER_BLOB_MAX:
        raise invalid("too_long", max=L.TRANSFER_BLOB_MAX)
    raw = b64url_bytes(value[3:]) if value.startswith("r1.") else None
    if raw is None or len(raw) < RECOVERY_MIN_BYTES:
        raise invalid("bad_transfer_blob")


def validate_label(value):
    if len(value) > L.DEVICE_LABEL_MAX:
        raise invalid("too_long", max=L.DEVICE_LABEL_MAX)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise invalid("control_char")
    validate_no_bidi(value)


def KeyId(**kwargs):
    return String(validate=validate_key_id, **kwargs)


class DeviceIdField(String):
    """A device id: the phone's sync client_id, a UUID, kept in lower case (one device, one spelling)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


def DeviceId(**kwargs):
    return DeviceIdField(validate=Uuid().validators, **kwargs)


class DeviceIn(Schema):
    device_id = DeviceId(required=True)
    public_key = String(required=True, validate=validate_public_key)
    label = String(load_default=None, allow_none=True, validate=validate_label)

    @post_load
    def tidy(self, data, **kwargs):
        data["label"] = (data["label"] or "").strip() or None
        return data


def _validate_proof(kind):
    def validate(value):
        found = PROOF.match(value)
        if found is None or found.group(1) != kind or b64url_bytes(found.group(2)) is None:
            raise invalid("bad_device_proof")

    return validate


class ProofIn(Schema):
    """A device's proofs that its person set it up (docs/encryption.md, "The device proof"). A field left out
    stays as it is; null clears it."""

    personal = String(
        allow_none=True,
        validate=_validate_proof("p"),
        metadata={"description": "p<n>. and base64url(HMAC-SHA256) under a key from the personal key p<n>"},
    )
    couple = String(
        allow_none=True,
        validate=_validate_proof("c"),
        metadata={"description": "c<n>. and base64url(HMAC-SHA256) under a key from the couple key c<n>"},
    )


PROOF_OUT = "<key id>.<base64url HMAC>, made by the device itself; null until it holds such a key"


class DeviceOut(Schema):
    device_id = fields.String()
    user_id = fields.String()
    public_key = fields.String(metadata={"description": "ECDH P-256, raw uncompressed point, base64url (87)"})
    label = fields.String(allow_none=True)
    personal_proof = fields.String(allow_none=True, metadata={"description": "From the personal key: " + PROOF_OUT})
    couple_proof = fields.String(allow_none=True, metadata={"description": "From a couple key: " + PROOF_OUT})
    created_at = fields.DateTime()


class DeviceResponse(Schema):
    device = fields.Nested(DeviceOut)


class DirectoryQuery(Schema):
    device = DeviceId(
        load_default=None,
        metadata={"description": "The caller's own device whose wrapped keys to list; without it, none"},
    )


class WrappedOut(Schema):
    key_id = fields.String(metadata={"description": "c<epoch>: the couple key; p<epoch>: the personal key"})
    blob = fields.String(metadata={"description": "w1. and base64url(ephemeral public key, iv, ciphertext)"})
    by_device = fields.String(allow_none=True, metadata={"description": "The device that wrapped it, if it said"})
    created_at = fields.DateTime()


class DirectoryOut(Schema):
    devices = fields.List(fields.Nested(DeviceOut), metadata={"description": "Own and current partner's"})
    couple_epoch = fields.Integer(allow_none=True, metadata={"description": "null outside a couple"})
    personal_epoch = fields.Integer()
    wrapped = fields.List(fields.Nested(WrappedOut), metadata={"description": "For ?device= (the caller's)"})
    waiting = fields.List(
        fields.String(), metadata={"description": "Device ids of the couple with no copy of the current couple key"}
    )
    recovery = fields.Boolean(metadata={"description": "Whether a recovery blob is stored"})


def validate_check(value):
    raw = b64url_bytes(value) if len(value) == CHECK_CHARS else None
    if raw is None or len(raw) != CHECK_BYTES:
        raise invalid("bad_key_check")


class WrappedIn(Schema):
    device_id = DeviceId(required=True)
    key_id = KeyId(required=True)
    blob = String(required=True, validate=validate_wrapped)
    check = String(
        load_default=None,
        allow_none=True,
        validate=validate_check,
        metadata={
            "description": "base64url(first 16 bytes of HMAC-SHA256(raw content key, 'hearth key check v1')): the "
            "first one stored for a key id wins; another is 409 key_exists. Without it, nothing is checked"
        },
    )


class WrappedPutIn(Schema):
    items = fields.List(fields.Nested(WrappedIn), required=True, validate=Length(max=L.KEY_ITEMS_MAX))
    by_device = DeviceId(
        load_default=None, allow_none=True, metadata={"description": "The caller's device that wrapped them"}
    )


class WrappedPutOut(Schema):
    stored = fields.Integer(metadata={"description": "How many copies were stored or replaced"})


class RecoveryIn(Schema):
    blob = String(required=True, validate=validate_recovery)


class RecoveryOut(Schema):
    blob = fields.String(allow_none=True)


class TransferIn(Schema):
    blob = String(
        required=True,
        validate=validate_transfer,
        metadata={"description": "r1. and base64url: the content keys sealed with a one-off secret"},
    )


class TransferStored(Schema):
    expires_at = fields.DateTime(metadata={"description": "The server's clock: after this, GET answers null"})


class TransferOut(Schema):
    blob = fields.String(allow_none=True, metadata={"description": "null: none stored, or it expired"})
    expires_at = fields.DateTime(allow_none=True)


class ExportKeysOut(Schema):
    """The export's `keys`: the person's own devices, their personal epoch and their recovery blob (with the
    phrase, what opens their encrypted words away from any device). Wrapped keys are left out: only the
    device each is wrapped to can open it, and that device holds its own copy."""

    devices = fields.List(fields.Nested(DeviceOut))
    personal_epoch = fields.Integer()
    recovery = fields.String(allow_none=True)
