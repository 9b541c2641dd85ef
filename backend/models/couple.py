from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, new_id, utcnow


class Couple(db.Model):
    """Two people. `seq` is the couple stream's counter, the last seq handed out: every change the
    partner may see takes the next value as the entry's seq (docs/sync.md)."""

    __tablename__ = "couples"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # Cursors below this were made before tombstones were purged: they must resync from 0.
    horizon_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    paired_at = mapped_column(UTCDateTime)
    ended_at = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(36))
    # Who ended it, the partner who was left (None if they were alone), the kind note to them, and
    # when the one who left undid it (services/couples.py: leave, come_back).
    left_by: Mapped[str | None] = mapped_column(String(36), index=True)
    left_partner: Mapped[str | None] = mapped_column(String(36), index=True)
    left_note: Mapped[str | None] = mapped_column(String(400))
    returned_at = mapped_column(UTCDateTime)
    # The couple key's epoch: `c<key_epoch>` encrypts what the couple writes now. A new couple starts at a
    # random one (services/couples.py `first_key_epoch`): a phone that pairs again never meets its old
    # couple's key id. Leaving, its undo, and removing a device each take the next (services/keys.py); older
    # keys stay for older entries. (server_default only, 1 for couples from before: the migration tests
    # insert couples at older revisions through this table.)
    key_epoch: Mapped[int] = mapped_column(Integer, server_default="1")


class Invite(db.Model):
    __tablename__ = "invites"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    couple_id: Mapped[str] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)
    used_by: Mapped[str | None] = mapped_column(String(36))
    # The inviter's optional short note, shown with their name to whoever holds the code (lookup).
    note: Mapped[str | None] = mapped_column(String(400))
