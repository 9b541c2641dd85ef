"""Every statement a sync sends, one named function each (the way replicache-express keeps its SQL in
data.ts). The statements are built once (`_built()`: building SQLAlchemy expressions per request cost
more CPU than running them) and sent straight to the driver on the session's connection and
transaction (prebuilt.execute). The few places where SQLite and PostgreSQL differ are here, each
said once: how a writer locks, how a JSON array of ids is read, and how a batch's rows are written."""

import json
from datetime import UTC, datetime
from functools import cache
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    bindparam,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)

from .. import json_text
from ..extensions import db
from ..models import ClientState, Couple, DeviceKey, Entry, PushJob, User, utcnow
from . import live_signal, prebuilt, wakeup
from .visibility import SHARED_EDIT


def _postgresql():
    return prebuilt.on_postgresql()


# --- the counters, and the one lock a writer takes ----------------------------------------------


class Counters(NamedTuple):
    """The two streams' counters as a sync reads them (docs/sync.md): the couple's last seq handed
    out and its horizon (None when unpaired, or the couple row is gone), and the user's own; plus the
    user's couple as the database has it now. `own_seq` is None when the account is gone."""

    couple_id: "str | None"
    couple_seq: int = 0
    couple_horizon: int = 0
    ended_at: "object | None" = None
    own_seq: "int | None" = None
    own_horizon: "int | None" = None
    current_couple: "str | None" = None


def read_counters(user_id, couple_id):
    """The counters, read without a lock (a pull alone)."""
    built = _built()
    statement = built.read_paired if couple_id else built.read_alone
    return _counters(couple_id, prebuilt.execute(statement, {"user_id": user_id, "couple_id": couple_id}).fetchone())


def lock_counters(user_id, couple_id):
    """The counters, read under the lock a writer holds until its transaction ends: syncs of one
    couple (and of one user) then hand out, and commit, positions in one order.
    PostgreSQL: `SELECT … FOR NO KEY UPDATE` of the couple's row and the user's, in one statement; a
    second writer waits, then reads the committed rows. NO KEY UPDATE still excludes every other
    writer (lock_couple takes the same), not the foreign-key checks' KEY SHARE.
    SQLite has no row locks: a no-op `UPDATE users … RETURNING` takes the database's write lock
    (pysqlite begins the transaction there, so no stale snapshot is held), then a plain read."""
    built, params = _built(), {"user_id": user_id, "couple_id": couple_id}
    if _postgresql():
        statement = built.lock_paired if couple_id else built.lock_alone
        return _counters(couple_id, prebuilt.execute(statement, params).fetchone())
    own = prebuilt.execute(built.lock_sqlite, params).fetchone()
    if couple_id is None:
        return _counters(None, own)
    return _counters(couple_id, prebuilt.execute(built.read_paired, params).fetchone())


def lock_for_push(user_id, client_id, couple_id, ids):
    """(Counters, UnderLock) for a sync that writes: lock_counters, then the read under the lock, in one
    round trip. The ids travel as one JSON array: an expanding IN would be a new statement for every
    batch size.
    SQLite: one statement, lock_counters' no-op `UPDATE users … RETURNING` returning the couple's
    counters and the device, partner and stored reads as scalar subqueries: the statement holds the
    database's write lock from its start, so they read what the last writer committed.
    PostgreSQL: one call of the function sync_lock_for_push (migration c11lock01), which runs the two
    statements: in one statement the subqueries would read the snapshot taken before its row lock was
    granted (a waiter would read the device and entries as they were before the last writer), while
    each statement of a VOLATILE function takes a fresh snapshot."""
    if _postgresql():
        params = _under_lock_params(user_id, client_id, couple_id, ids)
        row = prebuilt.execute(_built().lock_push_postgresql, params).fetchone()
        under_lock = UnderLock(row[6], row[7], bool(row[8]), bool(row[9]))
        if row[3] is None:  # no row locked: the account (or the couple's row) is gone, as lock_counters
            return Counters(couple_id), under_lock
        return _counters(couple_id, row[3:6] if couple_id is None else row[:6]), under_lock
    row = prebuilt.execute(_built().lock_push_sqlite, _under_lock_params(user_id, client_id, couple_id, ids)).fetchone()
    if row is None:  # the account is gone
        return Counters(couple_id), UnderLock(None, None, False, False)
    own, couple, under_lock = row[:3], row[3:6], UnderLock(row[6], row[7], bool(row[8]), bool(row[9]))
    if couple_id is None:
        return _counters(None, own), under_lock
    if couple[0] is None:  # the couple's row is gone: as lock_counters' join finding no row
        return Counters(couple_id), under_lock
    return _counters(couple_id, couple + own), under_lock


