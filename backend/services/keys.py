"""The key directory (issue 15): each device's public key, content keys wrapped to devices, the epochs of
the couple key and the personal key, and the recovery blob. The server stores and hands out ciphertext; it
decides only who may see and write which copy.

Who sees what:
- devices: the caller's own and their current partner's; never anyone else's (a partner who left no
  longer sees yours, nor can wrap for you);
- wrapped keys: only those addressed to one of the caller's own devices, and of the `c` keys only those
  of the caller's current couple (a couple's older epochs stay, for its older entries);
- the recovery blob: only its owner.

Epochs: a couple's starts at 1 when it is made. Leaving it, undoing that (services/couples.py), and
removing a device of either partner take the next one, so the first phone back makes a new couple key
that the removed device and the one who left never get. The personal epoch starts at 1.
"""

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import limits as L
from ..errors import Coded
from ..extensions import db
from ..models import Couple, DeviceKey, KeyCheck, User, WrappedKey, utcnow
from ..schemas.keys import KEY_ID
from . import couples


class TooManyDevices(Exception):
    pass


class KeyMismatch(Exception):
    """A device id already registered with another public key."""


class NoSuchDevice(Exception):
    """Not one of the caller's devices (or no such device at all: the two look the same)."""


class KeyExists(Exception):
    """Another key was stored first for this key id (its check differs): the caller's phone drops its own
    and waits for the winner's wrapped copy."""


