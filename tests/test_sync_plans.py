"""A sync's statements under the lock find rows through indexes, whatever the planner guesses about the
parameters: a plan that reads every entry would make each sync slower as the database grows, and on
PostgreSQL a prepared statement keeps its generic plan for the life of the connection."""

import uuid
from datetime import UTC, datetime

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


def _sqlite_plan(statement, params):
    """SQLite's query plan for `statement`, as text."""
    sql, fixed = prebuilt.compiled(statement)
    rows = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", {**fixed, **params}).all()
    return "\n".join(str(row[-1]) for row in rows)


def _postgresql_plans(statement, params):
    """The plans PostgreSQL ran for the statements inside `statement` (a function call), as text:
    auto_explain, loaded into this session only, sends each nested statement's plan to the client.
    Generic plans are forced: the ones PL/pgSQL keeps for the statements of a function once it has
    seen a few calls, for the life of the connection."""
    connection = db.session.connection()
    connection.exec_driver_sql("ANALYZE entries")
    dbapi = connection.connection.dbapi_connection
    for setting in (
        "LOAD 'auto_explain'",
        "SET LOCAL auto_explain.log_min_duration = 0",
        "SET LOCAL auto_explain.log_nested_statements = on",
        "SET LOCAL plan_cache_mode = force_generic_plan",
        "SET LOCAL client_min_messages = log",
    ):
        connection.exec_driver_sql(setting)
    plans = []

    def heard(notice):
        plans.append(f"{notice.message_primary}\n{notice.message_detail or ''}")

    dbapi.add_notice_handler(heard)
    try:
        prebuilt.execute(statement, params).fetchall()
    finally:
        dbapi.remove_notice_handler(heard)
    return "\n".join(plans)


def test_the_read_under_the_lock_probes_the_entries_index_for_the_named_ids(app, pair):
    alice, _ = pair(rituals=False)
    couple_id = _many_entries(app, alice.id)
    named = sorted(str(uuid.uuid4()) for _ in range(3))
    params = sync_sql._under_lock_params(alice.id, str(uuid.uuid4()), couple_id, named)
    with app.app_context():
        built = sync_sql._built()
        if prebuilt.on_postgresql():
            plan = _postgresql_plans(built.lock_push_postgresql, params)
            assert "pk_entries" in plan, plan  # the plans of the function's own statements were seen
        else:
            plan = _sqlite_plan(built.lock_push_sqlite, params)

        db.session.rollback()
    assert "entries" in plan
    assert "Seq Scan on entries" not in plan  # PostgreSQL
    assert "SCAN entries" not in plan  # SQLite: SEARCH is an index's
