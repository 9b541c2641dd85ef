"""A lighter one, please (the `question_swap` kind), checked when a put is applied (services.entries).

A swap replaces the couple's question of one local date on both phones. It is not offered once either
partner has answered that question, but the phone cannot know that the partner answered (their answer
stays withheld until you answer too): so the server refuses a new swap whose `from_id` already has a
live answer of that day in the couple, and the one who answered keeps the question they answered.
Two swaps of the same day (both phones tapped offline) are both stored; the phones show one of them
(the smallest entry id), so the couple sees one swap.
"""

from sqlalchemy import select

from ..extensions import db
from ..models import Entry
from . import entries

KIND = "question_swap"


def check(batch, kind, body, existing):
    """Raises entries.Rejected for a new swap of a question already answered that day."""
    if kind != KIND or existing is not None or batch.couple_id is None:
        return
    answers = db.session.scalars(
        select(Entry).where(
            Entry.couple_id == batch.couple_id,
            Entry.kind == "answer",
            Entry.question_id == body["from_id"],
            Entry.deleted.is_(False),
        )
    ).all()
    answers += [e for e in batch.entries if e.kind == "answer" and e.question_id == body["from_id"]]
    if any(not e.deleted and (e.body or {}).get("local_date") == body["local_date"] for e in answers):
        raise entries.Rejected(409, "already_answered")
