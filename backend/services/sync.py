"""The sync protocol: push queued mutations exactly once, then pull what changed since the cursor."""
import json
import re
from http import HTTPStatus

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Couple, Entry, utcnow
from ..schemas.entries import UUID_RE
from . import entries, sync_sql as sql
from .write_turn import write_turn

PAGE_SIZE = 500
_UUID = re.compile(UUID_RE)


class NoCouple(Exception):
    pass


class CursorGone(Exception):
    """The cursor is from before purged tombstones, or from another database: resync from 0."""


def _read_under_lock(user, client_id, couple_id, ids):
    """(last_mid or None, partner id, whether any of `ids` is stored) in one query, sent after the
    couple's lock is held (a statement of its own: PostgreSQL then reads with a snapshot taken after
    the lock was granted). Without mutations only last_mid is asked for."""
    params = {"user_id": user.id, "client_id": client_id}
    if ids is None:
        return db.session.execute(sql.statements()["last_mid"], params).scalar(), None, False
    params.update(couple_id=couple_id, ids=json.dumps(sorted(ids)))
    return tuple(sql.execute("under_lock_" + db.session.connection().dialect.name, params).fetchone())


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
            # Only well-formed ids: anything else is rejected by the entry's schema, and a NUL or a lone
            # surrogate would make PostgreSQL refuse the whole preload (a 500, and a queue that never drains).
            if isinstance(entry.get(key), str) and _UUID.match(entry[key]):
                ids.add(entry[key])
    return ids


def _apply(couple, user, mutation, now, next_seq, partner_id, known, writes, parsed):
    try:
        if mutation["op"] == "put":
            entry = entries.put(couple, user, mutation["entry"], now, next_seq, partner_id, known, writes,
                                parsed.get(mutation["mid"]))
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
    """Takes the couple's row lock for this transaction and reads the counter, in one statement. On
    PostgreSQL `SELECT … FOR NO KEY UPDATE`: a second writer waits for the lock, then reads the
    committed row, so seqs are handed out, and committed, in one order (it writes no new row version,
    as `UPDATE … SET version = version` did). On SQLite `UPDATE couples SET version = version …
    RETURNING`: the write takes the database's write lock (pysqlite begins the transaction at it: no
    stale snapshot). None when the couple is gone. The new counter is written after the checks
    (sql.write), so a rejected mutation leaves no gap in the seqs."""
    row = sql.execute("lock_" + db.session.connection().dialect.name, {"couple_id": couple_id}).fetchone()
    return None if row is None else _Counter(couple_id, tuple(row))


def sync(user, client_id, cursor, mutations, page_size=None):
    """One round trip: apply `mutations` (exactly once, in mid order), then pull from `cursor`."""
    if not user.couple_id:
        raise NoCouple()
    if not mutations:
        return _sync(user, client_id, cursor, mutations, page_size, {})
    # The schemas' work needs no lock: done first, it keeps the lock (and SQLite's write turn) short.
    parsed = {m["mid"]: entries.parse_put(m["entry"]) for m in mutations if m["op"] == "put"}
    with write_turn():
        return _sync(user, client_id, cursor, mutations, page_size, parsed)


def _sync(user, client_id, cursor, mutations, page_size, parsed):
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
            results.append(_apply(couple, user, mutation, now, next_seq, partner_id, known, writes, parsed))
            last_mid = mutation["mid"]
        sql.write(couple, version_before, writes, _device_params(user, client_id, last_mid, stored_mid is not None, now))

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
    rows = db.session.scalars(sql.statements()["pull"], _pull_params(user, couple.id, cursor, version,
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
    return sql.statements()["pull"].params(_pull_params(user, couple_id, cursor, version, limit))


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
