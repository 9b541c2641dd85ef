"""Web Push set-up: the VAPID key pair (made once, never silently again) and the devices' subscriptions."""

import base64
import os
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app
from py_vapid import Vapid
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import AuthSession, PushSubscription, utcnow

INIT_HINT = "Run `flask push init` to create them (once), or set VAPID_PRIVATE_KEY."


class KeysMissing(Exception):
    """No usable VAPID key: push cannot work until an operator creates or fixes it."""


class KeysExist(Exception):
    pass


class HeldByAnother(Exception):  # noqa: N818
    """The endpoint belongs to another account that is still signed in on the device that registered it."""


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key_of(vapid):
    """The public key as PushManager.subscribe's applicationServerKey takes it: the uncompressed
    P-256 point (65 bytes), base64url without padding."""
    return b64url(
        vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )


def _vapid_from_text(text):
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid.from_pem(text.encode())
    return Vapid.from_string(text)  # raw 32-byte scalar or DER, base64url


@lru_cache(maxsize=8)
def _load(source, text):
    try:
        vapid = _vapid_from_text(text)
    except Exception as exc:  # any parse failure means the same thing to the operator
        raise KeysMissing(
            f"The VAPID private key in {source} cannot be read ({type(exc).__name__}). "
            "Fix it, or replace it with `flask push init --force` (every device must then "
            "subscribe again)."
        ) from None
    if not isinstance(vapid.private_key.curve, ec.SECP256R1):
        raise KeysMissing(f"The VAPID private key in {source} is not a P-256 key.")
    return vapid


def load_vapid(config=None):
    """(Vapid, public key) from VAPID_PRIVATE_KEY or the key file; KeysMissing when neither works.

    Never creates a key: a new key would break every stored subscription.
    """
    config = config or current_app.config
    if config.get("VAPID_PRIVATE_KEY"):
        vapid = _load("VAPID_PRIVATE_KEY", config["VAPID_PRIVATE_KEY"])
        return vapid, public_key_of(vapid)
    path = Path(config["VAPID_KEY_FILE"])
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise KeysMissing(f"There is no VAPID key at {path}. {INIT_HINT}") from None
    except OSError as exc:
        raise KeysMissing(f"The VAPID key at {path} cannot be read ({exc.strerror}). {INIT_HINT}") from None
    vapid = _load(str(path), text)
    return vapid, public_key_of(vapid)


def init_keys(force=False, config=None):
    """Creates the key file once and returns (path, public key). KeysExist unless `force`."""
    config = config or current_app.config
    path = Path(config["VAPID_KEY_FILE"])
    if path.exists() and not force:
        raise KeysExist(str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    vapid = Vapid()
    vapid.generate_keys()
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(vapid.private_pem())
    os.replace(tmp, path)  # a half-written key file is never seen
    return path, public_key_of(vapid)


def _held_by_another(user, endpoint, now):
    """True when the endpoint is another account's and the session that registered it is still live.

    A browser used by two accounts one after the other is fine: signing the first out removes its
    subscription (forget_sessions), and so does the hourly housekeeping once its session expired.
    """
    row = db.session.execute(
        select(PushSubscription.user_id, AuthSession.expires_at)
        .join(AuthSession, AuthSession.id == PushSubscription.session_id, isouter=True)
        .where(PushSubscription.endpoint == endpoint)
    ).first()
    return row is not None and row.user_id != user.id and row.expires_at is not None and row.expires_at > now


def subscribe(user, session, endpoint, p256dh, auth):
    """Upsert by endpoint, for one browser's subscription. It is never taken from another account whose
    session on that browser is still live (HeldByAnother): posting someone else's endpoint must not
    silence their phone. Once that session has ended, the endpoint moves to whoever sends it."""
    now = utcnow()
    if _held_by_another(user, endpoint, now):
        raise HeldByAnother()
    values = {
        "user_id": user.id,
        "session_id": session.id if session else None,
        "endpoint": endpoint,
        "p256dh": p256dh,
        "auth": auth,
        "created_at": now,
        "updated_at": now,
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(PushSubscription).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[PushSubscription.endpoint],
        set_={k: stmt.excluded[k] for k in ("user_id", "session_id", "p256dh", "auth", "updated_at")},
    )
    db.session.execute(stmt)
    return db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint).execution_options(populate_existing=True)
    )


def unsubscribe(user, endpoint):
    """True when this user's subscription was removed; False when there was none of theirs."""
    result = db.session.execute(
        delete(PushSubscription).where(PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)
    )
    return result.rowcount > 0


def forget_sessions(session_ids):
    """Logging a device out removes the subscriptions it registered."""
    db.session.execute(delete(PushSubscription).where(PushSubscription.session_id.in_(session_ids)))
