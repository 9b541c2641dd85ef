"""Input rules for Web Push subscriptions, as PushSubscription.toJSON() sends them."""
import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate

from .common import String

LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _host_ip(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def validate_endpoint(value):
    """https to a public host; plain http only to a loopback host while in DEBUG or TESTING."""
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValidationError("Not a valid URL.") from None
    if not host or parts.username or parts.password:
        raise ValidationError("Not a valid push endpoint.")
    ip = _host_ip(host)
    loopback = host in LOOPBACK_NAMES or (ip is not None and ip.is_loopback)
    local_dev = current_app.debug or current_app.testing
    if parts.scheme == "http":
        if not (loopback and local_dev):
            raise ValidationError("A push endpoint must use https.")
        return
    if parts.scheme != "https":
        raise ValidationError("A push endpoint must use https.")
    if loopback and local_dev:
        return
    if loopback or (ip is not None and not ip.is_global):
        raise ValidationError("A push endpoint must be on the internet.")
    allowed = current_app.config.get("PUSH_ENDPOINT_HOSTS") or ()
    if allowed and not any(host == h or host.endswith("." + h) for h in allowed):
        raise ValidationError("This push service is not allowed here.")


def _b64url_bytes(value):
    if not isinstance(value, str) or "=" in value.rstrip("="):
        return None
    try:
        return base64.b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4), altchars=b"-_",
                                validate=True)
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