def lock_couple(couple_id):
    """The same lock for pairing and leaving (services.couples.lock), on the couple's row alone."""
    built = _built()
    prebuilt.execute(built.lock_couple if _postgresql() else built.lock_couple_sqlite, {"couple_id": couple_id})


def _counters(couple_id, row):
    if row is None:
        return Counters(couple_id)
    if couple_id is None:
        return Counters(None, 0, 0, None, *row)
    return Counters(couple_id, *row)


# --- what the push reads under the lock ---------------------------------------------------------


def last_mid(user_id, client_id):
    """The device's last applied mutation id, or None for a device never seen."""
    return prebuilt.execute(_built().last_mid, {"user_id": user_id, "client_id": client_id}).fetchone()[0]


class UnderLock(NamedTuple):
    """What a push reads under the lock: the device's last applied mutation id (None for a device
    never seen), the partner's id (None: no partner), whether any id the batch names is stored, and
    whether the writer has registered a device key (then words must come sealed: entries.Batch.sealing)."""

    last_mid: "int | None"
    partner_id: "str | None"
    any_stored: bool
    keyed: bool


def _under_lock_params(user_id, client_id, couple_id, ids):
    return {"user_id": user_id, "client_id": client_id, "couple_id": couple_id, "ids": json_text.dumps(sorted(ids))}


# --- the pull -----------------------------------------------------------------------------------


class PulledEntry(NamedTuple):
    """An entry as the pull reads it (plain values, no ORM row): the attributes visibility.present
    and sync.entry_out read, and which stream (0: the couple's, 1: the user's own) at which position."""

    id: str
    couple_id: "str | None"
    author_id: str
    kind: str
    visibility: str
    shared_once: bool
    ref_id: "str | None"
    question_id: "str | None"
    body: dict
    rev: int
    seq: "int | None"
    created_at: datetime
    updated_at: datetime
    deleted: bool
    stream: int
    pos: int


def pull_page(user_id, counters, position, limit):
    """Up to `limit` rows of each stream past the cursor `position` (couple, own), up to the counters
    (every position up to them has committed), ordered by stream then position: range scans of the
    (couple_id, seq) and (author_id, own_seq) indexes. On the driver, not the ORM: a pull is the
    largest part of most syncs, and mapping rows to objects cost more than reading them."""
    rows = prebuilt.execute(_built().pull, pull_params(user_id, counters, position, limit)).fetchall()
    convert = _pulled_postgresql if _postgresql() else _pulled_sqlite
    return [convert(row) for row in rows]


def pull_params(user_id, counters, position, limit):
    return {
        "user_id": user_id,
        "couple_id": counters.couple_id,
        "cursor": position[0],
        "couple_seq": counters.couple_seq or 0,
        "own_cursor": position[1],
        "own_seq": counters.own_seq,
        "limit": limit,
    }


def pull_statement():
    """The pull's statement, for EXPLAIN (bench/run.py): bind pull_params()."""
    return _built().pull


def _pulled_postgresql(row):
    # psycopg gives json as Python values, timestamps as naive datetimes (the columns hold UTC).
    (
        id_,
        couple_id,
        author_id,
        kind,
        visibility,
        shared_once,
        ref_id,
        question_id,
        body,
        rev,
        seq,
        created_at,
        updated_at,
        deleted,
        stream,
        pos,
    ) = row
    return PulledEntry(
        id_,
        couple_id,
        author_id,
        kind,
        visibility,
        shared_once,
        ref_id,
        question_id,
        json.loads(body) if isinstance(body, str) else body,
        rev,
        seq,
        created_at.replace(tzinfo=UTC),
        updated_at.replace(tzinfo=UTC),
        deleted,
        stream,
        pos,
    )


def _pulled_sqlite(row):
    # SQLite keeps JSON as text, timestamps as SQLAlchemy's naive UTC text, booleans as 0 and 1.
    (
        id_,
        couple_id,
        author_id,
        kind,
        visibility,
        shared_once,
        ref_id,
        question_id,
        body,
        rev,
        seq,
        created_at,
        updated_at,
        deleted,
        stream,
        pos,
    ) = row
    return PulledEntry(
        id_,
        couple_id,
        author_id,
        kind,
        visibility,
        bool(shared_once),
        ref_id,
        question_id,
        json.loads(body),
        rev,
        seq,
        _sqlite_time(created_at),
        _sqlite_time(updated_at),
        bool(deleted),
        stream,
        pos,
    )


