"""The small conversations entries start, and their rules, checked when a put is applied (services.entries):

- the talk after the reveal: a `reply` answers the partner's answer or their reply; the answer at the
  root of that chain is its thread, and each partner writes at most REPLIES_PER_PERSON replies in one
  thread (a few turns: Hearth is not a chat app). A reply needs a ref the replier may see, so the
  partner's answer stays withheld until they answered too (services.entries._check_ref);
- good news: a `reply` may also answer the partner's disclosure in a good-news category
  (bodies.GOOD_NEWS_CATEGORIES; the phone offers active, constructive starters), then the same few turns.
  Any other disclosure is answered by a reflection or a reaction, not a reply;
- a verdict ("That's right" / "Not quite", optionally saying what was missed) answers a reflection of
  your own words: the partner's reflection. The phone keeps one verdict per reflection and edits it,
  so the latest one is the one stored and shown (frontend/js/parts/verdict.js).
"""

from sqlalchemy import select

from .. import limits as L
from ..errors import Coded
from ..extensions import db
from ..models import Entry
from ..schemas.bodies import GOOD_NEWS_CATEGORIES
from . import entries

REPLY = "reply"
REACTION = "reaction"
REFLECTION = "reflection"
DISCLOSURE = "disclosure"
RULED = frozenset({REPLY, REACTION})  # the kinds these rules read
VERDICTS = frozenset({"right", "not_quite"})
MAX_DEPTH = 2 * L.REPLIES_PER_PERSON + 1  # the longest chain a full thread can make, and one more


def check(batch, kind, body, entry_id, target):
    """Raises entries.Rejected when this put breaks a rule of the talk; `target` is its ref's entry."""
    if target is None:
        return
    if kind == REPLY:
        if target.kind == DISCLOSURE and target.body.get("category") not in GOOD_NEWS_CATEGORIES:
            raise entries.Rejected(422, "not_good_news", {"ref_id": [Coded("wrong_kind")]})
        _check_thread(batch, entry_id, target)
    elif kind == REACTION and body["value"] in VERDICTS:
        _check_verdict(batch.user, target)


def _check_verdict(user, target):
    if target.kind != REFLECTION:
        raise entries.Rejected(422, "verdict_misplaced", {"ref_id": [Coded("wrong_kind")]})
    if target.author_id == user.id:
        raise entries.Rejected(422, "verdict_misplaced", {"ref_id": [Coded("own_entry")]})


def _check_thread(batch, entry_id, target):
    root = thread_root(target, lambda ref: entries._get(ref, batch.known))
    if root is None:
        return
    replies = thread_replies(root.id, batch.entries)
    mine = [r for r in replies if r.author_id == batch.user.id and r.id != entry_id and not r.deleted]
    if len(mine) >= L.REPLIES_PER_PERSON:
        raise entries.Rejected(409, "thread_full", max=L.REPLIES_PER_PERSON)


def thread_root(entry, get):
    """The answer (or good news) a chain of replies starts from (None for a broken or looping chain)."""
    for _ in range(MAX_DEPTH + 1):
        if entry is None or entry.kind != REPLY:
            return entry
        entry = get(entry.ref_id)
    return None


def thread_replies(root_id, unsaved=()):
    """The replies of one thread (deleted ones too), from the database and `unsaved` (a batch's new entries)."""
    found, frontier = {}, {root_id}
    for _ in range(MAX_DEPTH):
        rows = db.session.scalars(select(Entry).where(Entry.ref_id.in_(frontier), Entry.kind == REPLY)).all()
        rows += [e for e in unsaved if e.kind == REPLY and e.ref_id in frontier]
        fresh = {e.id: e for e in rows if e.id not in found}
        if not fresh:
            break
        found |= fresh
        frontier = set(fresh)
    return list(found.values())
