"""The sync protocol: push queued mutations exactly once, then pull what changed since the cursor.

Two streams (docs/sync.md): the couple's, moved only by changes the partner may see, and each
user's own, moved by every change they make. The cursor carries a position in each ("c.o")."""
import json
import re

from ..errors import error_body
from ..extensions import db
from ..models import utcnow
from ..schemas.entries import UUID_RE, entry_out
from . import entries, sync_sql as sql, visibility
from .write_turn import write_turn

PAGE_SIZE = 500
PAGE_BYTES = 1024 * 1024  # a page stops once its changes pass this many bytes (at least one change)
ANY = object()  # a pull that names no couple: answered for whatever couple the user is in
_UUID = re.compile(UUID_RE)
_CURSOR = re.compile(r"^(\d{1,18})\.(\d{1,18})$")


class CoupleChanged(Exception):
    """The request was written for another couple (or none) than the user's: nothing is applied."""

    def __init__(self, couple_id):
        super().__init__("couple changed")
        self.couple_id = couple_id


class CursorGone(Exception):
    """The cursor is from before purged tombstones, from another database, or an old phone's
    integer: resync from 0."""


def parse_cursor(value):
    """(couple position, own position) from the cursor a phone sends: "c.o", or 0 / "0" for the
    start. None for anything else an old phone may hold (an integer cursor): that is a 410."""
    if value in (0, "0", ""):
        return 0, 0
    match = _CURSOR.match(value) if isinstance(value, str) else None
    return (int(match[1]), int(match[2])) if match else None


def format_cursor(couple_pos, own_pos):
    return f"{couple_pos}.{own_pos}"


def _read_under_lock(user, client_id, couple_id, ids):
    """(last_mid or None, partner id, whether any of `ids` is stored) in one query, sent after the
    locks are held (a statement of its own: PostgreSQL then reads with a snapshot taken after
    the lock was granted). Without mutations only last_mid is asked for."""
    params = {"user_id": user.id, "client_id": client_id}
    if ids is None:
        return db.session.execute(sql.statements()["last_mid"], params).scalar(), None, False
    params.update(couple_id=couple_id, ids=json.dumps(sorted(ids)))
    return tuple(sql.execute("under_lock_" + db.session.connection().dialect.name, params).fetchone())


def _device_params(user, client_id, last_mid, existed, now):
    """The device's exactly-once record: ("update" or "insert", values). Only a sync that applies
    mutations (under the locks) creates it: overlapping first pulls of one device would
    otherwise insert the same row twice."""
    return ("update" if existed else "insert",
            {"user_id": user.id, "client_id": client_id, "last_mid": last_mid, "updated_at": now})


def _named_ids(mutations):
    """Every entry id a batch names (its own ids and ref_ids), for one preloading query."""
    ids = set()
    for mutation in mutations:
        entry = mutation["entry"]
        for key in ("id", "ref_id"):
            # Only well-formed ids: anything else is rejected by the entry's schema, and a NUL or a lone
            # surrogate would make PostgreSQL refuse the whole preload (a 500, and a queue that never drains).
            if isinstance(entry.get(key), str) and _UUID.match(entry[key]):
                ids.add(entry[key])
    return ids


def _apply(streams, user, mutation, now, stamps, partner_id, known, writes, parsed):
    try:
        if mutation["op"] == "put":
            entry = entries.put(streams.couple_id, user, mutation["entry"], now, stamps, partner_id, known,
                                writes, parsed.get(mutation["mid"]))
        else:
            entry = entries.delete(streams.couple_id, user, mutation["entry"], now, stamps, known)
    except entries.Rejected as err:
        error = error_body(err.code, err.reason, err.errors, **err.values)
        return {"mid": mutation["mid"], "status": "rejected", "error": error, "entry": None}
    except entries.Conflict as conflict:
        error = error_body(409, "edit_conflict")
        return {"mid": mutation["mid"], "status": "conflict", "error": error, "entry": conflict.entry}
    return {"mid": mutation["mid"], "status": "applied", "error": None, "entry": entry}


