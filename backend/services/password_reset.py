"""Password reset by an emailed link: a forgotten password never costs a couple their history.

Asking: for a known email a random token (32 bytes) is made, only its SHA-256 stored, and the link
{base}/reset#token=… is mailed; it works once, for PASSWORD_RESET_TTL (30 minutes). The token rides in
the fragment, which browsers never send to a server, so it stays out of access logs and Referer headers.
The answer is the same whether or not the email has an account, and so is the work the request waits
for (mail leaves on a background thread, see mail.py).

Confirming: the new password is set (argon2id, the accounts hasher), the link is spent, every other
outstanding link of the user is spent with it, and every session ends, with the push subscriptions
of those devices, as "log out everywhere" does.
"""

import hashlib
import secrets

from flask import current_app
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..i18n import t
from ..models import PasswordReset, User, utcnow
from . import accounts, mail, mail_text


class ResetLinkInvalid(Exception):
    """The link cannot be used; `reason` is "unknown", "used" or "expired"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _token_id(token):
    return hashlib.sha256(token.encode()).hexdigest()


def request_reset(email, base_url):
    """Mails a reset link when `email` has an account; does nothing visible otherwise."""
    token = secrets.token_urlsafe(32)  # made either way, so both answers do the same work
    token_id = _token_id(token)
    user = db.session.scalar(select(User).where(User.email == accounts.normalize_email(email)))
    if user is None:
        return
    now = utcnow()
    # Spent and expired links of this user go; live ones stay usable until one of them is used.
    db.session.execute(
        delete(PasswordReset).where(
            PasswordReset.user_id == user.id, or_(PasswordReset.used_at.is_not(None), PasswordReset.expires_at <= now)
        )
    )
    ttl = current_app.config["PASSWORD_RESET_TTL"]
    db.session.add(PasswordReset(id=token_id, user_id=user.id, created_at=now, expires_at=now + ttl))
    db.session.commit()  # before the mail goes out, so the link works as soon as it arrives
    subject, text = mail_text.render(
        "password_reset",
        user.language,
        name=user.display_name,
        link=f"{base_url.rstrip('/')}/reset#token={token}",
        span=_span(user.language or "en"),
    )
    mail.send(current_app.config, user.email, subject, text)


def _span(lang):
    """How long a link works, in words ("30 minutes", "30 минут")."""
    minutes = int(current_app.config["PASSWORD_RESET_TTL"].total_seconds() // 60)
    return t("email.password_reset.span", lang, count=minutes)


def sent_message(lang):
    """The one answer to every reset request, in the asker's language: it never says whether the email has
    an account."""
    return t("email.password_reset.sent", lang, span=_span(lang))


def confirm_reset(token, new_password):
    """Sets the new password for the link's user and ends every session; raises ResetLinkInvalid."""
    now = utcnow()
    reset = db.session.get(PasswordReset, _token_id(token))
    if reset is None:
        raise ResetLinkInvalid("unknown")
    if reset.used_at is not None:
        raise ResetLinkInvalid("used")
    if reset.expires_at <= now:
        raise ResetLinkInvalid("expired")
    password_hash = accounts.hasher.hash(new_password)  # before any write: the hash takes a while
    # Spend the link only if nobody spent it since the read above: of two confirms racing, one wins.
    spent = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None)).values(used_at=now)
    )
    if spent.rowcount != 1:
        db.session.rollback()
        raise ResetLinkInvalid("used")
    user = db.session.get(User, reset.user_id)
    user.password_hash = password_hash
    # Every other link this user was sent stops working too.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    accounts.end_all_sessions(user)
    db.session.commit()
    return user


def forget_expired():
    """Links past their time are removed (hourly, by the worker); returns how many. Real time, like
    sessions: a worker's simulated `--now` never spends or keeps a link."""
    return db.session.execute(delete(PasswordReset).where(PasswordReset.expires_at <= utcnow())).rowcount