def _sqlite_time(value):
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


# --- the one write of a batch -------------------------------------------------------------------


def write_batch(batch, device_known, last_mid, pull=None):
    """The batch's rows: new entries, push jobs, the counters that moved and the device's
    exactly-once record (updated, or inserted the first time this device writes), as plain
    statements on the session's connection (no unit of work). Changes to stored entries (edits,
    deletes, revealed answers) are flushed first by the session.
    PostgreSQL: one statement (_pg_write): one round trip, one prepared form whatever the batch size.
    SQLite (no DML in WITH; no network either): one prepared statement per table.
    `pull`: (user id, counters after the batch, cursor position, limit): on PostgreSQL the same
    statement then reads the pull's page too (one round trip less), and this returns pull_page's
    rows (_with_new_entries); None on SQLite, or without `pull`."""
    db.session.flush()
    stamps, now = batch.stamps, batch.now
    rows = [_entry_row(e) for e in batch.entries]
    # Spelled out: the rows skip the columns' Python-side defaults.
    created = utcnow()
    jobs = [{"status": "pending", "attempts": 0, "created_at": created, **job} for job in batch.jobs]
    device = {"user_id": batch.user.id, "client_id": batch.client_id, "last_mid": last_mid, "updated_at": now}
    built = _built()
    if _postgresql():
        params = {
            "entries": prebuilt.records(rows),
            "jobs": prebuilt.records(jobs),
            "couple_id": batch.couple_id,
            "couple_seq": stamps.couple_seq or 0,
            "user_id": batch.user.id,
            "own_seq": stamps.own_seq,
            **{"d_" + key: value for key, value in device.items()},
            # The live streams' signal (services/live_signal.py), sent by this same statement.
            "live": live_signal.counters_payload(
                batch.couple_id,
                stamps.couple_seq if stamps.couple_seq != batch.counters_at[0] else None,
                batch.user.id,
                stamps.own_seq if stamps.own_seq != batch.counters_at[1] else None,
            ),
        }
        if pull is None:
            prebuilt.execute(_pg_write(device_known, bool(jobs)), params)
            return None
        user_id, counters, position, limit = pull
        sql, fixed = _pg_write_and_pull(device_known, bool(jobs))
        cursor = prebuilt.execute_compiled(sql, fixed, {**params, **pull_params(user_id, counters, position, limit)})
        rows = [_pulled_postgresql(row) for row in cursor.fetchall()]
        return _with_new_entries(rows, batch.entries, user_id, counters, position, limit)
    if rows:
        prebuilt.execute_many(built.insert_entry, rows)
    if jobs:
        prebuilt.execute_many(built.insert_job, jobs)
    if batch.couple_id is not None and stamps.couple_seq != batch.counters_at[0]:
        prebuilt.execute(built.couple_counter, {"couple_id": batch.couple_id, "couple_seq": stamps.couple_seq})
    if stamps.own_seq != batch.counters_at[1]:
        prebuilt.execute(built.own_counter, {"user_id": batch.user.id, "new_own_seq": stamps.own_seq})
    if device_known:  # an UPDATE's bound names may not be its columns' names
        prebuilt.execute(built.device_update, {"b_" + key: value for key, value in device.items()})
    else:
        prebuilt.execute(built.device_insert, device)
    return None


def _with_new_entries(rows, new_entries, user_id, counters, position, limit):
    """pull_page's rows from the statement that also inserted `new_entries` (the batch's): its
    snapshot, taken before the inserts, lacks them, so they are added here where the pull's
    statement would have found them, and each stream cut to `limit` again."""
    added = []
    for entry in new_entries:
        if (
            counters.couple_id is not None
            and entry.couple_id == counters.couple_id
            and entry.seq is not None
            and position[0] < entry.seq <= (counters.couple_seq or 0)
            and (entry.author_id != user_id or entry.kind in SHARED_EDIT)
        ):
            added.append(_pulled_entry(entry, 0, entry.seq))
        if entry.author_id == user_id and entry.own_seq is not None and position[1] < entry.own_seq <= counters.own_seq:
            added.append(_pulled_entry(entry, 1, entry.own_seq))
    if not added:
        return rows
    rows = sorted(rows + added, key=lambda row: (row.stream, row.pos))
    streams = ([row for row in rows if row.stream == 0][:limit], [row for row in rows if row.stream == 1][:limit])
    return streams[0] + streams[1]


def _pulled_entry(entry, stream, pos):
    return PulledEntry(*(getattr(entry, name) for name in PulledEntry._fields[:-2]), stream, pos)


