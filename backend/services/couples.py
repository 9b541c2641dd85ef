"""Pairing: create a couple, invite, join, leave."""

import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, text, update

from .. import limits as L
from ..extensions import db
from ..models import Couple, Invite, PushJob, User, utcnow
from . import live_signal, rituals, sync_sql, wakeup
from .schedule import after_quiet

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


class PartnerMovedOn(Exception):
    """The partner who was left is in another couple now: the old one cannot come back."""


# The one who left may undo it this long after, on the server's clock (come_back). The phone is told
# the instant it ends (parting()["undo_until"]) and never counts it itself.
UNDO_WINDOW = timedelta(hours=L.UNDO_LEAVING_HOURS)
# A couple that came back says so this long (a phone shows "‹name› came back" once, on its next open).
CAME_BACK_NEWS = timedelta(days=7)


def first_key_epoch():
    """A new couple's first key epoch: random, so the key ids of two couples a phone belongs to (one after
    the other) do not meet (`c<n>` names a key on the phone; each couple only ever moves on by one), and far
    enough from the 9-digit cap of a key id for every later epoch. Random rather than counted, so it says
    nothing about how many couples the server holds."""
    return 1 + secrets.randbelow(900_000_000)  # leaves 99,999,999 later epochs under 10**9


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


def new_invite(user, couple, note=None):
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_CHARS))
    now = utcnow()
    invite = Invite(
        code=code,
        couple_id=couple.id,
        created_by=user.id,
        created_at=now,
        expires_at=now + current_app.config["INVITE_TTL"],
        note=(note or "").strip() or None,
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


def create(user, note=None):
    if user.couple_id:
        raise AlreadyPaired()
    couple = Couple(created_by=user.id, key_epoch=first_key_epoch())
    db.session.add(couple)
    db.session.flush()
    _enter(user, couple.id)
    return couple, new_invite(user, couple, note)


def invite_again(user, note=None):
    if not user.couple_id:
        raise NotFound()
    couple = db.session.get(Couple, user.couple_id)
    if len(members(couple)) > 1:
        raise NotAlone()
    return new_invite(user, couple, note)


def _by_code(raw_code):
    code = normalize_code(raw_code)
    invite = db.session.get(Invite, code) if len(code) == CODE_CHARS else None
    if invite is None:
        raise NotFound()
    return invite


def _open(invite, couple):
    return not (invite.used_at or invite.expires_at <= utcnow() or couple.ended_at or len(members(couple)) != 1)


def lookup(raw_code):
    """Who invited, and their note, for whoever holds a code that would still work for joining: the code
    is the only key (no login needed), and an unknown, used or expired one is NotFound like a bad join.
    Nothing else about the couple or the inviter is told."""
    invite = _by_code(raw_code)
    couple = db.session.get(Couple, invite.couple_id)
    inviter = db.session.get(User, invite.created_by) if invite.created_by else None
    if inviter is None or inviter.couple_id != couple.id or not _open(invite, couple):
        raise NotFound()
    return {"name": inviter.display_name, "note": invite.note, "expires_at": invite.expires_at}


def join(user, raw_code):
    if user.couple_id:
        raise AlreadyPaired()
    invite = _by_code(raw_code)
    couple = lock(invite.couple_id)
    db.session.refresh(invite)
    if not _open(invite, couple):
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


def leave(user, note=None):
    """Ends the couple for both: each keeps their own entries, neither sees the other's. The partner
    is told kindly (a push, and the parting screen on their next open, with the note if any); the one
    who left may come back within UNDO_WINDOW (come_back)."""
    if not user.couple_id:
        raise NotFound()
    couple = lock(user.couple_id)
    now = utcnow()
    ids = [m.id for m in members(couple)]
    partner = next((i for i in ids if i != user.id), None)
    couple.ended_at, couple.returned_at = now, None
    couple.key_epoch += 1  # the couple key changes: whoever comes back makes a new one (services/keys.py)
    couple.left_by, couple.left_partner, couple.left_note = user.id, partner, (note or "").strip() or None
    db.session.execute(update(User).where(User.couple_id == couple.id).values(couple_id=None))
    db.session.execute(
        update(PushJob)
        .where(PushJob.user_id.in_(ids), PushJob.actor_id.in_(ids), PushJob.status == "pending")
        .values(status="skipped", last_error="couple ended")
    )
    db.session.execute(
        update(Invite).where(Invite.couple_id == couple.id, Invite.used_at.is_(None)).values(used_at=now)
    )
    if partner is not None:
        _tell(partner, user.id, "couple_left", now)
    live_signal.user_changed(*ids)  # both streams fall back to no couple
    db.session.flush()
    db.session.expire(user)


def come_back(user):
    """Undoes the user's own leaving within UNDO_WINDOW: the same couple, as it was (its id, entries,
    rituals and agreements; its counter goes on). Every cursor of the couple from before is made a
    410, so both phones start over from 0: while apart, changes to the couple's entries moved only
    their author's stream, and a phone that kept its cursor would never pull them. The partner is
    told (unless the news of the leaving had not gone out yet: then it never does)."""
    if user.couple_id:
        raise AlreadyPaired()
    couple = _undoable(user)
    if couple is None:
        raise NotFound()
    couple = lock(couple.id)
    now = utcnow()
    if couple.ended_at is None or couple.ended_at <= now - UNDO_WINDOW or couple.left_by != user.id:
        raise NotFound()
    ids = [user.id] + ([couple.left_partner] if couple.left_partner else [])
    result = db.session.execute(
        update(User)
        .where(User.id.in_(ids), User.couple_id.is_(None))
        .values(couple_id=couple.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        db.session.rollback()  # the one row that moved goes back: nobody is half returned
        raise PartnerMovedOn()
    couple.seq += 1  # the return's own position: every cursor from before is behind the horizon
    couple.horizon_seq = couple.seq
    couple.ended_at, couple.returned_at = None, now
    couple.key_epoch += 1  # and again on the way back: the key of the time apart is never used
    if couple.left_partner:
        unsent = db.session.execute(
            update(PushJob)
            .where(PushJob.user_id == couple.left_partner, PushJob.type == "couple_left", PushJob.status == "pending")
            .values(status="skipped", last_error="came back")
        ).rowcount
        if not unsent:
            _tell(couple.left_partner, user.id, "couple_back", now)
    db.session.expire(user, ["couple_id"])
    live_signal.user_changed(*ids)
    db.session.flush()
    return couple


def _undoable(user):
    """The couple this user left last, if they may still come back to it (on the server's clock)."""
    return db.session.scalars(
        select(Couple)
        .where(Couple.left_by == user.id, Couple.ended_at > utcnow() - UNDO_WINDOW)
        .order_by(Couple.ended_at.desc())
        .limit(1)
    ).first()


def _tell(recipient_id, actor_id, type_, now):
    """A push job about the couple itself (no entry): the worker sends it within the usual daily budget,
    and never inside the recipient's quiet hours (news like this waits for the morning)."""
    user = db.session.get(User, recipient_id)
    when = after_quiet(now, user.timezone, user.quiet_start, user.quiet_end)
    db.session.add(PushJob(user_id=recipient_id, actor_id=actor_id, type=type_, not_before=when, created_at=when))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(wakeup.NOTIFY_SQL))  # the worker wakes at commit, as after a sync


def parting(user):
    """How the user's last couple ended, for someone in no couple now; None otherwise. The note is
    for the one who was left (and its writer); `undo_until` only for the one who left, while they can."""
    if user.couple_id:
        return None
    couple = db.session.scalars(
        select(Couple)
        .where(Couple.ended_at.is_not(None), or_(Couple.left_by == user.id, Couple.left_partner == user.id))
        .order_by(Couple.ended_at.desc())
        .limit(1)
    ).first()
    if couple is None:
        return None
    by_me = couple.left_by == user.id
    other = db.session.get(User, couple.left_partner if by_me else couple.left_by) if couple.left_by else None
    until = couple.ended_at + UNDO_WINDOW
    undoable = by_me and other is not None and other.couple_id is None and until > utcnow()
    return {
        "couple_id": couple.id,
        "by_me": by_me,
        "name": other.display_name if other is not None else None,
        "note": couple.left_note,
        "at": couple.ended_at,
        "undo_until": until if undoable else None,
    }


def describe(user):
    """The couple as the API shows it, or None when the user is not in one."""
    if not user.couple_id:
        return None
    couple = db.session.get(Couple, user.couple_id)
    recent = couple.returned_at and couple.returned_at > utcnow() - CAME_BACK_NEWS
    came_back = {"by": couple.left_by, "at": couple.returned_at} if recent else None
    return {
        "id": couple.id,
        "members": members(couple),
        "created_at": couple.created_at,
        "paired_at": couple.paired_at,
        "came_back": came_back,
    }


def invite_view(invite, base_url):
    code = display_code(invite.code)
    url = f"{base_url.rstrip('/')}/join?code={code}"
    return {"code": code, "url": url, "expires_at": invite.expires_at, "note": invite.note}
