from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class Entry(db.Model):
    """Every piece of content. The id is made on the phone; rev and seq are the server's."""

    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # None for an entry written while its author was in no couple: it is theirs alone.
    couple_id: Mapped[str | None] = mapped_column(ForeignKey("couples.id", ondelete="CASCADE"))
    # Indexed by ix_entries_author_own_seq, whose first column it is.
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    visibility: Mapped[str] = mapped_column(String(10))
    # The partner's phones hold this entry: if it turns private or is deleted, the couple's stream
    # moves once and they get a bare tombstone (services.visibility).
    shared_once: Mapped[bool] = mapped_column(Boolean, default=False)
    ref_id: Mapped[str | None] = mapped_column(String(36), index=True)
    # The body's question_id, for an `answer` or a `love_map` only, in a column: the reveal queries on it.
    question_id: Mapped[str | None] = mapped_column(String(64))
    body = mapped_column(JSON, nullable=False)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    # Position in the couple's stream (moved only by changes the partner may see; None: never seen)
    # and in the author's own stream (moved by every change the author makes). See docs/sync.md.
    seq: Mapped[int | None] = mapped_column(BigInteger)
    own_seq: Mapped[int | None] = mapped_column(BigInteger)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_entries_couple_seq", "couple_id", "seq", unique=True),
        Index("ix_entries_couple_kind_question", "couple_id", "kind", "question_id"),
        Index("ix_entries_author_own_seq", "author_id", "own_seq", unique=True),
    )


class ClientState(db.Model):
    """Per device install: the last mutation id processed, for exactly-once sync."""

    __tablename__ = "client_states"

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    last_mid: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