class Refused(Exception):
    """Some wrapped keys may not be stored; `errors` names each item's field and code."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def _own(user, device_id):
    return db.session.scalar(select(DeviceKey).where(DeviceKey.user_id == user.id, DeviceKey.device_id == device_id))


def member_ids(user):
    """The caller, and their current partner when they have one."""
    if not user.couple_id:
        return [user.id]
    ids = db.session.scalars(select(User.id).where(User.couple_id == user.couple_id)).all()
    return [user.id] + [i for i in ids if i != user.id]


def register(user, device_id, public_key, label=None):
    """(device, created). The same key again is fine (its label follows the latest); another key for a
    device id the caller registered is KeyMismatch. A person has at most KEY_DEVICES_MAX devices."""
    # One person's registrations run one at a time, so that two at once can neither both insert the same
    # device nor both pass the count: a no-op UPDATE of their row takes its lock on PostgreSQL and the
    # database's write lock on SQLite (as sync_sql.lock_couple does for a couple).
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(personal_key_epoch=User.personal_key_epoch)
        .execution_options(synchronize_session=False)
    )
    device = _own(user, device_id)
    if device is not None:
        if device.public_key != public_key:
            raise KeyMismatch()
        if label is not None:
            device.label = label
        return device, False
    count = db.session.scalar(select(func.count()).select_from(DeviceKey).where(DeviceKey.user_id == user.id))
    if count >= L.KEY_DEVICES_MAX:
        raise TooManyDevices()
    if count == 0:
        _personal_key_lost(user)
    device = DeviceKey(user_id=user.id, device_id=device_id, public_key=public_key, label=label, created_at=utcnow())
    db.session.add(device)
    db.session.flush()
    return device, True


def _personal_key_lost(user):
    """A person registering a device while none of theirs is listed: when their current personal key was made
    (its check is stored) and nothing can bring it back (no recovery blob, no transfer slot that lasts), it is
    lost for good (they were told before it could happen). Their personal epoch moves on, so the new device
    makes the next personal key: what they write from now on is theirs to read again; the old entries stay
    sealed. Without this, the first check kept the new phone from ever making one (409 key_exists)."""
    key_id = f"p{user.personal_key_epoch}"
    made = db.session.scalar(select(KeyCheck.id).where(KeyCheck.owner == user.id, KeyCheck.key_id == key_id))
    if made is None or user.recovery_blob is not None or transfer(user)[0] is not None:
        return
    db.session.execute(
        update(User)
        .where(User.id == user.id, User.personal_key_epoch == user.personal_key_epoch)
        .values(personal_key_epoch=User.personal_key_epoch + 1)
    )
    db.session.expire(user, ["personal_key_epoch"])


def set_proof(user, device_id, proofs):
    """Stores the proofs a device of the caller made that its person set it up (`personal`, `couple`: each
    given one replaces, None clears). Only the device's own user: another's is NoSuchDevice. The server
    cannot check them (it holds no content key); the phones do before they wrap a key for the device."""
    device = _own(user, device_id)
    if device is None:
        raise NoSuchDevice()
    for name in ("personal", "couple"):
        if name in proofs:
            setattr(device, f"{name}_proof", proofs[name])
    db.session.flush()
    return device


def remove(user, device_id):
    """Removes one of the caller's devices and every key wrapped to it, and moves their couple to the
    next epoch: the phones left make a new couple key, which the removed device never gets."""
    # The couple's lock first, as put_wrapped takes it: the two never wait on each other's rows.
    couple = couples.lock(user.couple_id) if user.couple_id else None
    device = _own(user, device_id)
    if device is None:
        raise NoSuchDevice()
    db.session.execute(delete(WrappedKey).where(WrappedKey.user_id == user.id, WrappedKey.device_id == device_id))
    db.session.delete(device)
    if couple is not None:
        couple.key_epoch += 1
    db.session.flush()


def directory(user, device_id=None):
    """GET /api/keys: the devices the caller may know, the epochs, the keys wrapped to the caller's
    `device_id` (NoSuchDevice when it is not theirs), and the couple's devices still waiting for the
    current couple key."""
    couple = db.session.get(Couple, user.couple_id) if user.couple_id else None
    ids = member_ids(user)
    devices = db.session.scalars(
        select(DeviceKey).where(DeviceKey.user_id.in_(ids)).order_by(DeviceKey.created_at, DeviceKey.id)
    ).all()
    wrapped = []
    if device_id is not None:
        if _own(user, device_id) is None:
            raise NoSuchDevice()
        mine = or_(WrappedKey.couple_id.is_(None), WrappedKey.couple_id == user.couple_id)
        wrapped = db.session.scalars(
            select(WrappedKey)
            .where(WrappedKey.user_id == user.id, WrappedKey.device_id == device_id, mine)
            .order_by(WrappedKey.key_id)
        ).all()
    waiting = []
    if couple is not None:
        holding = {
            tuple(row)
            for row in db.session.execute(
                select(WrappedKey.user_id, WrappedKey.device_id).where(
                    WrappedKey.couple_id == couple.id, WrappedKey.key_id == f"c{couple.key_epoch}"
                )
            )
        }
        waiting = [d.device_id for d in devices if (d.user_id, d.device_id) not in holding]
    return {
        "devices": devices,
        "couple_epoch": couple.key_epoch if couple is not None else None,
        "personal_epoch": user.personal_key_epoch,
        "wrapped": wrapped,
        "waiting": waiting,
        "recovery": user.recovery_blob is not None,
    }


def _item_problem(user, couple, item, owners):
    """(field, Coded) for an item that may not be stored, else (None, owner's id)."""
    kind, epoch = KEY_ID.match(item["key_id"]).groups()
    owner = owners.get(item["device_id"])
    if owner is None:
        return "device_id", Coded("unknown_device")
    if kind == "p":
        if owner != user.id:
            return "key_id", Coded("not_your_device")
        if int(epoch) > user.personal_key_epoch:
            return "key_id", Coded("wrong_epoch")
    else:
        if couple is None:
            return "key_id", Coded("couple_key_needs_couple")
        if int(epoch) > couple.key_epoch:  # an older one: a new device of the couple reads the history
            return "key_id", Coded("wrong_epoch")
    return None, owner


def put_wrapped(user, items, by_device=None):
    """Stores each copy, replacing the one already there for (device, key id); all or none. A `c<n>` key
    only with n at most the caller's couple's current epoch (older ones: a new device reads the history),
    for their own or their partner's devices; a `p<n>` key only for their own, with n at most their
    personal epoch. The first check stored per key id wins (KeyExists). Returns how many were stored."""
    errors = {}
    if by_device is not None and _own(user, by_device) is None:
        errors["by_device"] = [Coded("unknown_device")]
    # The couple's row lock (the one leaving and syncs take): its epoch and members hold until commit.
    couple = couples.lock(user.couple_id) if user.couple_id else None
    if couple is not None:
        db.session.refresh(user, ["couple_id"])  # left while we waited for the lock: no couple now
        couple = couple if user.couple_id == couple.id else None
    ids = member_ids(user)
    owners = {}
    for owner_id, device_id in db.session.execute(
        select(DeviceKey.user_id, DeviceKey.device_id).where(DeviceKey.user_id.in_(ids))
    ):
        if owners.get(device_id) != user.id:  # one browser, two accounts: the caller's own comes first
            owners[device_id] = owner_id
    rows = {}
    for n, item in enumerate(items):
        field, found = _item_problem(user, couple, item, owners)
        if field is not None:
            errors.setdefault("items", {})[str(n)] = {field: [found]}
            continue
        personal = item["key_id"].startswith("p")
        rows[(found, item["device_id"], item["key_id"])] = {
            "user_id": found,
            "device_id": item["device_id"],
            "couple_id": None if personal else couple.id,
            "key_id": item["key_id"],
            "blob": item["blob"],
            "by_device": by_device,
            "created_at": utcnow(),
        }
    if errors:
        raise Refused(errors)
    _first_check_wins(user, couple, items)
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    for personal in (True, False):  # each kind of copy is one by its own unique index
        values = [row for row in rows.values() if (row["couple_id"] is None) == personal]
        if not values:
            continue
        stmt = dialect.insert(WrappedKey).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=[WrappedKey.user_id, WrappedKey.device_id]
            + ([] if personal else [WrappedKey.couple_id])
            + [WrappedKey.key_id],
            index_where=WrappedKey.couple_id.is_(None) if personal else WrappedKey.couple_id.is_not(None),
            set_={k: stmt.excluded[k] for k in ("blob", "by_device", "created_at")},
        )
        db.session.execute(stmt)
    return len(rows)


