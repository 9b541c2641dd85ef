"""Applying one mutation to one entry: the rules of who may write what, checked before anything is written."""

from datetime import timedelta
from typing import NamedTuple

from flask import current_app
from marshmallow import ValidationError

from ..errors import Coded
from ..extensions import db
from ..kinds import KINDS
from ..models import Couple, Entry
from ..schemas import words
from ..schemas.common import quick_load
from ..schemas.entries import EntryDeleteIn, EntryIn
from ..times import parse_instant
from . import question_swap, talk, visibility
from .visibility import SHARED_EDIT

CLOCK_SKEW = timedelta(minutes=5)
OLDEST_OFFLINE = timedelta(days=90)


class Rejected(Exception):
    """A mutation refused: HTTP-like `code`, the stable `reason` (docs/errors.md), field errors, and the
    values the reason's message names."""

    def __init__(self, code, reason, errors=None, **values):
        super().__init__(reason)
        self.code, self.reason, self.errors, self.values = code, reason, errors or {}, values


class Conflict(Exception):
    def __init__(self, entry):
        super().__init__("conflict")
        self.entry = entry


class Stamps:
    """Hands out stream positions for one batch, under the lock (services.sync): the couple's
    counter for changes the partner may see, the author's own counter for every change they make.
    `foreign` counts couple positions given to entries this batch did not write (a reveal)."""

    def __init__(self, couple_seq, own_seq):
        self.couple_seq, self.own_seq = couple_seq, own_seq
        self.stamped, self.foreign = set(), 0

    def couple(self, entry, foreign=False):
        self.couple_seq += 1
        entry.seq = self.couple_seq
        if foreign:
            self.foreign += 1
        else:
            self.stamped.add(entry.id)

    def own(self, entry):
        self.own_seq += 1
        entry.own_seq = self.own_seq
        self.stamped.add(entry.id)


class Batch:
    """One sync's mutations, applied under the lock: who writes from which device, in which couple
    (None: in none), who hears of it (the partner, or None), the time, the stream positions handed
    out, `known` (preload()'s map, plus what the batch creates, so later mutations see it), and what
    the batch creates, for services.sync_sql.write_batch to insert in one go: new entries (still
    changed by later mutations of the batch), push jobs (plain values), and answers that may reveal
    the partner's (reveal()). Changes to stored entries stay with the session's flush."""

    def __init__(self, user, client_id, couple_id, partner_id, now, counters_at, known, keyed):
        self.user, self.client_id, self.couple_id, self.partner_id, self.now = (
            user,
            client_id,
            couple_id,
            partner_id,
            now,
        )
        self.counters_at = counters_at  # (couple seq, own seq) when the lock was taken
        self.stamps = Stamps(*counters_at)
        self.known = known
        self.entries, self.jobs, self.reveals = [], [], []
        self._paired = {}
        self.keyed = keyed  # the writer has registered a device key (read under the lock: sync_sql.UnderLock)

    def sealing(self):
        """Whether words must come sealed: the server's setting is on and the writer has a device key."""
        return self.keyed and current_app.config["E2E_ENCRYPTION"]

    def paired_at(self, couple_id):
        """When that couple paired (None: no couple), read once per batch."""
        if couple_id not in self._paired:
            couple = db.session.get(Couple, couple_id) if couple_id else None
            self._paired[couple_id] = couple.paired_at if couple else None
        return self._paired[couple_id]


class NewEntry:
    """An entry a batch creates, with Entry's columns as plain attributes: services.sync_sql.write_batch
    inserts it, so no ORM object is needed (building and setting one cost as much as the rest of a put).
    Later mutations of the batch change it as they would a stored Entry."""

    __slots__ = tuple(column.name for column in Entry.__table__.columns)  # exactly the row write_batch inserts

    def __init__(self, id, couple_id, author_id, kind, created_at):  # noqa: A002 (the column's name)
        self.id, self.couple_id, self.author_id, self.kind = id, couple_id, author_id, kind
        self.visibility = self.ref_id = self.question_id = self.body = self.seq = self.own_seq = None
        self.rev, self.shared_once, self.deleted, self.deleted_at = 1, False, False, None
        self.created_at = self.updated_at = created_at


def stamp(entry, user, couple_id, stamps, answered=frozenset()):
    """Moves the streams a change to `entry` is heard on (docs/sync.md): the couple's when the partner
    may see it now, or held it until now (one bare tombstone on a turn to private or a delete); the
    author's own whenever the author changed it. A withheld answer moves only its author's stream."""
    if couple_id is not None and entry.couple_id == couple_id:
        moves, holds = visibility.partner_hears(entry, answered)
        if moves:
            stamps.couple(entry)
            entry.shared_once = holds
    if entry.author_id == user.id:
        stamps.own(entry)