def write_counters(couple_id, couple_seq, user_id, own_seq):
    """The counters a write outside a sync moved (the worker closing a session), under lock_counters;
    couple_seq None: the couple's did not move."""
    built = _built()
    if couple_id is not None and couple_seq is not None:
        prebuilt.execute(built.couple_counter, {"couple_id": couple_id, "couple_seq": couple_seq})
    prebuilt.execute(built.own_counter, {"user_id": user_id, "new_own_seq": own_seq})


_ENTRY_COLUMNS = tuple(column.name for column in Entry.__table__.columns)
_JOB_COLUMNS = ("user_id", "type", "actor_id", "entry_id", "not_before", "status", "attempts", "created_at")


def _entry_row(entry):
    return {name: getattr(entry, name) for name in _ENTRY_COLUMNS}


def _pg_with_clauses():
    """The batch's new entries, push jobs, and the counters that moved, as WITH clauses."""
    return (
        f"WITH new_entries AS ({prebuilt.records_insert(Entry.__table__, _ENTRY_COLUMNS, 'entries', 'e')}), "
        f"new_jobs AS ({prebuilt.records_insert(PushJob.__table__, _JOB_COLUMNS, 'jobs', 'j')}), "
        "couple_counter AS (UPDATE couples SET seq = :couple_seq "
        "WHERE id = :couple_id AND seq <> :couple_seq), "
        "own_counter AS (UPDATE users SET own_seq = :own_seq "
        "WHERE id = :user_id AND own_seq <> :own_seq)"
    )


@cache
def _pg_write(device_known, wake):
    """The batch's writes as one PostgreSQL statement: data-modifying WITH clauses (each runs exactly
    once, all on one snapshot), rows passed as JSON arrays. A counter is written only when it moved.
    The device's row (exactly one, updated or inserted) returns the live streams' NOTIFY when :live
    is not empty (services/live_signal.py); with `wake` (the batch writes push jobs) the statement
    also notifies the push worker (wakeup.CHANNEL). Both are delivered at commit, dropped on rollback,
    in the same round trip."""
    device = (
        "UPDATE client_states SET last_mid = :d_last_mid, updated_at = :d_updated_at "
        "WHERE user_id = :d_user_id AND client_id = :d_client_id"
        if device_known
        else "INSERT INTO client_states (user_id, client_id, last_mid, updated_at) "
        "VALUES (:d_user_id, :d_client_id, :d_last_mid, :d_updated_at)"
    )
    sql = _pg_with_clauses() + " "
    device += f" RETURNING CASE WHEN :live <> '' THEN pg_notify('{live_signal.CHANNEL}', :live) END AS live"
    if wake:  # the device row is read, so its RETURNING (the live NOTIFY) runs before the worker's
        sql += f", device AS ({device}) SELECT live, pg_notify('{wakeup.CHANNEL}', '') FROM device"
    else:
        sql += device
    return text(sql)  # run through prebuilt.execute only: plain values, datetimes already naive UTC


@cache
def _pg_write_and_pull(device_known, wake):
    """(SQL, fixed parameters): _pg_write's data-modifying WITH clauses, the device's row (its
    RETURNING sends the live streams' NOTIFY, then with `wake` the push worker's), and the pull's
    statement as the main query, binding pull_params(). The pull reads the statement's snapshot,
    taken after the lock was granted, with this transaction's flushed changes but without the rows
    the WITH clauses insert (write_batch adds the batch's new entries)."""
    device = (
        "UPDATE client_states SET last_mid = :d_last_mid, updated_at = :d_updated_at "
        "WHERE user_id = :d_user_id AND client_id = :d_client_id"
        if device_known
        else "INSERT INTO client_states (user_id, client_id, last_mid, updated_at) "
        "VALUES (:d_user_id, :d_client_id, :d_last_mid, :d_updated_at)"
    )
    device += f" RETURNING CASE WHEN :live <> '' THEN pg_notify('{live_signal.CHANNEL}', :live) END AS live"
    if wake:
        device += f", pg_notify('{wakeup.CHANNEL}', '') AS wake"
    # A WITH clause that modifies data runs to completion, RETURNING included, though nothing reads it.
    write, write_fixed = prebuilt.compiled(text(_pg_with_clauses() + f", device AS ({device}) "))
    pull, pull_fixed = prebuilt.compiled(_built().pull)
    return write + pull, {**write_fixed, **pull_fixed}


# --- the statements, built once -----------------------------------------------------------------


