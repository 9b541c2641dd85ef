"""One schema per entry kind: the rules for `body`. Unknown fields are refused."""

import re
from datetime import timedelta

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import limits as L
from ..errors import Coded, invalid
from ..times import parse_date, parse_instant
from .common import Length, Range, String, Time
from .words import Words, check_across, said

DISCLOSURE_CATEGORIES = ("worry", "regret", "appreciation", "feeling", "hope", "tension", "good_news", "other")
# Good news the partner may answer with a short reply (services/talk.py): active, constructive responding.
GOOD_NEWS_CATEGORIES = ("good_news",)
# "pause" answers a repair phrase ("Let's pause"); "thanks" answers one too ("Thank you").
REACTIONS = ("right", "not_quite", "heart", "thanks", "not_now", "pause")
BID_TYPES = ("question", "touch", "joke", "share", "help", "affection", "other")
BID_RESPONSES = ("toward", "away", "against")
# vulnerability, story, stress_talk (the stress-reducing conversation) and aftermath (of a fight) are guided
# exercises (started any time); reassessment is the 12-week review.
RITUAL_TYPES = (
    "nightly_gratitude",
    "weekly_checkin",
    "monthly_state",
    "connection_check",
    "vulnerability",
    "story",
    "reassessment",
    "stress_talk",
    "aftermath",
    "custom",
)
# A default ritual names the catalogue entry its words come from (ritual.default.<template>): each phone
# and each push shows them in the reader's language. Editing the title or prompts drops it (the phone
# does, frontend/js/screens/ritual-edit.js): the words are the couple's own from then on.
RITUAL_TEMPLATES = tuple(name for name in RITUAL_TYPES if name != "custom")
SCHEDULE_FREQS = ("daily", "weekly", "monthly", "anytime")
AGREEMENT_CATEGORIES = ("conflict_rule", "boundary", "goal")
COMMITMENT_OWNERS = ("me", "partner", "both")  # relative to the author: the partner reads "partner" as "you"
# The suggested agreements the phone offers (frontend/js/care.js STARTERS, words agreements.starter.<id>):
# one added from a suggestion names it, so neither partner is offered it again, whatever language the
# stored text (the adder's own words) is in.
AGREEMENT_STARTERS = ("time_out", "no_name_calling", "one_issue", "come_back")
# Repair phrases (one tap during tension, no free text): each group's phrases by id; the words are
# repair.phrase.<id> and repair.group.<group> in the catalogues. The phone offers the same table
# (frontend/js/repairs.js; tests/test_repair.py checks both agree and every id has its words).
REPAIR_PHRASES = {
    "feel": ("feel_flooded", "feel_hurt", "feel_blamed", "feel_unheard"),
    "sorry": ("sorry_badly", "sorry_harsh", "sorry_my_part", "sorry_start_over"),
    "yes": ("yes_part", "yes_common", "yes_both", "yes_us_first"),
    "calm": ("calm_break", "calm_slower", "calm_listen", "calm_hand"),
    "stop": ("stop_pause", "stop_off_track", "stop_later", "stop_step_back"),
    "appreciate": ("appreciate_trying", "appreciate_love", "appreciate_team", "appreciate_point"),
}
REPAIR_PHRASE_IDS = tuple(phrase for group in REPAIR_PHRASES.values() for phrase in group)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _local_date(value):
    # Only YYYY-MM-DD: fromisoformat also takes "20260501" and "2026-W18-1", which would be stored as sent
    # and then never equal the same day written the usual way.
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        parse_date(value)
    except (TypeError, ValueError):
        raise invalid("bad_date") from None


def aware_datetime(value):
    try:
        parsed = parse_instant(value)
    except (AttributeError, ValueError):
        raise invalid("bad_instant") from None
    if parsed.tzinfo is None:
        raise invalid("no_zone")


def LocalDate(**kwargs):
    return String(validate=_local_date, **kwargs)


def Instant(**kwargs):
    return String(validate=aware_datetime, **kwargs)


def Feelings():
    return fields.List(
        String(validate=Length(min=1, max=L.FEELING_MAX)), validate=Length(max=L.FEELINGS_MAX), load_default=list
    )


def OneOf(choices, **kwargs):
    return String(validate=validate.OneOf(choices), **kwargs)


