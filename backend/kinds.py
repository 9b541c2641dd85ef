"""The entry kinds: one record per kind, and every list of kinds the server keeps is read from here.

A new kind is one record below (its body schema in schemas/bodies.py), one in frontend/js/kinds.js,
and its words in the catalogues; tests/test_kinds.py fails until the two registries agree. The
modules that act on these facts stay the homes of their rules (visibility.py: who sees what;
services/entries.py: who may write what and who hears of it; us.py: what the Us numbers read);
they ask this table which kinds a rule applies to instead of listing them again.
"""

from collections.abc import Callable
from typing import NamedTuple

from .schemas import bodies


class Kind(NamedTuple):
    name: str
    schema: type  # the marshmallow schema of `body`
    edit: str = "author"  # "author": only its author changes it; "both": either partner (base_rev guards it)
    private: bool = False  # always private, whatever the phone sent (never reaches the partner)
    ref: str = "optional"  # ref_id: "required" or "optional"
    answers: frozenset = frozenset()  # the kinds its ref_id may point at (empty: any kind)
    # The partner hears of a new one (a push job in the same transaction): "created" for any new one,
    # "reply" only when it answers an entry of theirs; None: never.
    tells_partner: str | None = None
    tells_if: Callable | None = None  # body → whether this one is news for the partner (a bid they made: no)
    opens: str = "/"  # the screen a push about it opens ("{id}": the entry's id)
    preview: str | None = None  # the body field a push preview may show (show_previews on)
    question_field: str | None = (
        None  # the body field naming a question: withheld from the partner until they answer it too
    )
    to_partner: bool = False  # its ref_id must point at the partner's entry, never the author's own
    us: bool = False  # read by the Us numbers (services/us.py)
    created_rule: Callable | None = None  # (body, created_at) → raises ValidationError: rules on the server's clock
    paired_rule: Callable | None = None  # (body, created_at, the couple's paired_at) → raises ValidationError
    once: bool = False  # at most one live one per author and ref_id (a second is refused; edit the first)
    partner_may: Callable | None = None  # (stored body, new body) → the author's partner may make this change
    # The body fields that hold a person's words: each is plaintext or an envelope (schemas/words.py),
    # and the phone encrypts them (docs/encryption.md). Paths with dots; "*" is every item of a list
    # ("answers.*.text"). The one list of what is encrypted: tests/test_words.py fails on a text field
    # of a body schema that is neither here nor in its list of clear-text strings.
    words: tuple = ()


_REGISTRY = (
    Kind(
        "disclosure",
        bodies.Disclosure,
        tells_partner="created",
        preview="text",
        us=True,
        words=("text", "i_feel.feel", "i_feel.when", "i_feel.need"),
    ),
    Kind(
        "reflection",
        bodies.Reflection,
        ref="required",
        answers=frozenset({"disclosure"}),
        to_partner=True,
        tells_partner="reply",
        preview="text",
        words=("text",),
    ),
    Kind("reaction", bodies.Reaction, ref="required", tells_partner="reply", us=True, words=("note",)),
    Kind(
        "appreciation",
        bodies.Appreciation,
        tells_partner="created",
        opens="/appreciate",
        preview="text",
        us=True,
        words=("text",),
    ),
    Kind(
        "bid",
        bodies.Bid,
        tells_partner="created",
        opens="/bids",
        tells_if=lambda body: body.get("bidder") == "me",
        preview="note",
        us=True,
        words=("note",),
    ),
    Kind(
        "bid_response",
        bodies.BidResponse,
        ref="required",
        answers=frozenset({"bid"}),
        tells_partner="reply",
        opens="/bids",
        us=True,
    ),
    Kind("checkin", bodies.Checkin, us=True, words=("note",)),
    Kind("ritual", bodies.Ritual, edit="both", us=True, words=("title", "prompts.*")),
    # A session started is news for the partner (together mode: "‹name› started … · Join"), unless it
    # reaches the server already ended (run offline on one phone).
    Kind(
        "ritual_session",
        bodies.RitualSession,
        ref="required",
        answers=frozenset({"ritual"}),
        tells_partner="created",
        tells_if=lambda body: not body.get("ended_at"),
        opens="/session/{id}",
        us=True,
        words=("answers.*.prompt", "answers.*.text", "passed.*", "note"),
    ),
    # The shared position of a session run on both phones: either partner moves it (base_rev guards it).
    Kind("session_step", bodies.SessionStep, edit="both", ref="required", answers=frozenset({"ritual_session"})),
    # Its author's to change; a partner whose step it is (owner "partner" or "both") may tick it done.
    Kind(
        "commitment",
        bodies.Commitment,
        us=True,
        created_rule=bodies.due_within_a_week,
        partner_may=bodies.owner_ticks,
        words=("text",),
    ),
    Kind("agreement", bodies.Agreement, edit="both", words=("text",)),
    # Only the one who asked for a time-out changes or ends it (edit "author"); "15 more minutes" moves
    # return_at, still within the 24-hour cap from its start (returns_in_time reads the first created_at).
    Kind(
        "timeout",
        bodies.Timeout,
        tells_partner="created",
        opens="/timeout",
        preview="note",
        created_rule=bodies.returns_in_time,
        words=("note",),
    ),
    # The partner's one short kind note to a time-out ("I'll be here"): it cannot end it.
    Kind(
        "timeout_note",
        bodies.TimeoutNote,
        ref="required",
        answers=frozenset({"timeout"}),
        tells_partner="reply",
        opens="/timeout",
        preview="text",
        to_partner=True,
        once=True,
        words=("text",),
    ),
    # A repair phrase sent with one tap during tension (a phrase id, no words of its own): the partner
    # hears of it at once and answers with one tap (a reaction: "thanks" or "pause").
    Kind("repair", bodies.Repair, tells_partner="created", opens="/tension", preview="phrase"),
    Kind("answer", bodies.Answer, tells_partner="created", question_field="question_id", words=("text",)),
    # Love maps: withheld from the partner until they wrote theirs to the same question (like an answer),
    # and no push: a round of twenty would be twenty pushes.
    Kind("love_map", bodies.LoveMap, question_field="question_id", words=("mine", "guess")),
    # The talk after the reveal: a few short turns on one answer (services/talk.py caps a thread); also the
    # partner's reply to good news (a disclosure in a good-news category, services/talk.py checks which).
    Kind(
        "reply",
        bodies.Reply,
        ref="required",
        answers=frozenset({"answer", "reply", "disclosure"}),
        to_partner=True,
        tells_partner="reply",
        preview="text",
        words=("text",),
    ),
    # "A lighter one, please" on today's question: shared, so the partner's phone swaps too; no push.
    Kind("question_swap", bodies.QuestionSwap),
    Kind("journal", bodies.Journal, private=True, words=("text",)),
    # A week of the six-week path marked done: shared, so both see each other's ticks; only once it opened.
    Kind("path_step", bodies.PathStep, paired_rule=bodies.week_has_opened),
    # A question prepared for the connection check: written private (sealed on its author's phone, in
    # their own stream only); the session reveals it by turning it shared, one at a time. Its ritual is the ref.
    Kind("prepared_question", bodies.PreparedQuestion, ref="required", answers=frozenset({"ritual"}), words=("text",)),
)

KINDS = {kind.name: kind for kind in _REGISTRY}
NAMES = tuple(KINDS)


def named(predicate):
    """The names of the kinds a predicate holds for, as a frozenset (for `in` and SQL IN)."""
    return frozenset(kind.name for kind in _REGISTRY if predicate(kind))
