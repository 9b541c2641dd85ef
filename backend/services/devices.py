"""Device cookies: OWASP's "Slow down online guessing attacks with device cookies".

A successful login gives the browser a token signed with SECRET_KEY (HMAC-SHA256) that names the
account. A later login attempt for that account from that browser is counted against the token's own
allowance instead of the account's: someone hammering the account from elsewhere exhausts the
untrusted allowance and gets 429, while its owner, on a browser that logged in before, still gets in.

A token is `nonce.signature`, the signature over the normalized email, the nonce and the account's
password hash: changing (or resetting) the password invalidates every token minted before, so a
token kept by someone who once knew the old password stops granting its own allowance. One cookie
holds the tokens of the last few accounts that logged in on that browser (partners may share one).
"""

import base64
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import User
from .accounts import normalize_email

COOKIE_NAME = "hearth_device"
MAX_TOKENS = 4  # accounts remembered per browser
_MAX_COOKIE = 512  # longer values are not ours: ignored, never parsed further
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}")  # 12 random bytes . 32 bytes of HMAC


def _signature(secret, email, nonce, password_hash):
    message = "\x1f".join(("hearth-device-v1", email, nonce, password_hash)).encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _tokens(cookie):
    if not cookie or len(cookie) > _MAX_COOKIE:
        return []
    return [t for t in cookie.split("~") if _TOKEN.fullmatch(t)][:MAX_TOKENS]


def _password_hash(email):
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def trusted_nonce(secret, cookie, email):
    """The nonce of the cookie's token for this email's account, or None (no cookie, another account's,
    forged, minted before the password last changed, or no such account)."""
    tokens = _tokens(cookie)
    if not tokens or not isinstance(email, str):
        return None
    email = normalize_email(email)
    password_hash = _password_hash(email)
    if password_hash is None:
        return None
    for token in tokens:
        nonce, signature = token.split(".")
        if hmac.compare_digest(signature, _signature(secret, email, nonce, password_hash)):
            return nonce
    return None


def remember(secret, cookie, user):
    """The cookie value after `user` logged in on this browser: a fresh token for them first, then the
    tokens still valid for others on this browser (at most MAX_TOKENS in all)."""
    nonce = secrets.token_urlsafe(12)
    fresh = f"{nonce}.{_signature(secret, user.email, nonce, user.password_hash)}"
    others = [t for t in _tokens(cookie) if not _valid_for(secret, t, user)]
    return "~".join([fresh, *others][:MAX_TOKENS])


def _valid_for(secret, token, user):
    nonce, signature = token.split(".")
    return hmac.compare_digest(signature, _signature(secret, user.email, nonce, user.password_hash))