class IFeel(Schema):
    feel = Words(L.I_FEEL_FEEL_MAX, required=True)
    when = Words(L.I_FEEL_WHEN_MAX, required=True)
    need = Words(L.I_FEEL_NEED_MAX, required=True)


class Disclosure(Schema):
    text = Words(L.DISCLOSURE_TEXT_MAX, required=True)
    category = OneOf(DISCLOSURE_CATEGORIES, required=True)
    feelings = Feelings()
    local_date = LocalDate(required=True)
    i_feel = fields.Nested(IFeel, allow_none=True)


class Reflection(Schema):
    text = Words(L.REFLECTION_TEXT_MAX, required=True)


class Reaction(Schema):
    value = OneOf(REACTIONS, required=True)
    # "Not quite" may say what was missed, for the partner to reflect again (frontend/js/parts/verdict.js).
    note = Words(L.NOTE_MAX, min_len=0)

    @validates_schema
    def _note_says_what_was_missed(self, data, **_):
        # A note of only spaces says nothing (as sealed: the phone sends it as "", crypto/sealing.js).
        if said(data.get("note")) and data.get("value", "not_quite") != "not_quite":
            raise invalid("note_not_quite", "note")


class Appreciation(Schema):
    text = Words(L.APPRECIATION_TEXT_MAX, required=True)


class Bid(Schema):
    type = OneOf(BID_TYPES, required=True)
    bidder = OneOf(("me", "partner"), required=True)
    note = Words(L.NOTE_MAX, min_len=0, load_default="")


class BidResponse(Schema):
    response = OneOf(BID_RESPONSES, required=True)


class Checkin(Schema):
    mood = fields.Integer(required=True, strict=True, validate=Range(min=L.SCALE_MIN, max=L.SCALE_MAX))
    us = fields.Integer(required=True, strict=True, validate=Range(min=L.SCALE_MIN, max=L.SCALE_MAX))
    feelings = Feelings()
    note = Words(L.NOTE_MAX, min_len=0, load_default="")


class Schedule(Schema):
    freq = OneOf(SCHEDULE_FREQS, required=True)  # anytime: started at will, never reminded
    time = Time()  # required unless anytime
    weekday = fields.Integer(strict=True, validate=Range(min=0, max=6), allow_none=True)  # 0 = Monday
    # every n weeks
    interval = fields.Integer(strict=True, validate=Range(min=1, max=L.SCHEDULE_WEEKS_MAX), load_default=1)
    monthday = fields.Integer(strict=True, validate=Range(min=1, max=31), allow_none=True)
    nth = fields.Integer(strict=True, validate=validate.OneOf((1, 2, 3, 4, -1)), allow_none=True)  # -1 = last
    start_date = LocalDate(allow_none=True)  # counts `interval` weeks from this date's week

    @validates_schema
    def _complete(self, data, **_):
        if data["freq"] == "anytime":
            return
        if not data.get("time"):
            raise invalid("needs_time", "time")
        if data["freq"] == "weekly" and data.get("weekday") is None:
            raise invalid("needs_weekday", "weekday")
        if data["freq"] == "monthly":
            by_day = data.get("monthday") is not None
            by_nth = data.get("nth") is not None and data.get("weekday") is not None
            if by_day == by_nth:
                raise invalid("needs_monthday", "monthday")


class Ritual(Schema):
    type = OneOf(RITUAL_TYPES, required=True)
    title = Words(L.RITUAL_TITLE_MAX, required=True)
    schedule = fields.Nested(Schedule, required=True)
    duration_min = fields.Integer(
        strict=True, required=True, validate=Range(min=L.RITUAL_MINUTES_MIN, max=L.RITUAL_MINUTES_MAX)
    )
    prompts = fields.List(Words(L.PROMPT_MAX), validate=Length(max=L.PROMPTS_MAX), load_default=list)
    enabled = fields.Boolean(load_default=True)
    template = OneOf(RITUAL_TEMPLATES)


# Prompts Hearth asks in every session, beside a ritual's own (frontend/js/ritual-data.js): an answer
# to one carries its stable id, so no language's wording is ever matched. `prompt` keeps readable text.
SESSION_PROMPT_IDS = ("follow_up", "story")