class _Streams:
    """The counters a sync needs, read by one statement: the couple's (None when unpaired) and the
    user's own, and the user's couple as the database has it now."""
    __slots__ = ("couple_id", "version", "horizon_seq", "ended_at", "own_version", "own_horizon", "current")

    def __init__(self, couple_id, couple_row, own_row):
        self.couple_id = couple_id
        self.version, self.horizon_seq, self.ended_at = couple_row if couple_row else (0, 0, None)
        self.own_version, self.own_horizon, self.current = own_row if own_row else (None, None, None)


def _streams(user, couple_id, lock):
    """Reads the counters; with `lock`, under the locks a writer holds for this transaction. On
    PostgreSQL `SELECT … FOR NO KEY UPDATE` of the couple's row and the user's in one statement: a
    second writer waits, then reads the committed rows, so positions are handed out, and committed,
    in one order. On SQLite `UPDATE users SET own_version = own_version … RETURNING` takes the
    database's write lock first (pysqlite begins the transaction at it: no stale snapshot). The new
    counters are written after the checks (sql.write), so a rejected mutation leaves no gap."""
    dialect = db.session.connection().dialect.name
    params = {"user_id": user.id, "couple_id": couple_id}
    if lock and dialect == "sqlite":
        own = sql.execute("lock_sqlite_alone", params).fetchone()
        if couple_id is None:
            return _Streams(None, None, own)
        lock = False  # the database is ours now: a plain read
    name = ("lock_postgresql_" if lock else "read_") + ("paired" if couple_id else "alone")
    row = sql.execute(name, params).fetchone()
    if row is None:
        return _Streams(couple_id, None, None)
    row = tuple(row)
    return _Streams(couple_id, row[:3], row[3:]) if couple_id else _Streams(None, None, row)


def sync(user, client_id, cursor, mutations, couple_named=ANY, page_size=None):
    """One round trip: apply `mutations` (exactly once, in mid order), then pull from `cursor`.
    `couple_named` is the couple the phone wrote them for (None: no couple); required with mutations."""
    if couple_named is not ANY and couple_named != user.couple_id:
        raise CoupleChanged(user.couple_id)
    position = parse_cursor(cursor)
    if position is None:
        raise CursorGone()
    if not mutations:
        return _sync(user, client_id, position, mutations, page_size, {})
    # The schemas' work needs no lock: done first, it keeps the lock (and SQLite's write turn) short.
    parsed = {m["mid"]: entries.parse_put(m["entry"]) for m in mutations if m["op"] == "put"}
    with write_turn():
        return _sync(user, client_id, position, mutations, page_size, parsed)


def _check(streams, position):
    """The user is still where the request was sent for, and the cursor is one this database made."""
    if streams.own_version is None:
        raise CoupleChanged(None)  # the account is gone
    if streams.couple_id is not None and streams.ended_at is not None:
        # The couple ended while this request waited (the user may be in a new one already).
        raise CoupleChanged(streams.current if streams.current != streams.couple_id else None)
    if streams.couple_id != streams.current:
        raise CoupleChanged(streams.current)
    couple_pos, own_pos = position
    if (couple_pos > streams.version or 0 < couple_pos < streams.horizon_seq
            or own_pos > streams.own_version or 0 < own_pos < streams.own_horizon):
        raise CursorGone()


