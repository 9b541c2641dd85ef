"""A sync's statements under the lock find rows through indexes, whatever the planner guesses about the
parameters: a plan that reads every entry would make each sync slower as the database grows, and on
PostgreSQL a prepared statement keeps its generic plan for the life of the connection."""

import uuid
from datetime import UTC, datetime

from psycopg import ClientCursor

from backend.extensions import db
from backend.models import Entry, User
from backend.services import prebuilt, sync_sql

ENTRIES = 3000  # enough that PostgreSQL's guess of 100 named ids made a hash join over every entry


def _many_entries(app, user_id):
    with app.app_context():
        couple_id = db.session.get(User, user_id).couple_id
        when = datetime(2026, 6, 10, 8, 0, tzinfo=UTC)
        rows = [
            {
                "id": str(uuid.UUID(int=n + 1)),
                "couple_id": couple_id,
                "author_id": user_id,
                "kind": "appreciation",
                "visibility": "shared",
                "shared_once": False,
                "body": {"text": f"thanks {n}"},
                "rev": 1,
                "seq": n + 1,
                "own_seq": n + 1,
                "created_at": when,
                "updated_at": when,
                "deleted": False,
            }
            for n in range(ENTRIES)
        ]
        db.session.execute(db.insert(Entry), rows)
        db.session.commit()
        return couple_id


def _plan(statement, params):
    """The plan the database would run `statement` with, as text; PostgreSQL's generic plan (the one a
    prepared statement keeps), SQLite's query plan."""
    sql, fixed = prebuilt.compiled(statement)
    params = {**fixed, **params}
    connection = db.session.connection()
    if prebuilt.on_postgresql():
        connection.exec_driver_sql("ANALYZE entries")
        connection.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        dbapi = connection.connection.dbapi_connection
        names = list(params)
        numbered = sql
        for index, name in enumerate(names, 1):
            numbered = numbered.replace(f"%({name})s", f"${index}")
        # Simple query protocol: with the extended one the server reads $1 as the PREPARE's own parameter.
        dbapi.pgconn.exec_(f"PREPARE under_lock AS {numbered}".encode())
        try:
            values = ", ".join("%s" for _ in names)
            explain = ClientCursor(dbapi)
            rows = explain.execute(f"EXPLAIN EXECUTE under_lock ({values})", [params[n] for n in names]).fetchall()
        finally:
            dbapi.pgconn.exec_(b"DEALLOCATE under_lock")
        return "\n".join(row[0] for row in rows)
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    return "\n".join(str(row[-1]) for row in rows)


def test_the_read_under_the_lock_probes_the_entries_index_for_the_named_ids(app, pair):
    alice, _ = pair(rituals=False)
    couple_id = _many_entries(app, alice.id)
    named = sorted(str(uuid.uuid4()) for _ in range(3))
    params = sync_sql._under_lock_params(alice.id, str(uuid.uuid4()), couple_id, named)
    with app.app_context():
        built = sync_sql._built()
        statement = built.under_lock_postgresql if prebuilt.on_postgresql() else built.lock_push_sqlite

        plan = _plan(statement, params)

        db.session.rollback()
    assert "entries" in plan
    assert "Seq Scan on entries" not in plan  # PostgreSQL
    assert "SCAN entries" not in plan  # SQLite: SEARCH is an index's