def _first_check_wins(user, couple, items):
    """Stores the first check of each key id (a couple's `c<n>`, the caller's own `p<n>`), and raises
    KeyExists when an item's check differs from the one stored (or from another item's for the same key).
    An insert that does nothing on a conflict, then a read: two phones at once both read the one stored."""
    checks = {}
    for item in items:
        if item.get("check") is None:
            continue
        owner = couple.id if item["key_id"].startswith("c") else user.id
        if checks.setdefault((owner, item["key_id"]), item["check"]) != item["check"]:
            raise KeyExists()
    if not checks:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    values = [{"owner": o, "key_id": k, "digest": c, "created_at": utcnow()} for (o, k), c in checks.items()]
    db.session.execute(
        dialect.insert(KeyCheck).values(values).on_conflict_do_nothing(index_elements=[KeyCheck.owner, KeyCheck.key_id])
    )
    for (owner, key_id), check in checks.items():
        stored = db.session.scalar(select(KeyCheck.digest).where(KeyCheck.owner == owner, KeyCheck.key_id == key_id))
        if stored != check:
            raise KeyExists()


def set_recovery(user, blob):
    db.session.execute(update(User).where(User.id == user.id).values(recovery_blob=blob))
    db.session.expire(user, ["recovery_blob"])


def recovery(user):
    return user.recovery_blob


def set_transfer(user, blob):
    """Stores the caller's one transfer slot (a new one replaces the old), readable for TRANSFER_MINUTES."""
    expires = utcnow() + timedelta(minutes=L.TRANSFER_MINUTES)
    db.session.execute(update(User).where(User.id == user.id).values(transfer_blob=blob, transfer_expires_at=expires))
    db.session.expire(user, ["transfer_blob", "transfer_expires_at"])
    return expires


def transfer(user):
    """(blob, expires_at) of the caller's transfer slot while it lasts, else (None, None)."""
    if user.transfer_blob is None or user.transfer_expires_at is None or user.transfer_expires_at <= utcnow():
        return None, None
    return user.transfer_blob, user.transfer_expires_at


def clear_transfer(user):
    db.session.execute(update(User).where(User.id == user.id).values(transfer_blob=None, transfer_expires_at=None))
    db.session.expire(user, ["transfer_blob", "transfer_expires_at"])


def words_locked(user):
    """Whether the person's words are end-to-end encrypted: the setting is on and they have a device key or a
    recovery blob. A password reset keeps both (services/password_reset.py): a phone without the keys then
    asks for another of their devices or the recovery phrase."""
    if not current_app.config["E2E_ENCRYPTION"]:
        return False
    if user.recovery_blob is not None:
        return True
    return db.session.scalar(select(func.count()).select_from(DeviceKey).where(DeviceKey.user_id == user.id)) > 0


def own_devices(user):
    """The caller's devices, oldest first (the export lists them)."""
    return db.session.scalars(
        select(DeviceKey).where(DeviceKey.user_id == user.id).order_by(DeviceKey.created_at, DeviceKey.id)
    ).all()
