"""Claim rows: one (user, kind, local date) taken by one worker, decided by the table's unique
constraint, so several workers (or one worker's overlapping batches) never take the same thing.
The nudge tick claims each scheduled send this way; the push queue claims places under each
recipient's daily ceiling ("ceiling-1", "ceiling-2", …)."""

from functools import cache

from sqlalchemy import delete, select, text, tuple_
from sqlalchemy.dialects import sqlite

from ..extensions import db
from ..models import Claim
from . import prebuilt


def insert(rows):
    """Inserts claim rows ({user_id, kind, local_date, created_at}), skipping any another worker
    already holds; returns the (user_id, kind) pairs this call won. Not committed here. Rows go in
    the order given: callers sort them, so two workers never wait on each other in a cycle."""
    won = set()
    if db.engine.dialect.name == "postgresql":
        for chunk in prebuilt.chunks(rows):  # one constant statement per chunk, the rows as one JSON array
            won.update(tuple(row) for row in prebuilt.execute(_pg_insert(), {"rows": prebuilt.records(chunk)}))
        return won
    table = Claim.__table__
    stmt = (
        sqlite.insert(table)
        .on_conflict_do_nothing(index_elements=["user_id", "kind", "local_date"])
        .returning(table.c.user_id, table.c.kind)
    )
    for chunk in prebuilt.chunks(rows):  # executemany: one cached statement, batched by SQLAlchemy
        won.update(tuple(row) for row in db.session.connection().execute(stmt, chunk))
    return won


@cache
def _pg_insert():
    columns = ("user_id", "kind", "local_date", "created_at")
    return text(
        prebuilt.records_insert(Claim.__table__, columns, "rows", "c")
        + " ON CONFLICT (user_id, kind, local_date) DO NOTHING RETURNING user_id, kind"
    )


def held(keys, prefix):
    """{(user_id, local_date): {kind, …}} of the claims whose kind starts with `prefix`, for the
    given (user_id, local_date) pairs."""
    out = {key: set() for key in keys}
    for chunk in prebuilt.chunks(keys):
        rows = db.session.execute(
            select(Claim.user_id, Claim.local_date, Claim.kind).where(
                tuple_(Claim.user_id, Claim.local_date).in_(chunk), Claim.kind.startswith(prefix, autoescape=True)
            )
        )
        for user_id, local_date, kind in rows:
            out[(user_id, local_date)].add(kind)
    return out


def release(keys):
    """Deletes the claims (user_id, kind, local_date) named, so they can be taken again."""
    for chunk in prebuilt.chunks(keys):
        db.session.execute(delete(Claim).where(tuple_(Claim.user_id, Claim.kind, Claim.local_date).in_(chunk)))