def _sync(user, client_id, position, mutations, page_size, parsed):
    page_size = page_size or PAGE_SIZE  # read at call time, so a test or a setting can lower it
    couple_id = user.couple_id
    streams = _streams(user, couple_id, lock=bool(mutations))
    _check(streams, position)

    results = []
    ids = _named_ids(mutations) if mutations else None
    stored_mid, partner_id, any_stored = _read_under_lock(user, client_id, couple_id, ids)
    last_mid = stored_mid or 0
    pending = [m for m in mutations if m["mid"] > last_mid]
    before = (streams.version, streams.own_version)
    stamps = entries.Stamps(*before)
    if pending:
        now = utcnow()
        # The typical tap names only new ids: then there is nothing to load.
        known = entries.preload(_named_ids(pending)) if any_stored else dict.fromkeys(ids)
        writes = entries.Writes()
        for mutation in pending:
            results.append(_apply(streams, user, mutation, now, stamps, partner_id, known, writes, parsed))
            last_mid = mutation["mid"]
        if writes.reveals:
            entries.reveal(couple_id, user, writes.reveals, stamps)
        streams.version, streams.own_version = stamps.couple_version, stamps.own_version
        sql.write(streams, before, writes, _device_params(user, client_id, last_mid, stored_mid is not None, now))

    applied = {r["entry"].id: r["entry"] for r in results if r["status"] == "applied"}
    changes = None
    if pending and position == before and not stamps.foreign and set(applied) == stamps.stamped \
            and len(applied) <= page_size:
        # Nothing changed since the cursor but this sync's own writes, each of which moved a stream
        # (no partner answer was revealed, no delete was repeated): they are the pull's rows.
        changes = [entry_out(e) for e in visibility.present(user, list(applied.values()))]
        new_cursor, more = format_cursor(streams.version, streams.own_version), False
    if changes is None:
        changes, new_cursor, more = pull(user, streams, position, page_size)
    # Turned into plain values before the commit, which would expire every row read here.
    response = {"couple_id": couple_id, "last_mid": last_mid,
                "results": [{**r, "entry": entry_out(r["entry"])} for r in results],
                "changes": changes, "cursor": new_cursor, "more": more}
    db.session.commit()
    return response


def pull(user, streams, position, page_size, page_bytes=None):
    """(changes, cursor, more): the couple stream's entries past the cursor, then the own stream's,
    oldest first, each once, at most `page_size` of them and stopping once they pass `page_bytes`."""
    page_bytes = page_bytes or PAGE_BYTES
    couple_pos, own_pos = position
    # The counters were read before the rows: every position up to them has committed.
    rows = db.session.execute(sql.statements()["pull"], _pull_params(user, streams, position, page_size + 1)).all()
    by_stream = ([(e, pos) for e, stream, pos in rows if stream == 0],
                 [(e, pos) for e, stream, pos in rows if stream == 1])
    presented = {e["id"] if isinstance(e, dict) else e.id: e
                 for e in visibility.present(user, [e for e, _, _ in rows])}
    positions, ends = [couple_pos, own_pos], (streams.version or 0, streams.own_version)
    changes, size, seen, more = [], 0, set(), False
    for index, stream_rows in enumerate(by_stream):
        for entry, pos in stream_rows:
            if len(changes) >= page_size or (changes and size >= page_bytes):
                more = True
                break
            positions[index] = pos
            if entry.id in seen or entry.id not in presented:
                continue  # already on this page, or a withheld answer
            seen.add(entry.id)
            change = entry_out(presented[entry.id])
            size += len(json.dumps(change["body"])) + 300
            changes.append(change)
        else:
            if len(stream_rows) > page_size:
                more = True
            else:
                positions[index] = ends[index]
                continue
        break
    return changes, format_cursor(*positions), more


def _pull_params(user, streams, position, limit):
    return {"user_id": user.id, "couple_id": streams.couple_id, "cursor": position[0],
            "version": streams.version or 0, "own_cursor": position[1], "own_version": streams.own_version,
            "limit": limit}


def pull_query(user, streams, position, limit):
    """The page of rows a pull reads (range scans of the (couple_id, seq) and (author_id, own_seq)
    indexes), its values bound: for EXPLAIN (bench/run.py)."""
    return sql.statements()["pull"].params(_pull_params(user, streams, position, limit))
