"""Input rules for Web Push subscriptions, as PushSubscription.toJSON() sends them."""

import base64
import binascii

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate

from ..services.outbound import Guard, Refused
from .common import String


def validate_endpoint(value):
    """One of the push services browsers use, or a host in PUSH_ENDPOINT_HOSTS, over https; plain
    http://127.0.0.1 or http://localhost only in DEBUG or TESTING. The worker checks again when it sends."""
    try:
        Guard.from_config(current_app).check_url(value)
    except Refused as exc:
        raise ValidationError(str(exc)) from None


def _b64url_bytes(value):
    if not isinstance(value, str) or "=" in value.rstrip("="):
        return None
    try:
        return base64.b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def validate_p256dh(value):
    raw = _b64url_bytes(value)
    if raw is None or len(raw) != 65 or raw[0] != 0x04:
        raise ValidationError("p256dh must be an uncompressed P-256 point (65 bytes, base64url).")


def validate_auth(value):
    raw = _b64url_bytes(value)
    if raw is None or len(raw) != 16:
        raise ValidationError("auth must be a 16-byte secret (base64url).")


class SubscriptionKeys(Schema):
    p256dh = String(required=True, validate=[validate.Length(max=200), validate_p256dh])
    auth = String(required=True, validate=[validate.Length(max=64), validate_auth])


class SubscriptionIn(Schema):
    endpoint = String(required=True, validate=[validate.Length(min=1, max=1024), validate_endpoint])
    keys = fields.Nested(SubscriptionKeys, required=True)
    # Browsers also send expirationTime; it is accepted and not needed.
    expirationTime = fields.Raw(load_default=None, allow_none=True, load_only=True)  # noqa: N815


class SubscriptionDeleteIn(Schema):
    endpoint = String(required=True, validate=validate.Length(min=1, max=1024))


class SubscriptionOut(Schema):
    endpoint = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class SubscriptionResponse(Schema):
    subscription = fields.Nested(SubscriptionOut)


class PublicKeyOut(Schema):
    public_key = fields.String(metadata={"description": "VAPID public key: uncompressed P-256 point, base64url"})
