"""Pairing: create a couple, invite, join, leave."""

import re
import secrets

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db
from ..models import Couple, Invite, PushJob, User, utcnow
from . import live_signal, rituals, sync_sql

# Crockford's base32: no I, L, O or U, so a code read aloud is not misheard.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 8  # 8 x 5 bits = 40 bits of randomness
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


class AlreadyPaired(Exception):
    pass


class NotFound(Exception):
    pass


class NotAlone(Exception):
    pass


def normalize_code(code):
    """'hearth-7k2m 9qxp' and 'HEARTH-7K2M-9QXP' are the same code."""
    text = re.sub(r"[^0-9A-Za-z]", "", code).upper()
    if text.startswith("HEARTH"):
        text = text[len("HEARTH") :]
    return text.translate(_READ_AS)


def display_code(code):
    return f"HEARTH-{code[:4]}-{code[4:]}"


def members(couple):
    return db.session.scalars(select(User).where(User.couple_id == couple.id).order_by(User.created_at)).all()


def lock(couple_id):
    """Take the couple's row lock for this transaction, the one a writing sync takes
    (sync_sql.lock_couple): syncs, joins and leaves of one couple run one at a time. Returns the
    couple as it is once the lock is held."""
    sync_sql.lock_couple(couple_id)
    return db.session.get(Couple, couple_id, populate_existing=True)


def new_invite(user, couple):
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    now = utcnow()
    invite = Invite(
        code=code,
        couple_id=couple.id,
        created_by=user.id,
        created_at=now,
        expires_at=now + current_app.config["INVITE_TTL"],
    )
    db.session.add(invite)
    return invite


def _enter(user, couple_id):
    """Puts the user in the couple unless they are in one already. One conditional UPDATE, so that
    two requests at once (a double tap, two codes) cannot both succeed; the loser's transaction is
    rolled back with the AlreadyPaired it gets."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, User.couple_id.is_(None))
        .values(couple_id=couple_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyPaired()
    db.session.expire(user, ["couple_id"])
    live_signal.user_changed(user.id)  # the user's streams move to the couple's counter


def create(user):
    if user.couple_id:
        raise AlreadyPaired()
    couple = Couple(created_by=user.id)
    db.session.add(couple)
    db.session.flush()
    _enter(user, couple.id)
    return couple, new_invite(user, couple)


def invite_again(user):
    if not user.couple_id:
        raise NotFound()
    couple = db.session.get(Couple, user.couple_id)
    if len(members(couple)) > 1:
        raise NotAlone()
    return new_invite(user, couple)


def join(user, raw_code):
    if user.couple_id:
        raise AlreadyPaired()
    code = normalize_code(raw_code)
    invite = db.session.get(Invite, code) if len(code) == CODE_CHARS else None
    if invite is None:
        raise NotFound()
    couple = lock(invite.couple_id)
    db.session.refresh(invite)
    if invite.used_at or invite.expires_at <= utcnow() or couple.ended_at or len(members(couple)) != 1:
        raise NotFound()
    _enter(user, couple.id)
    now = utcnow()
    invite.used_at, invite.used_by = now, user.id
    # Any other open invite of this couple is spent too: a couple has exactly two members.
    db.session.execute(
        update(Invite).where(Invite.couple_id == couple.id, Invite.used_at.is_(None)).values(used_at=now)
    )
    couple.paired_at = now
    rituals.create_defaults(couple, user, lambda: _bump(couple))
    db.session.flush()
    live_signal.couple_moved(couple.id, couple.seq)  # the partner waiting alone sees the rituals
    return couple


def _bump(couple):
    """The couple's next seq (its row is locked by join)."""
    couple.seq += 1
    return couple.seq


def leave(user):
    """Ends the couple for both: each keeps their own entries, neither sees the other's."""
    if not user.couple_id:
        raise NotFound()
    couple = lock(user.couple_id)
    couple.ended_at = utcnow()
    ids = [m.id for m in members(couple)]
    db.session.execute(update(User).where(User.couple_id == couple.id).values(couple_id=None))
    db.session.execute(
        update(PushJob)
        .where(PushJob.user_id.in_(ids), PushJob.actor_id.in_(ids), PushJob.status == "pending")
        .values(status="skipped", last_error="couple ended")
    )
    db.session.execute(
        update(Invite).where(Invite.couple_id == couple.id, Invite.used_at.is_(None)).values(used_at=couple.ended_at)
    )
    live_signal.user_changed(*ids)  # both streams fall back to no couple
    db.session.flush()
    db.session.expire(user)


def describe(user):
    """The couple as the API shows it, or None when the user is not in one."""
    if not user.couple_id:
        return None
    couple = db.session.get(Couple, user.couple_id)
    return {"id": couple.id, "members": members(couple), "created_at": couple.created_at, "paired_at": couple.paired_at}


def invite_view(invite, base_url):
    code = display_code(invite.code)
    return {"code": code, "url": f"{base_url.rstrip('/')}/join?code={code}", "expires_at": invite.expires_at}