class SessionAnswer(Schema):
    prompt = Words(L.PROMPT_MAX, required=True)
    prompt_id = OneOf(SESSION_PROMPT_IDS)
    text = Words(L.SESSION_TEXT_MAX, min_len=0, required=True)


class RitualSession(Schema):
    started_at = Instant(required=True)
    ended_at = Instant(allow_none=True, load_default=None)
    answers = fields.List(fields.Nested(SessionAnswer), validate=Length(max=L.SESSION_ITEMS_MAX), load_default=list)
    passed = fields.List(Words(L.PROMPT_MAX), validate=Length(max=L.SESSION_ITEMS_MAX), load_default=list)
    note = Words(L.SESSION_TEXT_MAX, min_len=0, load_default="")
    # Set by the worker when the session was left open SESSION_OPEN_HOURS (services/stale_sessions.py):
    # it ended, not finished, and is no meaningful chat.
    unfinished = fields.Boolean()

    @validates_schema
    def _ends_after_start(self, data, **_):
        if data.get("ended_at") and parse_instant(data["ended_at"]) < parse_instant(data["started_at"]):
            raise invalid("ends_before_start", "ended_at")


class SessionStep(Schema):
    """Where a session stands, shared by both phones (together mode): the prompt now on screen (its index;
    the prompt count once all are done), the instant it came up, and the prompts passed (indexes). Either
    partner moves it with a put whose base_rev is the rev their phone saw: two moves from one step apply once."""

    step = fields.Integer(strict=True, required=True, validate=Range(min=0, max=L.SESSION_STEPS_MAX))
    at = Instant(required=True)
    passed = fields.List(
        fields.Integer(strict=True, validate=Range(min=0, max=L.SESSION_STEPS_MAX - 1)),
        validate=Length(max=L.SESSION_STEPS_MAX),
        load_default=list,
    )
    # Who speaks (or tells) first in the guided exercises with turns, seen from the one who started the
    # session: chosen on either phone before the first turn.
    first = OneOf(("starter", "partner"), allow_none=True)


class Commitment(Schema):
    text = Words(L.COMMITMENT_TEXT_MAX, required=True)
    owner = OneOf(COMMITMENT_OWNERS, load_default="me")  # whose step it is, seen from its author
    due_date = LocalDate(required=True)
    done_at = Instant(allow_none=True, load_default=None)


class Agreement(Schema):
    text = Words(L.AGREEMENT_TEXT_MAX, required=True)
    category = OneOf(AGREEMENT_CATEGORIES, required=True)
    starter = OneOf(AGREEMENT_STARTERS)


class Timeout(Schema):
    return_at = Instant(required=True)
    ended_at = Instant(allow_none=True, load_default=None)
    note = Words(L.NOTE_MAX, min_len=0, load_default="")


class TimeoutNote(Schema):
    text = Words(L.TIMEOUT_NOTE_MAX, required=True)


def QuestionId(**kwargs):
    """A daily question's id (frontend/locales/questions; old ids stay valid forever)."""
    return String(validate=[Length(min=1, max=64), validate.Regexp(r"^[A-Za-z0-9_.:-]+$")], **kwargs)


class Repair(Schema):
    """A repair attempt sent with one tap during tension: only the phrase's id, never free text."""

    phrase = OneOf(REPAIR_PHRASE_IDS, required=True)


class Answer(Schema):
    # Not a love-maps id: an answer to "lovemap.…" would reveal the partner's love-map answer without one.
    question_id = String(
        required=True, validate=[Length(min=1, max=64), validate.Regexp(r"^(?!lovemap\.)[A-Za-z0-9_.:-]+$")]
    )
    text = Words(L.ANSWER_TEXT_MAX, required=True)
    local_date = LocalDate(required=True)


class QuestionSwap(Schema):
    """A lighter one, please: the couple's question of `local_date` becomes `to_id` instead of
    `from_id`, on both phones. Two swaps of one day (both tapped offline) are one: the phones show the
    one with the smallest entry id (frontend/js/question-order.js). services/question_swap.py refuses a
    swap once either partner answered `from_id` that day."""

    local_date = LocalDate(required=True)
    from_id = QuestionId(required=True)
    to_id = QuestionId(required=True)


