from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Entry(db.Model):
    """Every piece of content. The id is made on the phone; rev and seq are the server's."""
    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    couple_id: Mapped[str] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(10))
    # Set once an entry has been shared: if it turns private later, the partner gets a tombstone.
    shared_once: Mapped[bool] = mapped_column(Boolean, default=False)
    ref_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # A per-kind key the server queries on: the question_id of an `answer`.
    topic: Mapped[str | None] = mapped_column(String(64))
    body = mapped_column(JSON, nullable=False)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_entries_couple_seq", "couple_id", "seq", unique=True),
        Index("ix_entries_couple_kind_topic", "couple_id", "kind", "topic"),
    )


class ClientState(db.Model):
    """Per device install: the last mutation id processed, for exactly-once sync."""
    __tablename__ = "client_states"

    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_mid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
