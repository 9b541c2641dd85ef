from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class DeviceKey(db.Model):
    """One device's public key (ECDH P-256, raw, base64url): what a partner's or the user's other phone
    wraps content keys to. The private key never leaves the device (docs: issue 15's design)."""

    __tablename__ = "device_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The phone's sync client_id (a UUID). Two accounts on one browser may both register it.
    device_id: Mapped[str] = mapped_column(String(36))
    public_key: Mapped[str] = mapped_column(String(100))
    label: Mapped[str | None] = mapped_column(String(120))
    # That the device was set up by its person, not added by the server (docs/encryption.md, "The device
    # proof"): `<key id>.<base64url HMAC>` made by the device itself under a key from the personal key
    # (`p<n>.…`) and from a couple key (`c<n>.…`). Only a session of the device's own user sets them.
    personal_proof: Mapped[str | None] = mapped_column(String(64))
    couple_proof: Mapped[str | None] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    # Leads with user_id: a person's devices, and their partner's, are read by user.
    __table_args__ = (UniqueConstraint("user_id", "device_id", name="uq_device_keys_user_device"),)


class WrappedKey(db.Model):
    """A content key (a couple key `c<epoch>` or the user's personal key `p<epoch>`) wrapped to one device
    of its recipient: `w1.` ciphertext only that device can open. One copy per (device, key id) of a
    personal key and per (device, couple, key id) of a couple key: each couple counts its epochs from 1, so
    a phone that pairs again holds the old couple's `c1` and the new one's side by side."""

    __tablename__ = "wrapped_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The recipient: the device's owner.
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    device_id: Mapped[str] = mapped_column(String(36))
    # The couple a `c` key belongs to (None for a personal key): only its current members read it.
    couple_id: Mapped[str | None] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    key_id: Mapped[str] = mapped_column(String(12))
    blob: Mapped[str] = mapped_column(String(200))
    # The device that wrapped it (the caller's own, when it said which): the safety code compares the two.
    by_device: Mapped[str | None] = mapped_column(String(36))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (
        Index(
            "uq_wrapped_keys_personal",
            "user_id",
            "device_id",
            "key_id",
            unique=True,
            postgresql_where=text("couple_id IS NULL"),
            sqlite_where=text("couple_id IS NULL"),
        ),
        Index(
            "uq_wrapped_keys_couple",
            "user_id",
            "device_id",
            "couple_id",
            "key_id",
            unique=True,
            postgresql_where=text("couple_id IS NOT NULL"),
            sqlite_where=text("couple_id IS NOT NULL"),
        ),
        # Which devices of a couple hold its current key (`waiting`).
        Index("ix_wrapped_keys_couple_key", "couple_id", "key_id"),
    )


class KeyCheck(db.Model):
    """The first check a phone gave for a content key id (issue 15): base64url of the first 16 bytes of
    HMAC-SHA256(raw key, "hearth key check v1"). Two phones may make different keys for one key id at once;
    the first to store a wrapped copy wins, the other is refused (409 key_exists) and waits for the winner's.
    `owner` is the couple's id for a `c` key, the person's id for a `p` key. It tells nothing of the key."""

    __tablename__ = "key_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(36))
    key_id: Mapped[str] = mapped_column(String(12))
    digest: Mapped[str] = mapped_column(String(22))  # the check ("check" is an SQL word)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("owner", "key_id", name="uq_key_checks_owner_key"),)
