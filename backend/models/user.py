from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..limits import PUSH_BUDGET_DEFAULT
from .base import UTCDateTime, new_id, utcnow


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(60))
    timezone: Mapped[str] = mapped_column(String(64))
    nudge_time: Mapped[str] = mapped_column(String(5), default="20:00")
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    show_previews: Mapped[bool] = mapped_column(Boolean, default=False)
    # Pushes a local day, every kind counted (nudge, reminders, partner events, together-mode joins): 0-6.
    daily_push_budget: Mapped[int] = mapped_column(Integer, default=PUSH_BUDGET_DEFAULT)
    # The language of this person's pushes and emails ("en" | "ru"): set at signup from the phone's.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # How deep this person is happy for the daily question to go ("light" | "medium" | "deep"): the
    # couple's question never goes deeper than the lower of the two partners' choices.
    question_depth: Mapped[str] = mapped_column(String(8), server_default="light")
    # The user's own stream's counter, the last own_seq handed out: every change they make takes the
    # next value as the entry's own_seq.
    own_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    own_horizon: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    couple_id: Mapped[str | None] = mapped_column(ForeignKey("couples.id", ondelete="SET NULL"), index=True)
    # The personal key's epoch (`p<n>`, what only this person sees), and their content keys sealed with
    # the recovery phrase's key (`r1.`; only the phone can open it). services/keys.py.
    personal_key_epoch: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    recovery_blob: Mapped[str | None] = mapped_column(Text)
    # A second device's keys on their way (`r1.` sealed with a one-off secret that only travels in a QR
    # code or a typed code): one slot a person, gone after TRANSFER_MINUTES. services/keys.py.
    transfer_blob: Mapped[str | None] = mapped_column(Text)
    transfer_expires_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    couple = relationship("Couple", foreign_keys=[couple_id])


class AuthSession(db.Model):
    """A logged-in device. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the token
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_seen_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user = relationship("User")