@cache
def _built():
    """Every statement above, built once with bound parameters, as attributes named for their use."""
    users, couples, states, entries = User.__table__, Couple.__table__, ClientState.__table__, Entry.__table__
    last_mid = (
        select(states.c.last_mid)
        .where(states.c.user_id == bindparam("user_id"), states.c.client_id == bindparam("client_id"))
        .scalar_subquery()
    )
    partner = (
        select(users.c.id)
        .where(users.c.couple_id == bindparam("couple_id"), users.c.id != bindparam("user_id"))
        .limit(1)
        .scalar_subquery()
    )
    keyed = exists().where(DeviceKey.__table__.c.user_id == bindparam("user_id"))
    named_sqlite = func.json_each(bindparam("ids")).table_valued("value")

    couple_columns = (couples.c.seq, couples.c.horizon_seq, couples.c.ended_at)
    own_columns = (users.c.own_seq, users.c.own_horizon, users.c.couple_id)
    read_paired = (
        select(*couple_columns, *own_columns)
        .select_from(couples)
        .join(users, users.c.id == bindparam("user_id"))
        .where(couples.c.id == bindparam("couple_id"))
    )
    read_alone = select(*own_columns).where(users.c.id == bindparam("user_id"))

    # The couple's stream: every change there is one the partner may hear of (services.entries.stamp);
    # this user's own entries come by their own stream, except those the partner edits too.
    limit = bindparam("limit", type_=Integer)
    shared_edit = or_(*(entries.c.kind == literal(kind) for kind in sorted(SHARED_EDIT)))
    couple_stream = (
        select(entries.c.id, literal(0).label("stream"), entries.c.seq.label("pos"))
        .where(
            entries.c.couple_id == bindparam("couple_id"),
            entries.c.seq > bindparam("cursor"),
            entries.c.seq <= bindparam("couple_seq"),
            or_(entries.c.author_id != bindparam("user_id"), shared_edit),
        )
        .order_by(entries.c.seq)
        .limit(limit)
        .subquery()
    )
    own_stream = (
        select(entries.c.id, literal(1).label("stream"), entries.c.own_seq.label("pos"))
        .where(
            entries.c.author_id == bindparam("user_id"),
            entries.c.own_seq > bindparam("own_cursor"),
            entries.c.own_seq <= bindparam("own_seq"),
        )
        .order_by(entries.c.own_seq)
        .limit(limit)
        .subquery()
    )
    page = union_all(select(couple_stream), select(own_stream)).subquery()
    pulled = [entries.c[name] for name in PulledEntry._fields[:-2]]
    pull = (
        select(*pulled, page.c.stream, page.c.pos)
        .join(page, entries.c.id == page.c.id)
        .order_by(page.c.stream, page.c.pos)
    )

    stored_sqlite = exists().where(entries.c.id.in_(select(named_sqlite.c.value)))
    lock_sqlite = update(users).where(users.c.id == bindparam("user_id")).values(own_seq=users.c.own_seq)
    couple_value = select(couples).where(couples.c.id == bindparam("couple_id"))

    return SimpleNamespace(
        read_paired=read_paired,
        read_alone=read_alone,
        lock_paired=read_paired.with_for_update(key_share=True),
        lock_alone=read_alone.with_for_update(key_share=True),
        lock_sqlite=lock_sqlite.returning(*own_columns),
        lock_push_sqlite=lock_sqlite.returning(
            *own_columns,
            *(couple_value.with_only_columns(column).scalar_subquery() for column in couple_columns),
            last_mid,
            partner,
            stored_sqlite,
            keyed,
        ),
        lock_couple=select(couples.c.id).where(couples.c.id == bindparam("couple_id")).with_for_update(key_share=True),
        lock_couple_sqlite=(update(couples).where(couples.c.id == bindparam("couple_id")).values(seq=couples.c.seq)),
        last_mid=select(last_mid),
        lock_push_postgresql=text(
            "SELECT * FROM sync_lock_for_push(:user_id, :client_id, :couple_id, CAST(:ids AS json))"
        ),
        pull=pull,
        insert_entry=insert(entries),
        insert_job=insert(PushJob.__table__),
        couple_counter=update(couples)
        .where(couples.c.id == bindparam("couple_id"))
        .values(seq=bindparam("couple_seq")),
        own_counter=update(users).where(users.c.id == bindparam("user_id")).values(own_seq=bindparam("new_own_seq")),
        device_insert=insert(states),
        device_update=(
            update(states)
            .where(states.c.user_id == bindparam("b_user_id"), states.c.client_id == bindparam("b_client_id"))
            .values(last_mid=bindparam("b_last_mid"), updated_at=bindparam("b_updated_at"))
        ),
    )