_schemas = {}  # one instance per schema class: building one costs more than loading a small entry


def _load(schema, data, field=None):
    """Loads with the schema; errors of a nested part (the body) are reported under that field's name."""
    instance = _schemas.get(schema)
    if instance is None:
        instance = _schemas[schema] = schema()
    loaded = quick_load(instance, data)
    if loaded is not None:
        return loaded
    try:
        return instance.load(data)
    except ValidationError as err:
        errors = {field: err.messages} if field else err.messages
        raise Rejected(422, "invalid_entry", errors) from None


def preload(ids):
    """{id: Entry or None} for the ids a batch of mutations names (their own ids and ref_ids), in one
    query; put() and delete() look there first and add what they create, so later mutations of the
    same batch see it."""
    known = dict.fromkeys(ids)
    if ids:
        known.update((e.id, e) for e in db.session.scalars(db.select(Entry).where(Entry.id.in_(ids))))
    return known


def _get(entry_id, known):
    if entry_id in known:
        return known[entry_id]
    return db.session.get(Entry, entry_id)


def _can_see(entry, user):
    """visibility.can_see, asking for this user's answers only when the entry is a partner's answer."""
    answered = visibility.answered_for(user, [entry]) if entry.kind in visibility.REVEALED else frozenset()
    return visibility.can_see(entry, user, answered)


def _existing(user, entry_id, known):
    """The stored entry with this id, if this user may know it exists (their own, from any couple, or
    their partner's that they may see); otherwise a 404 rejection."""
    entry = _get(entry_id, known)
    if entry is None:
        return None
    if not _can_see(entry, user):
        raise Rejected(404, "not_found")
    return entry


def _check_write(existing, user, base_rev, body=None, if_unchanged=False):
    """`body`: the new body of a put (a Rejected when it did not load), for a kind's partner_may rule.
    `if_unchanged`: the put applies only to the version it was made from, whatever the kind (a put that
    seals an old entry's words again); other puts of a kind only its author changes are last-writer-wins."""
    if existing.deleted:
        raise Rejected(410, "entry_deleted")
    if (existing.kind in SHARED_EDIT or if_unchanged) and base_rev != existing.rev:
        raise Conflict(existing)  # missing, stale, or from the future: not the version stored
    if existing.kind not in SHARED_EDIT and existing.author_id != user.id:
        rule = KINDS[existing.kind].partner_may
        if not (rule and isinstance(body, dict)):
            raise Rejected(403, "not_author")
        sealed = _sealed_words(existing.kind, body)
        if not rule(_without(existing.body, sealed), _without(body, sealed)):
            raise Rejected(403, "not_author")


def _sealed_words(kind, body):
    """The words fields of a body that hold envelopes. A partner's phone seals the author's words again for
    every put (a new envelope of the same words): the server cannot compare those, so partner_may rules judge
    the rest, and the stored words are kept (_partner_keeps_words). Plaintext words are compared as ever."""
    return {k for k in KINDS[kind].words if words.is_envelope(body.get(k))}


def _without(body, fields):
    return {k: v for k, v in body.items() if k not in fields}


def _partner_keeps_words(existing, user, body):
    """The body to store: a partner's write (partner_may) keeps the author's words as stored."""
    if existing is None or existing.author_id == user.id or existing.kind in SHARED_EDIT:
        return body
    fields = KINDS[existing.kind].words
    return {**_without(body, fields), **{k: v for k, v in existing.body.items() if k in fields}}


def _check_ref(couple_id, user, entry_id, kind, ref_id, known):
    if ref_id is None:
        if KINDS[kind].ref == "required":
            raise Rejected(422, "ref_required", {"ref_id": [Coded("required")]})
        return None
    target = _get(ref_id, known)
    if (
        ref_id == entry_id
        or target is None
        or target.couple_id != couple_id
        or target.deleted
        or not _can_see(target, user)
    ):
        raise Rejected(422, "ref_missing", {"ref_id": [Coded("no_such_entry")]})
    answers = KINDS[kind].answers
    if answers and target.kind not in answers:
        raise Rejected(
            422, "ref_wrong_kind", {"ref_id": [Coded("wrong_kind")]}, kind=kind, kinds="/".join(sorted(answers))
        )
    if KINDS[kind].to_partner and target.author_id == user.id:
        raise Rejected(422, "ref_own_entry", {"ref_id": [Coded("own_entry")]})
    if KINDS[kind].once and _sent_before(user, entry_id, kind, ref_id, known):
        raise Rejected(409, "already_sent", {"ref_id": [Coded("already_sent")]})
    return target


