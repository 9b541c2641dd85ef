"""The SQL a sync sends, built once: SQLAlchemy statements with bound parameters (building
expressions per request cost more CPU than running them), the PostgreSQL write statement, and
execute(), which sends the hot ones straight to psycopg on PostgreSQL (prebuilt.execute)."""
from functools import cache

from sqlalchemy import JSON, Integer, bindparam, exists, func, insert, literal, or_, select, text, union_all, update

from ..extensions import db
from ..models import ClientState, Couple, Entry, PushJob, User, utcnow
from . import prebuilt
from .visibility import SHARED_EDIT


@cache
def statements():
    """The statements every sync sends, built once with bound parameters: building SQLAlchemy
    expressions per request cost more CPU than running them. Call with the parameters named here."""
    last_mid = (select(ClientState.last_mid).where(ClientState.user_id == bindparam("user_id"),
                                                   ClientState.client_id == bindparam("client_id"))
                .scalar_subquery())
    partner = (select(User.id).where(User.couple_id == bindparam("couple_id"), User.id != bindparam("user_id"))
               .limit(1).scalar_subquery())
    # The batch's ids travel as one JSON array (an expanding IN would be re-rendered, and be a new
    # statement to the server, for every batch size).
    named = {"postgresql": func.json_array_elements_text(func.cast(bindparam("ids"), JSON)).table_valued("value"),
             "sqlite": func.json_each(bindparam("ids")).table_valued("value")}
    stored = {dialect: exists().where(Entry.id.in_(select(ids.c.value))) for dialect, ids in named.items()}
    limit = bindparam("limit", type_=Integer)
    # The couple's stream: every change there is one the partner may hear of (services.entries.stamp);
    # this user's own entries come by their own stream, except those the partner edits too.
    couple_stream = (select(Entry.id, literal(0).label("stream"), Entry.seq.label("pos"))
                     .where(Entry.couple_id == bindparam("couple_id"), Entry.seq > bindparam("cursor"),
                            Entry.seq <= bindparam("version"),
                            or_(Entry.author_id != bindparam("user_id"), Entry.kind.in_(sorted(SHARED_EDIT))))
                     .order_by(Entry.seq).limit(limit).subquery())
    own_stream = (select(Entry.id, literal(1).label("stream"), Entry.own_seq.label("pos"))
                  .where(Entry.author_id == bindparam("user_id"), Entry.own_seq > bindparam("own_cursor"),
                         Entry.own_seq <= bindparam("own_version"))
                  .order_by(Entry.own_seq).limit(limit).subquery())
    page = union_all(select(couple_stream), select(own_stream)).subquery()
    pull = (select(Entry, page.c.stream, page.c.pos).join(page, Entry.id == page.c.id)
            .order_by(page.c.stream, page.c.pos))
    users = User.__table__
    couple_columns = (Couple.version, Couple.horizon_seq, Couple.ended_at)
    own_columns = (users.c.own_version, users.c.own_horizon, users.c.couple_id)
    # The streams' counters, read by a pull (no lock) or under the locks a writer takes (see
    # services.sync._lock): PostgreSQL locks the couple's row, then the user's, in one statement,
    # without writing new versions of them (NO KEY UPDATE still excludes every other writer, not the
    # FK checks' KEY SHARE); pairing and leaving lock the couple's row first too. SQLite has no row
    # locks: a write takes the database's write lock.
    read = {"paired": select(*couple_columns, *own_columns).select_from(Couple).join(
                users, users.c.id == bindparam("user_id")).where(Couple.id == bindparam("couple_id")),
            "alone": select(*own_columns).where(users.c.id == bindparam("user_id"))}
    lock = {"postgresql_paired": read["paired"].with_for_update(key_share=True),
            "postgresql_alone": read["alone"].with_for_update(key_share=True),
            "sqlite_alone": update(users).where(users.c.id == bindparam("user_id"))
            .values(own_version=users.c.own_version).returning(*own_columns)}
    couples, states = Couple.__table__, ClientState.__table__
    counter = (update(couples).where(couples.c.id == bindparam("couple_id"))
               .values(version=bindparam("new_version")))
    device_update = (update(states).where(states.c.user_id == bindparam("b_user_id"),
                                          states.c.client_id == bindparam("b_client_id"))
                     .values(last_mid=bindparam("b_last_mid"), updated_at=bindparam("b_updated_at")))
    own_counter = (update(users).where(users.c.id == bindparam("user_id"))
                   .values(own_version=bindparam("new_own_version")))
    return {"last_mid": select(last_mid), "pull": pull, "own_counter": own_counter,
            **{"read_" + name: statement for name, statement in read.items()},
            **{"under_lock_" + dialect: select(last_mid, partner, test) for dialect, test in stored.items()},
            **{"lock_" + name: statement for name, statement in lock.items()},
            "insert_entry": insert(Entry.__table__), "insert_job": insert(PushJob.__table__),
            "counter": counter, "device_insert": insert(states), "device_update": device_update}


