"""Who sees what: the one home of the rule, the Python predicate and the SQL filter side by side.

An entry is its author's, always, wherever it was written (also after the couple ended). The
partner sees it only while it is `shared`, not a journal, written in the couple they are in now,
and, for an `answer` or a `love_map` (a kind with a question_field), once they have a shared, not
deleted one of their own to the same question (answer, then reveal). Everything else about an
entry the partner cannot see is invisible to them, its existence and its timing included: such
changes move only the author's own stream (docs/sync.md). Pull, export, stats, push previews, the
reveal and the write checks ask here.
"""

from sqlalchemy import and_, select

from ..extensions import db
from ..kinds import named
from ..models import Entry
from ..schemas.entries import entry_out

ALWAYS_PRIVATE = named(lambda kind: kind.private)
SHARED_EDIT = named(lambda kind: kind.edit == "both")  # both partners edit these; base_rev guards them
# Kinds withheld from the partner until they have answered the same question (answer, then reveal).
REVEALED = named(lambda kind: kind.question_field is not None)


# --- the rule, per row -------------------------------------------------------------------------


def meant_for_partner(entry):
    """Shared by its author (a journal never is). For an answer this is not yet enough: see partner_sees."""
    return entry.visibility == "shared" and entry.kind not in ALWAYS_PRIVATE


def partner_sees(entry, answered):
    """The author's partner may see this (live) entry now; `answered`: the question ids the partner
    has a live answer to (answered_questions)."""
    return (
        not entry.deleted and meant_for_partner(entry) and (entry.kind not in REVEALED or entry.question_id in answered)
    )


def key_class(stored_visibility_, couple_id):
    """Which key seals an entry's words (docs/encryption.md): the couple's (`c`) for what the partner may
    read, the author's own (`p`) for a private entry or one written outside a couple."""
    return "c" if stored_visibility_ == "shared" and couple_id is not None else "p"


def stored_visibility(kind, requested):
    """The visibility an entry is stored with: a journal is private whatever the phone sent."""
    return "private" if kind in ALWAYS_PRIVATE else requested


def partner_hears(entry, answered):
    """(moves, holds) for a change just made to `entry`: whether it moves the couple's stream (the
    partner may see it now, or held it until now: one bare tombstone on a turn to private or a
    delete), and whether the partner holds it afterwards (Entry.shared_once). A withheld answer
    moves nothing the partner can observe."""
    visible = partner_sees(entry, answered)
    withheld = entry.kind in REVEALED and not visible and not entry.deleted and meant_for_partner(entry)
    return visible or (bool(entry.shared_once) and not withheld), visible


def is_live_answer(entry):
    """An answer that reveals the partner's answers to the same question: shared and not deleted."""
    return entry.kind in REVEALED and not entry.deleted and meant_for_partner(entry)


def can_see(entry, user, answered=frozenset()):
    """This user may know the entry exists: theirs, or their current partner's and visible to them."""
    if entry.author_id == user.id:
        return True
    return user.couple_id is not None and entry.couple_id == user.couple_id and partner_sees(entry, answered)


def answered_for(user, entries):
    """answered_questions for the partner answers among `entries` (no query when there are none)."""
    question_ids = {e.question_id for e in entries if e.kind in REVEALED and e.author_id != user.id}
    return answered_questions(user.id, user.couple_id, question_ids)


def answered_questions(user_id, couple_id, question_ids):
    """The question ids among `question_ids` this user has a live answer to in this couple."""
    if not question_ids or couple_id is None:
        return set()
    return set(
        db.session.scalars(
            select(Entry.question_id).where(
                Entry.couple_id == couple_id,
                Entry.kind.in_(REVEALED),
                Entry.author_id == user_id,
                Entry.question_id.in_(question_ids),
                live_answer_clause(),
            )
        )
    )


# --- the rule, as SQL --------------------------------------------------------------------------


def meant_for_partner_clause():
    return and_(Entry.visibility == "shared", Entry.kind.not_in(ALWAYS_PRIVATE))


def live_answer_clause():
    return and_(Entry.deleted.is_(False), meant_for_partner_clause())


def partners_shared_clause(user):
    """The partner's entries this user may read (answers still pass through present())."""
    return and_(
        Entry.couple_id == user.couple_id,
        Entry.author_id != user.id,
        Entry.deleted.is_(False),
        meant_for_partner_clause(),
    )


# --- presenting rows to a reader ----------------------------------------------------------------


def present(user, rows):
    """Rows as this user may receive them: their own as they are; a partner's entry they may see as
    it is; a partner's answer still withheld is left out; any other partner entry (turned private,
    deleted) is a bare tombstone."""
    answered = answered_for(user, rows)
    out = []
    for entry in rows:
        if entry.author_id == user.id or partner_sees(entry, answered):
            out.append(entry)
        elif entry.kind in REVEALED and not entry.deleted and meant_for_partner(entry):
            continue  # withheld: not even a tombstone
        else:
            out.append(tombstone(entry))
    return out


def tombstone(entry):
    """What the partner gets of an entry they may no longer see: its id, kind and author. Not its rev
    nor its updated_at, which a later private edit would move (how often, and when, they wrote)."""
    return entry_out(
        entry, visibility="private", ref_id=None, body={}, rev=0, updated_at=entry.created_at, deleted=True
    )
