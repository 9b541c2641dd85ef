from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import UTCDateTime, utcnow


class PushSubscription(db.Model):
    """One browser's Web Push subscription; upserted by endpoint."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The login session that registered it: logging that device out removes it.
    session_id: Mapped[str | None] = mapped_column(ForeignKey("auth_sessions.id", ondelete="SET NULL"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class PushJob(db.Model):
    """Something a user should hear about, written in the transaction that caused it; the worker sends it."""

    __tablename__ = "push_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str | None] = mapped_column(String(36))
    entry_id: Mapped[str | None] = mapped_column(String(36))
    data = mapped_column(JSON)
    # pending, sending (claimed by a worker until not_before: a lease), sent, failed, skipped
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    # Past this instant the job is stale and skipped (a nudge is for its own local date only).
    expires_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # Subscription ids that already have it: a retry goes to the other devices only.
    delivered_to = mapped_column(JSON)
    # Jobs summarised into one notification share the id of the first; the daily ceiling counts those.
    batch_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_push_jobs_status_not_before", "status", "not_before"),
        Index("ix_push_jobs_user_sent", "user_id", "sent_at"),
    )


class Claim(db.Model):
    """At most one of a kind of scheduled send per user and local date, even with several workers."""

    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(80))
    local_date: Mapped[str] = mapped_column(String(10))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "kind", "local_date", name="uq_claims_user_kind_date"),)