def _sent_before(user, entry_id, kind, ref_id, known):
    """Whether this user already has another live `kind` answering ref_id: stored, or made earlier in
    this batch (known holds what the batch made and changed, so a note deleted in it counts no more)."""

    def live(e):
        return e is not None and (e.kind, e.ref_id, e.author_id) == (kind, ref_id, user.id) and not e.deleted

    if any(live(e) for key, e in known.items() if key != entry_id):
        return True
    stored = db.session.scalars(
        db.select(Entry.id).where(
            Entry.kind == kind,
            Entry.ref_id == ref_id,
            Entry.author_id == user.id,
            Entry.deleted.is_(False),
            Entry.id != entry_id,
        )
    )
    return any(key not in known or live(known[key]) for key in stored)


def _created_at(claimed, now):
    """The phone's time for an entry made offline, kept within sane bounds of the server's clock."""
    if claimed is None:
        return now
    when = parse_instant(claimed)
    return min(max(when, now - OLDEST_OFFLINE), now + CLOCK_SKEW)


class ParsedPut(NamedTuple):
    """A put's entry and body as their schemas load them, each a value or the Rejected it raised.
    Pure work, so a sync does it before taking the couple's lock (and SQLite's one write turn);
    put() reports the errors in its usual order."""

    data: "dict | Rejected"
    body: "dict | Rejected | None"


def parse_put(raw):
    try:
        data = _load(EntryIn, raw)
    except Rejected as err:
        return ParsedPut(err, None)
    try:
        return ParsedPut(data, _load(KINDS[data["kind"]].schema, data["body"], "body"))
    except Rejected as err:
        return ParsedPut(data, err)


def _loaded(value):
    if isinstance(value, Rejected):
        raise value
    return value


def put(batch, raw, parsed=None):
    """Applies one put of the batch; `parsed` is parse_put(raw) when done already."""
    user, couple_id, partner_id, known, now = batch.user, batch.couple_id, batch.partner_id, batch.known, batch.now
    parsed = parsed or parse_put(raw)
    data = _loaded(parsed.data)
    kind = data["kind"]
    existing = _existing(user, data["id"], known)
    if existing is not None:
        if existing.kind != kind:
            raise Rejected(422, "kind_changed", {"kind": [Coded("kind_changed")]})
        _check_write(existing, user, data["base_rev"], parsed.body, data["if_unchanged"])
    body = _loaded(parsed.body)
    created_at = existing.created_at if existing else _created_at(data["created_at"], now)
    try:
        if KINDS[kind].created_rule is not None:
            KINDS[kind].created_rule(body, created_at)
        if KINDS[kind].paired_rule is not None:
            paired_at = batch.paired_at(existing.couple_id if existing else couple_id)
            KINDS[kind].paired_rule(body, created_at, paired_at)
    except ValidationError as err:
        raise Rejected(422, "invalid_entry", {"body": err.messages}) from None
    if existing is None or existing.ref_id != data["ref_id"]:
        target = _check_ref(
            existing.couple_id if existing else couple_id, user, data["id"], kind, data["ref_id"], known
        )
    else:
        target = None
    if target is None and existing is not None and existing.ref_id and kind in talk.RULED:
        target = _get(existing.ref_id, known)  # an edit keeps its ref: the talk's rules read it still
    talk.check(batch, kind, body, data["id"], target)
    question_swap.check(batch, kind, body, existing)
    visibility_ = visibility.stored_visibility(kind, data["visibility"])
    if existing is not None and existing.author_id != user.id:
        visibility_ = existing.visibility  # a partner editing a shared entry cannot hide it from its author
    _check_keys(kind, body, visibility_, existing.couple_id if existing else couple_id)
    if batch.sealing():
        _check_sealed(kind, body)

    if existing is None:
        entry = NewEntry(data["id"], couple_id, user.id, kind, created_at)
        batch.entries.append(entry)
        known[entry.id] = entry
    else:
        entry = existing
        entry.rev += 1
    before = existing.body if existing is not None else {}
    body = _partner_keeps_words(existing, user, body)
    was_live = existing is not None and _live_question(existing)
    entry.visibility, entry.ref_id, entry.body = visibility_, data["ref_id"], body
    question_field = KINDS[kind].question_field
    entry.question_id = body.get(question_field) if question_field else None
    entry.updated_at = now
    here = entry.couple_id is not None and entry.couple_id == couple_id
    answered = frozenset()
    if entry.question_id is not None and here and partner_id is not None:
        answered = visibility.answered_questions(partner_id, couple_id, {entry.question_id})
    stamp(entry, user, couple_id, batch.stamps, answered)

    if entry.question_id is not None and here and _live_question(entry) and entry.question_id != was_live:
        batch.reveals.append(entry)  # a first live answer to this question: see reveal()
    if partner_id is not None and here and visibility.meant_for_partner(entry):
        _notify(batch, entry, existing, target, before)
    return entry


