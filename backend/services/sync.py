"""The sync protocol: push queued mutations exactly once, then pull what changed since the cursor."""
import json
from datetime import datetime, timezone
from functools import cache
from http import HTTPStatus

from sqlalchemy import JSON, Integer, bindparam, exists, func, insert, or_, select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.psycopg import dialect as psycopg_dialect

from ..extensions import db
from ..models import ClientState, Couple, Entry, PushJob, User, utcnow
from . import entries
from .write_turn import write_turn

PAGE_SIZE = 500


class NoCouple(Exception):
    pass


class CursorGone(Exception):
    """The cursor is from before purged tombstones, or from another database: resync from 0."""


@cache
def _statements():
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
    visible = or_(Entry.author_id == bindparam("user_id"), Entry.visibility == "shared",
                  Entry.shared_once.is_(True))
    pull = (select(Entry).where(Entry.couple_id == bindparam("couple_id"), Entry.seq > bindparam("cursor"),
                                Entry.seq <= bindparam("version"), visible)
            .order_by(Entry.seq).limit(bindparam("limit", type_=Integer)))
    lock = (update(Couple).where(Couple.id == bindparam("couple_id")).values(version=Couple.version)
            .returning(Couple.version, Couple.horizon_seq, Couple.ended_at))
    couples, states = Couple.__table__, ClientState.__table__
    counter = (update(couples).where(couples.c.id == bindparam("couple_id"))
               .values(version=bindparam("new_version")))
    device_update = (update(states).where(states.c.user_id == bindparam("b_user_id"),
                                          states.c.client_id == bindparam("b_client_id"))
                     .values(last_mid=bindparam("b_last_mid"), updated_at=bindparam("b_updated_at")))
    return {"last_mid": select(last_mid), "pull": pull,
            **{"under_lock_" + dialect: select(last_mid, partner, test) for dialect, test in stored.items()},
            "lock": lock, "insert_entry": insert(Entry.__table__), "insert_job": insert(PushJob.__table__),
            "counter": counter, "device_insert": insert(states), "device_update": device_update}


@cache
def _psycopg_sql(name):
    """(SQL, fixed parameters) of a prebuilt statement, compiled once for psycopg."""
    statement = _pg_write(name[len("write_"):]) if name.startswith("write_") else _statements()[name]
    compiled = statement.compile(dialect=psycopg_dialect())
    return compiled.string, dict(compiled.params)