class LoveMap(Schema):
    """One love-maps question of one round: your own answer and your guess about your partner's, or a
    pass. question_id is "lovemap.<round>.<question>" (frontend/js/lovemaps.js draws each round), and
    the partner sees it only once they have written theirs to the same one (answer, then reveal)."""

    question_id = String(
        required=True, validate=[Length(min=1, max=64), validate.Regexp(r"^lovemap\.[1-9][0-9]{0,5}\.[a-z0-9-]+$")]
    )
    mine = Words(L.LOVE_MAP_TEXT_MAX, min_len=0, load_default="")
    guess = Words(L.LOVE_MAP_TEXT_MAX, min_len=0, load_default="")
    unknown = fields.Boolean(load_default=False)  # "I don't know yet", for the guess: a fine answer
    passed = fields.Boolean(load_default=False)  # passing is always fine, and holds no words

    # Words, "I don't know yet" or a pass: a pass says nothing else; no pass needs words or "I don't know
    # yet"; "I don't know yet" is no guess. (code, field, conditions): the first rule whose every condition
    # holds refuses; a condition is (fields, whether any of them says something: non-blank text, or true).
    # The phone checks this same table before it seals (limits.py writes it into word-limits.js).
    ACROSS = (
        ("invalid", "passed", ((("passed",), True), (("mine", "guess", "unknown"), True))),
        ("blank", "mine", ((("passed",), False), (("mine", "guess", "unknown"), False))),
        ("invalid", "unknown", ((("unknown",), True), (("guess",), True))),
    )

    @validates_schema
    def _words_or_a_pass(self, data, **_):
        check_across(self.ACROSS, data)


class PathStep(Schema):
    """A week of the six-week path marked done by its author; both partners see it."""

    week = fields.Integer(strict=True, required=True, validate=Range(min=1, max=L.PATH_WEEKS))


class PreparedQuestion(Schema):
    """One of the questions a partner prepares for a connection check (its ritual is the ref): `n` is its
    place (1 to PREPARED_QUESTIONS), `day` the local day of the check it is for. Written private, so only
    its author's phone holds it; the session reveals it by turning it shared (kinds.py)."""

    text = Words(L.PREPARED_QUESTION_MAX, required=True)
    n = fields.Integer(strict=True, required=True, validate=Range(min=1, max=L.PREPARED_QUESTIONS))
    day = LocalDate(required=True)
    asked_in = String(validate=Length(max=64), allow_none=True)  # the session that revealed it


class Reply(Schema):
    """A short reply in the talk after the reveal: to the partner's answer, or to their reply."""

    text = Words(L.REPLY_TEXT_MAX, required=True)


class Journal(Schema):
    text = Words(L.JOURNAL_TEXT_MAX, required=True)
    feelings = Feelings()


# Rules that depend on when the entry was first made (the server's clock), not on the body alone;
# backend/kinds.py names the kind each one belongs to.


def due_within_a_week(body, created_at):
    due = parse_date(body["due_date"])
    made = created_at.date()
    if not made - timedelta(days=1) <= due <= made + timedelta(days=L.COMMITMENT_DAYS):
        raise ValidationError({"due_date": [Coded("due_too_late", days=L.COMMITMENT_DAYS)]})


def week_has_opened(body, created_at, paired_at):
    """A week of the path is marked only once it has started (week n opens (n - 1) x 7 days after pairing)."""
    opens = paired_at + timedelta(weeks=body["week"] - 1) if paired_at else None
    if opens is None or created_at < opens:
        raise ValidationError({"week": [Coded("week_not_open")]})


def owner_ticks(stored, new):
    """A commitment's partner may tick it done (or not) when the step is theirs too, changing nothing else."""
    rest = {key: value for key, value in new.items() if key != "done_at"}
    return stored.get("owner", "me") != "me" and rest == {k: v for k, v in stored.items() if k != "done_at"}


def returns_in_time(body, created_at):
    # A minute of slack each way: the phone picks the time, then the write takes a moment to arrive.
    ahead = parse_instant(body["return_at"]) - created_at
    if not (timedelta(minutes=L.TIMEOUT_MIN_MINUTES - 1) <= ahead <= timedelta(minutes=L.TIMEOUT_MAX_MINUTES + 1)):
        raise ValidationError(
            {"return_at": [Coded("timeout_range", min=L.TIMEOUT_MIN_MINUTES, max=L.TIMEOUT_MAX_MINUTES // 60)]}
        )
