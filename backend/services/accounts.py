"""Accounts and login sessions: passwords (argon2id), session rows, revocation."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache
from typing import NamedTuple

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AuthSession, User, utcnow
from . import couples, prebuilt, push

hasher = PasswordHasher()  # argon2id with the library's recommended parameters
# Checked against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = hasher.hash(secrets.token_urlsafe(16))
# A rolling session is extended at most this often, to keep reads from writing.
ROLL_EVERY = timedelta(hours=1)


class EmailTaken(Exception):
    pass


def _token_id(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email):
    return email.strip().lower()


def signup(email, password, display_name, timezone, language="en"):
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise EmailTaken(email)
    user = User(
        email=email,
        password_hash=hasher.hash(password),
        display_name=display_name.strip(),
        timezone=timezone,
        language=language,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Another signup took the email between the check above and this insert.
        db.session.rollback()
        raise EmailTaken(email) from None
    return user


def authenticate(email, password):
    """The user for a right email and password, else None, in about the same time either way."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


def check_password(user, password):
    try:
        return hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def start_session(user, user_agent=None):
    """A new login session; returns the raw token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        AuthSession(
            id=_token_id(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + current_app.config["SESSION_LIFETIME"],
            user_agent=(user_agent or "")[:200] or None,
        )
    )
    return token


class Caller(NamedTuple):
    """Who a request is from, as read with the session: enough for the API's hot paths
    (sync needs only these), without loading the user or session rows."""

    id: str  # the user's id
    couple_id: str | None
    session_id: str


@cache
def _session_query():
    """The live session's user, couple, and whether it is due to roll, in one query built once: every
    API request with a cookie runs it (through prebuilt.execute: straight to psycopg on PostgreSQL).
    The times are compared in SQL, so no datetime comes back to convert."""
    sessions, users = AuthSession.__table__, User.__table__
    return (
        select(sessions.c.user_id, users.c.couple_id, (sessions.c.last_seen_at < bindparam("roll_before")).label("due"))
        .join_from(sessions, users, sessions.c.user_id == users.c.id)
        .where(sessions.c.id == bindparam("session_id"), sessions.c.expires_at > bindparam("now"))
    )


@cache
def _roll_statement():
    sessions = AuthSession.__table__
    return (
        update(sessions)
        .where(sessions.c.id == bindparam("session_id"))
        .values(last_seen_at=bindparam("now"), expires_at=bindparam("expires"))
    )


def resolve_session(token):
    """(caller, rolled) for a cookie token: the live session's Caller, extended if it was due to roll.

    (None, False) when the token is unknown or expired.
    """
    if not token:
        return None, False
    session_id = _token_id(token)
    now = utcnow()
    row = prebuilt.execute(
        _session_query(), {"session_id": session_id, "now": now, "roll_before": now - ROLL_EVERY}
    ).fetchone()
    if row is None:
        return None, False
    user_id, couple_id, due = row
    caller = Caller(user_id, couple_id, session_id)
    if not due:
        return caller, False
    prebuilt.execute(
        _roll_statement(),
        {"session_id": session_id, "now": now, "expires": now + current_app.config["SESSION_LIFETIME"]},
    )
    db.session.commit()
    return caller, True


def end_session(session):
    push.forget_sessions([session.id])  # the device logged out stops getting pushes
    db.session.delete(session)


def end_expired_sessions():
    """Sessions past their expiry are removed, with the push subscriptions their devices registered:
    a phone nobody has opened for SESSION_LIFETIME stops getting notifications, as after a logout.
    Real time, not a worker's simulated `--now`. Returns how many sessions ended."""
    expired = select(AuthSession.id).where(AuthSession.expires_at <= utcnow())
    push.forget_sessions(expired)
    return db.session.execute(delete(AuthSession).where(AuthSession.id.in_(expired))).rowcount


def end_all_sessions(user, keep=None):
    ended = select(AuthSession.id).where(AuthSession.user_id == user.id)
    if keep is not None:
        ended = ended.where(AuthSession.id != keep.id)
    push.forget_sessions(ended)
    db.session.execute(delete(AuthSession).where(AuthSession.id.in_(ended)))


def change_password(user, current_session, current_password, new_password):
    if not check_password(user, current_password):
        return False
    user.password_hash = hasher.hash(new_password)
    end_all_sessions(user, keep=current_session)
    return True


def update_settings(user, changes):
    for field, value in changes.items():
        setattr(user, field, value.strip() if field == "display_name" else value)
    return user


def delete_account(user):
    """Removes the user, their sessions, subscriptions and entries; the partner is left unpaired."""
    if user.couple_id:
        couples.leave(user)
    from ..models import Entry

    db.session.execute(delete(Entry).where(Entry.author_id == user.id))
    db.session.delete(user)