def _check_keys(kind, body, visibility_, couple_id):
    """The envelopes of one entry (schemas/words.py) all name one key, and the right class of key: the
    couple's (`c`) for what the partner may read, the author's own (`p`) for a private entry, or one
    written outside a couple (no couple key exists for it)."""
    found = words.envelopes(body, KINDS[kind].words)
    if not found:
        return
    first = found[0][1]
    for path, key in found:
        if key != first:
            raise Rejected(422, "mixed_keys", {"body": {path.split(".")[0]: [Coded("mixed_keys")]}})
    if first[0] != visibility.key_class(visibility_, couple_id):
        raise Rejected(422, "wrong_key", {"body": {found[0][0].split(".")[0]: [Coded("wrong_key")]}})


def _check_sealed(kind, body):
    """The downgrade guard: once the author has registered a device key, their phone seals every words
    field, so plaintext from them (other than "", a note left out) is refused: 422 must_encrypt. A server
    or a client that drops the sealing cannot slip words past the phone in the clear."""
    for path in KINDS[kind].words:
        for where, value in words.at(body, path):
            if isinstance(value, str) and value != "" and not words.is_envelope(value):
                raise Rejected(422, "must_encrypt", {"body": {where.split(".")[0]: [Coded("must_encrypt")]}})


def _live_question(entry):
    return entry.question_id if visibility.is_live_answer(entry) else None


def delete(batch, raw):
    """Applies one delete of the batch (deleting twice changes nothing)."""
    user, now = batch.user, batch.now
    data = _load(EntryDeleteIn, raw)
    existing = _existing(user, data["id"], batch.known)
    if existing is None:
        raise Rejected(404, "not_found")
    if existing.deleted:
        return existing  # deleting twice changes nothing
    _check_write(existing, user, data["base_rev"])
    existing.deleted, existing.deleted_at, existing.body = True, now, {}
    existing.rev += 1
    existing.updated_at = now
    stamp(existing, user, batch.couple_id, batch.stamps)
    return existing


def reveal(batch):
    """Answer, then reveal: after a batch, each answer of this user's that became the first live one
    to its question (and still is: an answer deleted or made private in the same batch reveals
    nothing) sends the partner's live answers to that question, at the couple's next positions."""
    question_ids = {a.question_id for a in batch.reveals if visibility.is_live_answer(a)}
    if not question_ids:
        return
    held = db.session.scalars(
        db.select(Entry).where(
            Entry.couple_id == batch.couple_id,
            Entry.kind.in_(visibility.REVEALED),
            Entry.question_id.in_(question_ids),
            Entry.author_id != batch.user.id,
            visibility.live_answer_clause(),
        )
    ).all()
    for answer in held:
        batch.stamps.couple(answer, foreign=True)
        answer.shared_once = True
    db.session.flush()


def follow_up(body):
    """The follow-up message written at a session's end (its answer with prompt_id "follow_up"), or None."""
    for answer in body.get("answers") or ():
        if answer.get("prompt_id") == "follow_up" and answer.get("text"):
            return answer["text"]
    return None


def _notify(batch, entry, existing, target, before):
    """A push job for the partner, written with the batch; the worker turns it into a notification."""
    kind, event, user = entry.kind, None, batch.user
    rule = KINDS[kind]
    if existing is None and rule.tells_partner:
        event = kind
        if rule.tells_if is not None and not rule.tells_if(entry.body):
            event = None  # e.g. a bid the partner made and I noticed: nothing to tell them
        if rule.tells_partner == "reply" and (target is None or target.author_id == user.id):
            event = None  # news only when it answers something of theirs
    elif kind == "timeout" and entry.body.get("ended_at") and not before.get("ended_at"):
        event = "timeout_ended"
    if event is None and kind == "ritual_session" and follow_up(entry.body) and not follow_up(before):
        event = "follow_up"  # the first follow-up message of a session reaches the partner
    if event:
        batch.jobs.append(
            {
                "user_id": batch.partner_id,
                "type": event,
                "actor_id": user.id,
                "entry_id": entry.id,
                "not_before": entry.updated_at,
            }
        )