def _execute(name, params):
    """Runs a prebuilt statement on the session's connection (same transaction) and returns the
    cursor. On PostgreSQL it goes straight to the psycopg cursor with SQL compiled once: the hot
    statements of a sync spent more CPU in SQLAlchemy's per-execution work than in the driver.
    Their parameters and results are plain strings, numbers and naive UTC datetimes."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return connection.execute(_statements()[name], params)
    sql, fixed = _psycopg_sql(name)
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(sql, {**fixed, **params})
    return cursor


def _read_under_lock(user, client_id, couple_id, ids):
    """(last_mid or None, partner id, whether any of `ids` is stored) in one query, sent after the
    couple's lock is held (a statement of its own: PostgreSQL then reads with a snapshot taken after
    the lock was granted). Without mutations only last_mid is asked for."""
    params = {"user_id": user.id, "client_id": client_id}
    if ids is None:
        return db.session.execute(_statements()["last_mid"], params).scalar(), None, False
    params.update(couple_id=couple_id, ids=json.dumps(sorted(ids)))
    return tuple(_execute("under_lock_" + db.session.connection().dialect.name, params).fetchone())


def _device_params(user, client_id, last_mid, existed, now):
    """The device's exactly-once record: ("update" or "insert", values). Only a sync that applies
    mutations (under the couple's lock) creates it: overlapping first pulls of one device would
    otherwise insert the same row twice."""
    return ("update" if existed else "insert",
            {"user_id": user.id, "client_id": client_id, "last_mid": last_mid, "updated_at": now})


def _named_ids(mutations):
    """Every entry id a batch names (its own ids and ref_ids), for one preloading query."""
    ids = set()
    for mutation in mutations:
        entry = mutation["entry"]
        for key in ("id", "ref_id"):
            if isinstance(entry.get(key), str):
                ids.add(entry[key])
    return ids


def _apply(couple, user, mutation, now, next_seq, partner_id, known, writes):
    try:
        if mutation["op"] == "put":
            entry = entries.put(couple, user, mutation["entry"], now, next_seq, partner_id, known, writes)
        else:
            entry = entries.delete(couple, user, mutation["entry"], now, next_seq, known)
    except entries.Rejected as err:
        error = {"code": err.code, "status": HTTPStatus(err.code).phrase, "message": err.message, "errors": err.errors}
        return {"mid": mutation["mid"], "status": "rejected", "error": error, "entry": None}
    except entries.Conflict as conflict:
        error = {"code": 409, "status": HTTPStatus.CONFLICT.phrase,
                 "message": "Your partner changed this first; here is their version.", "errors": {}}
        return {"mid": mutation["mid"], "status": "conflict", "error": error, "entry": conflict.entry}
    return {"mid": mutation["mid"], "status": "applied", "error": None, "entry": entry}


class _Counter:
    """The couple's row as a sync needs it (id, counter, horizon, end), read by the locking statement."""
    __slots__ = ("id", "version", "horizon_seq", "ended_at")

    def __init__(self, couple_id, row):
        self.id = couple_id
        self.version, self.horizon_seq, self.ended_at = row if row is not None else (None, None, None)


def _lock(couple_id):
    """Takes the couple's row lock for this transaction and reads the counter, in one statement:
    `UPDATE couples SET version = version … RETURNING`. On PostgreSQL the UPDATE holds the row lock
    until commit exactly as SELECT … FOR UPDATE would (a second writer's UPDATE waits for it, then
    re-reads the committed row), so seqs are still handed out, and committed, in one order. On SQLite
    the write takes the database's write lock (pysqlite begins the transaction at it: no stale
    snapshot). None when the couple is gone. The new counter is written after the checks
    (_write), so a rejected mutation leaves no gap in the seqs."""
    row = _execute("lock", {"couple_id": couple_id}).fetchone()
    return None if row is None else _Counter(couple_id, tuple(row))


def _write(couple, version_before, writes, device):
    """The batch's rows: new entries, push jobs, the counter and the device's record, as plain Core
    statements on the session's connection (no unit of work). On PostgreSQL they go as one prebuilt
    statement (_pg_write): one round trip, and one compiled form whatever the batch size. On SQLite
    (no DML in WITH; no network either) prebuilt statements, one per table.
    Changes to stored entries (edits, deletes, revealed answers) are flushed first by the session."""
    db.session.flush()
    connection = db.session.connection()
    rows = [_entry_row(e) for e in writes.entries]
    # Spelled out: the rows skip the columns' Python-side defaults.
    created = utcnow()
    jobs = [{"status": "pending", "attempts": 0, "created_at": created, **job} for job in writes.jobs]
    kind, device_values = device
    if connection.dialect.name == "postgresql":
        device_values = {**device_values, "updated_at": _naive_utc(device_values["updated_at"], text=False)}
        _execute("write_" + kind, {
            "entries": _as_records(rows), "jobs": _as_records(jobs), "couple_id": couple.id,
            "new_version": couple.version, **{"d_" + key: value for key, value in device_values.items()}})
        return
    statements = _statements()
    if rows:
        connection.execute(statements["insert_entry"], rows)
    if jobs:
        connection.execute(statements["insert_job"], jobs)
    if couple.version != version_before:
        connection.execute(statements["counter"], {"couple_id": couple.id, "new_version": couple.version})
    if kind == "update":  # an UPDATE's bound names may not be its columns' names
        device_values = {"b_" + key: value for key, value in device_values.items()}
    connection.execute(statements["device_" + kind], device_values)


_JOB_COLUMNS = ("user_id", "type", "actor_id", "entry_id", "not_before", "status", "attempts", "created_at")


def _records_clause(table, columns, param, alias):
    """INSERT INTO table (columns) SELECT columns FROM json_to_recordset(:param): any number of rows
    through one bound JSON array, so the statement text (and its compiled form) never changes."""
    dialect = postgresql.dialect()
    fields = ", ".join(f"{name} {table.c[name].type.compile(dialect=dialect)}" for name in columns)
    names = ", ".join(columns)
    return (f"INSERT INTO {table.name} ({names}) SELECT {names} "
            f"FROM json_to_recordset(CAST(:{param} AS json)) AS {alias}({fields})")


@cache
def _pg_write(device_kind):
    """The sync's writes as one PostgreSQL statement: data-modifying WITH clauses (each runs exactly
    once, all on one snapshot), rows passed as JSON arrays. The counter is written only when it moved."""
    states = ClientState.__table__
    device = ("UPDATE client_states SET last_mid = :d_last_mid, updated_at = :d_updated_at "
              "WHERE user_id = :d_user_id AND client_id = :d_client_id" if device_kind == "update" else
              "INSERT INTO client_states (user_id, client_id, last_mid, updated_at) "
              "VALUES (:d_user_id, :d_client_id, :d_last_mid, :d_updated_at)")
    sql = (f"WITH new_entries AS ({_records_clause(Entry.__table__, _ENTRY_COLUMNS, 'entries', 'e')}), "
           f"new_jobs AS ({_records_clause(PushJob.__table__, _JOB_COLUMNS, 'jobs', 'j')}), "
           "counter AS (UPDATE couples SET version = :new_version "
           "WHERE id = :couple_id AND version <> :new_version) " + device)
    return text(sql).bindparams(bindparam("d_updated_at", type_=states.c.updated_at.type),
                                bindparam("d_last_mid", type_=states.c.last_mid.type),
                                bindparam("new_version", type_=Couple.__table__.c.version.type))


def _as_records(rows):
    """Rows as the JSON array json_to_recordset reads: datetimes as naive UTC, as the columns store them."""
    return json.dumps(rows, default=_naive_utc, separators=(",", ":"))


def _naive_utc(value, text=True):
    """An aware datetime as the columns store it (naive UTC), as ISO text for JSON by default."""
    if isinstance(value, datetime):
        naive = value.astimezone(timezone.utc).replace(tzinfo=None)
        return naive.isoformat() if text else naive
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_ENTRY_COLUMNS = ("id", "couple_id", "author_id", "kind", "visibility", "shared_once", "ref_id", "topic", "body",
                  "rev", "seq", "created_at", "updated_at", "deleted", "deleted_at")


def _entry_row(entry):
    return {name: getattr(entry, name) for name in _ENTRY_COLUMNS}


def sync(user, client_id, cursor, mutations, page_size=None):
    """One round trip: apply `mutations` (exactly once, in mid order), then pull from `cursor`."""
    if not user.couple_id:
        raise NoCouple()
    if not mutations:
        return _sync(user, client_id, cursor, mutations, page_size)
    with write_turn():
        return _sync(user, client_id, cursor, mutations, page_size)


def _sync(user, client_id, cursor, mutations, page_size):
    page_size = page_size or PAGE_SIZE  # read at call time, so a test or a setting can lower it
    couple_id = user.couple_id
    # Writers take the couple's row lock: seqs are then handed out, and committed, in one order.
    couple = _lock(couple_id) if mutations else db.session.get(Couple, couple_id)
    if couple is None or couple.ended_at is not None:
        raise NoCouple()
    if cursor > couple.version or 0 < cursor < couple.horizon_seq:
        raise CursorGone()

    results = []
    ids = _named_ids(mutations) if mutations else None
    stored_mid, partner_id, any_stored = _read_under_lock(user, client_id, couple_id, ids)
    last_mid = stored_mid or 0
    pending = [m for m in mutations if m["mid"] > last_mid]
    version_before, seqs = couple.version, 0
    if pending:
        now = utcnow()
        # The typical tap names only new ids: then there is nothing to load.
        known = entries.preload(_named_ids(pending)) if any_stored else dict.fromkeys(ids)
        writes = entries.Writes()

        def next_seq():
            nonlocal seqs
            seqs += 1
            couple.version += 1
            return couple.version

        for mutation in pending:
            results.append(_apply(couple, user, mutation, now, next_seq, partner_id, known, writes))
            last_mid = mutation["mid"]
        _write(couple, version_before, writes, _device_params(user, client_id, last_mid, stored_mid is not None, now))

    applied = [r["entry"] for r in results if r["status"] == "applied"]
    changes = None
    if pending and cursor == version_before and seqs == len(applied) and seqs <= page_size:
        # Nothing changed since the cursor but this sync's own writes, each of which took exactly one
        # seq (no partner answer was revealed, no delete was repeated): they are the pull's rows.
        changes = _own_changes(user, couple, cursor, applied)
        new_cursor, more = couple.version, False
    if changes is None:
        changes, new_cursor, more = pull(user, couple, cursor, page_size)
    # Turned into plain values before the commit, which would expire every row read here.
    response = {"couple_id": couple.id, "last_mid": last_mid,
                "results": [{**r, "entry": entry_out(r["entry"])} for r in results],
                "changes": [entry_out(e) for e in changes], "cursor": new_cursor, "more": more}
    db.session.commit()
    return response


def _own_changes(user, couple, cursor, applied):
    """What pull() would read after a sync whose writes are the only changes past the cursor: the
    entries it wrote (each once, in its final state), in seq order, presented as pull() does."""
    rows = {e.id: e for e in applied if e.seq > cursor and (e.author_id == user.id or e.visibility == "shared"
                                                            or e.shared_once is True)}
    if any(e.kind == "answer" and e.author_id != user.id for e in rows.values()):
        return None  # a partner's answer: pull() applies the held-back rule with its query
    return present(user, couple.id, sorted(rows.values(), key=lambda e: e.seq))


def entry_out(entry):
    """An entry (a row, or a tombstone's dict) as the API sends it: EntryOut's fields, dumped by hand
    because this runs for every change of every sync (schemas.sync passes these through)."""
    if entry is None or isinstance(entry, dict):
        return entry if entry is None else {**entry, "created_at": _iso(entry["created_at"]),
                                            "updated_at": _iso(entry["updated_at"])}
    return {"id": entry.id, "kind": entry.kind, "author_id": entry.author_id, "visibility": entry.visibility,
            "ref_id": entry.ref_id, "body": entry.body, "rev": entry.rev, "seq": entry.seq,
            "created_at": _iso(entry.created_at), "updated_at": _iso(entry.updated_at),
            "deleted": entry.deleted}


def _iso(value):
    return value.isoformat() if value is not None else None


def visible_filter(user):
    """Rows this user's devices receive: their own, the shared ones, and once-shared ones (as tombstones)."""
    return or_(Entry.author_id == user.id, Entry.visibility == "shared", Entry.shared_once.is_(True))


def pull(user, couple, cursor, page_size):
    """(changes, cursor, more): visible entries with seq in (cursor, version], oldest first."""
    version = couple.version  # read before the rows: every seq up to it has committed
    rows = db.session.scalars(_statements()["pull"], _pull_params(user, couple.id, cursor, version,
                                                                   page_size + 1)).all()
    more = len(rows) > page_size
    rows = rows[:page_size]
    new_cursor = rows[-1].seq if more else version
    return present(user, couple.id, rows), new_cursor, more


def _pull_params(user, couple_id, cursor, version, limit):
    return {"user_id": user.id, "couple_id": couple_id, "cursor": cursor, "version": version, "limit": limit}


def pull_query(user, couple_id, cursor, version, limit):
    """The page of rows a pull reads (a range scan of the (couple_id, seq) index), its values bound:
    for EXPLAIN (bench/run.py)."""
    return _statements()["pull"].params(_pull_params(user, couple_id, cursor, version, limit))


def present(user, couple_id, rows):
    """Entries as this user may see them: a partner's now-private entry becomes a bare tombstone,
    a partner's answer waits until this user answered the same question."""
    answered = _answered_topics(user, couple_id, rows)
    out = []
    for entry in rows:
        if entry.author_id != user.id:
            if entry.visibility != "shared" or entry.kind in entries.ALWAYS_PRIVATE:
                out.append(tombstone(entry))
                continue
            if entry.kind == "answer" and not entry.deleted and entry.topic not in answered:
                continue
        out.append(entry)
    return out


def _answered_topics(user, couple_id, rows):
    topics = {e.topic for e in rows if e.kind == "answer" and e.author_id != user.id}
    if not topics:
        return set()
    return set(db.session.scalars(select(Entry.topic).where(
        Entry.couple_id == couple_id, Entry.kind == "answer", Entry.author_id == user.id,
        Entry.topic.in_(topics))))


def tombstone(entry):
    return {"id": entry.id, "kind": entry.kind, "author_id": entry.author_id, "visibility": "private",
            "ref_id": None, "body": {}, "rev": entry.rev, "seq": entry.seq,
            "created_at": entry.created_at, "updated_at": entry.updated_at, "deleted": True}
