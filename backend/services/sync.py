"""The sync protocol: push queued mutations exactly once, then pull what changed since the cursor.

Two streams (docs/sync.md): the couple's, moved only by changes the partner may see, and each
user's own, moved by every change they make. The cursor carries a position in each ("c.o").
Every statement is a named function in sync_sql; the rules of one mutation live in entries."""

import re
from contextlib import nullcontext

from .. import json_text
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


def sync(user, client_id, cursor, mutations, couple_named=ANY, page_size=None):
    """One round trip: apply `mutations` (exactly once, in mid order), then pull from `cursor`.
    `couple_named` is the couple the phone wrote them for (None: no couple); required with mutations.
    A sync that writes takes its turn (write_turn) and the lock (sync_sql.lock_for_push) first; the
    one commit below ends it, or write_turn rolls it back."""
    if couple_named is not ANY and couple_named != user.couple_id:
        raise CoupleChanged(user.couple_id)
    position = parse_cursor(cursor)
    if position is None:
        raise CursorGone()
    page_size = page_size or PAGE_SIZE  # read at call time, so a test or a setting can lower it
    # The schemas' work needs no lock: done first, it keeps the lock (and SQLite's write turn) short.
    parsed = {m["mid"]: entries.parse_put(m["entry"]) for m in mutations if m["op"] == "put"}
    with write_turn() if mutations else nullcontext():
        if mutations:
            counters, under_lock = sql.lock_for_push(user.id, client_id, user.couple_id, _named_ids(mutations))
        else:
            counters, under_lock = sql.read_counters(user.id, user.couple_id), None
        _check(counters, position)
        last_mid, results, batch = push(user, client_id, counters, under_lock, mutations, parsed)
        rows = None
        if batch is not None:
            counters = counters._replace(couple_seq=batch.stamps.couple_seq, own_seq=batch.stamps.own_seq)
        changes = own_writes_only(user, position, results, batch, page_size)
        if batch is not None:
            # What the push made, in one go; on PostgreSQL the same statement reads the pull's page.
            page = None if changes is not None else (user.id, counters, position, page_size + 1)
            rows = sql.write_batch(batch, device_known=under_lock.last_mid is not None, last_mid=last_mid, pull=page)
        if changes is not None:
            new_cursor, more = format_cursor(counters.couple_seq, counters.own_seq), False
        else:
            changes, new_cursor, more = pull(user, counters, position, page_size, rows=rows)
        # Turned into plain values before the commit, which would expire every row read here.
        response = {
            "couple_id": user.couple_id,
            "last_mid": last_mid,
            "results": [{**r, "entry": entry_out(r["entry"])} for r in results],
            "changes": changes,
            "cursor": new_cursor,
            "more": more,
        }
        db.session.commit()
    return response


def _check(counters, position):
    """The user is still where the request was sent for, and the cursor is one this database made."""
    if counters.own_seq is None:
        raise CoupleChanged(None)  # the account is gone
    if counters.couple_id is not None and counters.ended_at is not None:
        # The couple ended while this request waited (the user may be in a new one already).
        raise CoupleChanged(counters.current_couple if counters.current_couple != counters.couple_id else None)
    if counters.couple_id != counters.current_couple:
        raise CoupleChanged(counters.current_couple)
    couple_pos, own_pos = position
    if (
        couple_pos > counters.couple_seq
        or 0 < couple_pos < counters.couple_horizon
        or own_pos > counters.own_seq
        or 0 < own_pos < counters.own_horizon
    ):
        raise CursorGone()


def push(user, client_id, counters, under_lock, mutations, parsed):
    """(last_mid, results, batch): applies the mutations past the device's last_mid, in order; sync()
    then writes what they made in one go (sync_sql.write_batch). batch is None when nothing was applied.
    `under_lock`: what sync_sql.lock_for_push read of the device, the partner, the named ids and the
    writer's device keys.
    Without mutations only the device's last_mid is read."""
    if not mutations:
        return sql.last_mid(user.id, client_id) or 0, [], None
    stored_mid, partner_id, any_stored, keyed = under_lock
    pending = [m for m in mutations if m["mid"] > (stored_mid or 0)]
    if not pending:
        return stored_mid or 0, [], None
    # The typical tap names only new ids: then there is nothing to load.
    known = entries.preload(_named_ids(pending)) if any_stored else dict.fromkeys(_named_ids(pending))
    batch = entries.Batch(
        user, client_id, counters.couple_id, partner_id, utcnow(), (counters.couple_seq, counters.own_seq), known, keyed
    )
    results = [_apply(batch, mutation, parsed) for mutation in pending]
    if batch.reveals:
        entries.reveal(batch)
    return pending[-1]["mid"], results, batch


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


def _apply(batch, mutation, parsed):
    try:
        if mutation["op"] == "put":
            entry = entries.put(batch, mutation["entry"], parsed.get(mutation["mid"]))
        else:
            entry = entries.delete(batch, mutation["entry"])
    except entries.Rejected as err:
        error = error_body(err.code, err.reason, err.errors, **err.values)
        return {"mid": mutation["mid"], "status": "rejected", "error": error, "entry": None}
    except entries.Conflict as conflict:
        error = error_body(409, "edit_conflict")
        return {"mid": mutation["mid"], "status": "conflict", "error": error, "entry": conflict.entry}
    return {"mid": mutation["mid"], "status": "applied", "error": None, "entry": entry}


def own_writes_only(user, position, results, batch, page_size):
    """The fast path beside the pull: when nothing changed since the cursor but this sync's own
    writes, each of which moved a stream (no partner answer was revealed, no delete was repeated),
    they are the pull's rows, and the pull's query is skipped. None when that does not hold (the
    usual case once both partners write: the pull brings the other's changes)."""
    if batch is None or position != batch.counters_at or batch.stamps.foreign:
        return None
    applied = {r["entry"].id: r["entry"] for r in results if r["status"] == "applied"}
    if set(applied) != batch.stamps.stamped or len(applied) > page_size:
        return None
    return [entry_out(e) for e in visibility.present(user, list(applied.values()))]


def pull(user, counters, position, page_size, page_bytes=None, rows=None):
    """(changes, cursor, more): the couple stream's entries past the cursor, then the own stream's,
    oldest first, each once, at most `page_size` of them and stopping once they pass `page_bytes`.
    `rows`: sync_sql.pull_page's rows when already read (by the push's write, on PostgreSQL)."""
    page_bytes = page_bytes or PAGE_BYTES
    couple_pos, own_pos = position
    if rows is None:
        # The counters were read before the rows: every position up to them has committed.
        rows = sql.pull_page(user.id, counters, position, page_size + 1)
    by_stream = ([e for e in rows if e.stream == 0], [e for e in rows if e.stream == 1])
    presented = {e["id"] if isinstance(e, dict) else e.id: e for e in visibility.present(user, rows)}
    positions, ends = [couple_pos, own_pos], (counters.couple_seq or 0, counters.own_seq)
    changes, size, seen, more = [], 0, set(), False
    for index, stream_rows in enumerate(by_stream):
        for entry in stream_rows:
            if len(changes) >= page_size or (changes and size >= page_bytes):
                more = True
                break
            positions[index] = entry.pos
            if entry.id in seen or entry.id not in presented:
                continue  # already on this page, or a withheld answer
            seen.add(entry.id)
            change = entry_out(presented[entry.id])
            size += len(json_text.dumps_bytes(change["body"])) + 300
            changes.append(change)
        else:
            if len(stream_rows) > page_size:
                more = True
            else:
                positions[index] = ends[index]
                continue
        break
    return changes, format_cursor(*positions), more