def execute(name, params):
    """Runs the prebuilt statement `name` (statements(), or write_insert / write_update on PostgreSQL)
    in the session's transaction: see prebuilt.execute."""
    statement = _pg_write(name[len("write_"):]) if name.startswith("write_") else statements()[name]
    return prebuilt.execute(statement, params)


def write(streams, before, writes, device):
    """The batch's rows: new entries, push jobs, the counter and the device's record, as plain Core
    statements on the session's connection (no unit of work). On PostgreSQL they go as one prebuilt
    statement (_pg_write): one round trip, and one compiled form whatever the batch size. On SQLite
    (no DML in WITH; no network either) prebuilt statements, one per table.
    Changes to stored entries (edits, deletes, revealed answers) are flushed first by the session."""
    db.session.flush()
    rows = [_entry_row(e) for e in writes.entries]
    # Spelled out: the rows skip the columns' Python-side defaults.
    created = utcnow()
    jobs = [{"status": "pending", "attempts": 0, "created_at": created, **job} for job in writes.jobs]
    kind, device_values = device
    counters = {"couple_id": streams.couple_id, "new_version": streams.version or 0,
                "user_id": device_values["user_id"], "new_own_version": streams.own_version}
    if db.session.connection().dialect.name == "postgresql":
        execute("write_" + kind, {
            "entries": prebuilt.records(rows), "jobs": prebuilt.records(jobs), **counters,
            **{"d_" + key: value for key, value in device_values.items()}})
        return
    built = statements()
    if rows:
        prebuilt.execute_many(built["insert_entry"], rows)
    if jobs:
        prebuilt.execute_many(built["insert_job"], jobs)
    if streams.couple_id is not None and streams.version != before[0]:
        prebuilt.execute(built["counter"], {"couple_id": streams.couple_id, "new_version": streams.version})
    if streams.own_version != before[1]:
        prebuilt.execute(built["own_counter"], {"user_id": counters["user_id"],
                                                "new_own_version": streams.own_version})
    if kind == "update":  # an UPDATE's bound names may not be its columns' names
        device_values = {"b_" + key: value for key, value in device_values.items()}
    prebuilt.execute(built["device_" + kind], device_values)


_JOB_COLUMNS = ("user_id", "type", "actor_id", "entry_id", "not_before", "status", "attempts", "created_at")


@cache
def _pg_write(device_kind):
    """The sync's writes as one PostgreSQL statement: data-modifying WITH clauses (each runs exactly
    once, all on one snapshot), rows passed as JSON arrays. The counter is written only when it moved."""
    device = ("UPDATE client_states SET last_mid = :d_last_mid, updated_at = :d_updated_at "
              "WHERE user_id = :d_user_id AND client_id = :d_client_id" if device_kind == "update" else
              "INSERT INTO client_states (user_id, client_id, last_mid, updated_at) "
              "VALUES (:d_user_id, :d_client_id, :d_last_mid, :d_updated_at)")
    sql = (f"WITH new_entries AS ({prebuilt.records_insert(Entry.__table__, _ENTRY_COLUMNS, 'entries', 'e')}), "
           f"new_jobs AS ({prebuilt.records_insert(PushJob.__table__, _JOB_COLUMNS, 'jobs', 'j')}), "
           "counter AS (UPDATE couples SET version = :new_version "
           "WHERE id = :couple_id AND version <> :new_version), "
           "own_counter AS (UPDATE users SET own_version = :new_own_version "
           "WHERE id = :user_id AND own_version <> :new_own_version) " + device)
    return text(sql)  # run through execute() only: plain values, datetimes already naive UTC


_ENTRY_COLUMNS = ("id", "couple_id", "author_id", "kind", "visibility", "shared_once", "ref_id", "question_id", "body",
                  "rev", "seq", "own_seq", "created_at", "updated_at", "deleted", "deleted_at")


def _entry_row(entry):
    return {name: getattr(entry, name) for name in _ENTRY_COLUMNS}
