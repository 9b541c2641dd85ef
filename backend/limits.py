"""Every limit the phone mirrors, defined once: the schemas validate with these numbers, and the phone
reads them from frontend/js/limits.js, which this module writes:

    .venv/bin/python -m backend.limits

It writes frontend/js/word-limits.js too: each words field's own rule (most characters, least non-blank
ones, required), read from the body schemas, which the phone checks before it seals (docs/encryption.md).

tests/test_limits_module.py fails when a committed file differs from what this writes, and when a
schema stops using one of these numbers. A name's trailing comment here becomes its comment there.
"""

import json
import re
import sys
from pathlib import Path

# Accounts
EMAIL_MAX = 254  # characters
PASSWORD_MIN = 10  # characters, for a new password (signup, change, reset)
PASSWORD_MAX = 200  # characters
DISPLAY_NAME_MAX = 60  # characters
PUSH_BUDGET_MAX = 6  # pushes a person gets in a local day, every kind counted: the most they can choose (0 is none)
PUSH_BUDGET_DEFAULT = 3  # a new account's
OLD_PUSH_LIMIT_MIN = 1  # the budget's old names (daily_partner_push_limit) still take this
OLD_PUSH_LIMIT_MAX = 50  # to this, stored at most PUSH_BUDGET_MAX

# Entry texts: each kind's main text, at most this many characters (and at least one that is not blank)
DISCLOSURE_TEXT_MAX = 500
I_FEEL_FEEL_MAX = 200  # "I feel ___"
I_FEEL_WHEN_MAX = 300  # "when ___" (also the tension script's "when", inside a disclosure's 500)
I_FEEL_NEED_MAX = 300  # "and I need ___"
REFLECTION_TEXT_MAX = 500
APPRECIATION_TEXT_MAX = 280
NOTE_MAX = 280  # the optional note of a bid, a check-in or a time-out
PARTING_NOTE_MAX = 280  # the optional kind note to the partner when leaving the couple
INVITE_NOTE_MAX = 200  # the optional short note the inviter writes for the one they invite
UNDO_LEAVING_HOURS = 24  # the one who left may undo it this long (services/couples.py, on the server's clock)
COMMITMENT_TEXT_MAX = 280
TIMEOUT_NOTE_MAX = 140  # the partner's one kind note while a time-out runs
AGREEMENT_TEXT_MAX = 280
ANSWER_TEXT_MAX = 1000  # the daily question's answer
REPLY_TEXT_MAX = 280  # a reply in the talk after the reveal (to an answer, or to a reply)
LOVE_MAP_TEXT_MAX = 280  # a love-maps answer about yourself, and your guess about your partner
JOURNAL_TEXT_MAX = 5000
RITUAL_TITLE_MAX = 80
PROMPT_MAX = 300  # one prompt of a ritual, or a passed one
PROMPTS_MAX = 20  # prompts in a ritual
SESSION_STEPS_MAX = 41  # steps of a guided session: presence, then each question asked and answered (2 x 20 + 1)
SESSION_TEXT_MAX = 2000  # an answer written in a ritual session, and the session's note
SESSION_ITEMS_MAX = 50  # answers, and passed prompts, in one session
PREPARED_QUESTION_MAX = 280  # one question prepared for the connection check
PREPARED_QUESTIONS = 3  # questions each partner prepares for a connection check
STORY_PART_MAX = 400  # the 90-second story's "when" and "taught me": both, framed, fit SESSION_TEXT_MAX
FEELINGS_MAX = 12  # feelings named on one entry
FEELING_MAX = 40  # characters of one feeling
REPLIES_PER_PERSON = 3  # replies each partner may write on one answer (its thread): a few turns, not a chat

# Keys (end-to-end encryption, /api/keys)
KEY_DEVICES_MAX = 10  # per person
KEY_ITEMS_MAX = 20  # wrapped keys in one PUT
DEVICE_LABEL_MAX = 60
WRAPPED_KEY_CHARS = 170  # "w1." + base64url of 65 + 12 + 48 bytes
RECOVERY_BLOB_MAX = 65536  # characters
TRANSFER_BLOB_MAX = 65536  # characters: a second device's keys in transit (the recovery blob's form)
TRANSFER_MINUTES = 10  # how long a second device's keys wait on the server for it

# Guides the phone counts words against (shown, never refused)
APPRECIATION_WORDS = 15  # "one appreciation in 15 words or fewer"
FOLLOW_UP_WORDS = 60  # the follow-up message after a talk
TOWARD_GUIDE_PERCENT = 86  # bids turned toward in couples who stayed together (Gottman & Driver): a direction

# Scales, times and dates
SCALE_MIN = 1  # the check-in's mood and "us" taps
SCALE_MAX = 5
RITUAL_MINUTES_MIN = 1  # a ritual's duration
RITUAL_MINUTES_MAX = 240
SCHEDULE_WEEKS_MAX = 4  # a weekly ritual: every 1 to this many weeks
COMMITMENT_DAYS = 7  # a commitment is due at most this many days after it was made
TIMEOUT_MIN_MINUTES = 20  # a time-out's return time, at least this far ahead
TIMEOUT_MAX_MINUTES = 24 * 60  # and at most this far (also after "15 more minutes": from its start)
TIMEOUT_MORE_MINUTES = 15  # "15 more minutes" at the return time
PATH_WEEKS = 6  # the six-week path: one step a week from pairing
STRESS_TURN_MIN_MINUTES = 10  # the stress-reducing conversation: each partner's turn, about this long
STRESS_TURN_MAX_MINUTES = 15  # to this long (two turns: the ritual's minutes, frontend/js/practices.js)
SESSION_OPEN_HOURS = 24  # a ritual session left open this long closes itself as not finished
QUESTION_DEPTHS = ("light", "medium", "deep")  # the daily question's, lightest first (not for limits.js)

JS_PATH = Path(__file__).resolve().parent.parent / "frontend" / "js" / "limits.js"
WORDS_JS_PATH = JS_PATH.with_name("word-limits.js")
_LINE = re.compile(r"^([A-Z][A-Z0-9_]*) = [^#]+?(?:\s+#\s*(.*))?$")
_SECTION = re.compile(r"^# (.+)$")


def phone_limits():
    """[(name, value, comment or "")] in this file's order, and the section titles as (None, None, title)."""
    out = []
    for line in Path(__file__).read_text(encoding="utf-8").splitlines():
        section, match = _SECTION.match(line), _LINE.match(line)
        if section:
            out.append((None, None, section[1]))
        elif match and isinstance(globals().get(match[1]), int):
            out.append((match[1], globals()[match[1]], match[2] or ""))
    return out


def render_js():
    lines = [
        "// GENERATED from backend/limits.py: do not edit. After changing a limit there, run",
        "//   .venv/bin/python -m backend.limits",
        "// The server's schemas validate with these same numbers; tests/test_limits_module.py checks both.",
        "",
    ]
    for name, value, comment in phone_limits():
        if name is None:
            lines += ["", f"// {comment}"] if len(lines) > 4 else [f"// {comment}"]
        else:
            lines.append(f"export const {name} = {value};" + (f" // {comment}" if comment else ""))
    return "\n".join(lines) + "\n"


def word_limits():
    """{kind: {path: (most characters, least non-blank characters, required)}} of every words field
    (backend/kinds.py `words`), as the body schemas' Words fields hold them: the rules a plaintext meets,
    which the phone checks once the server sees only envelopes. A list's items ("prompts.*") are never
    required."""
    from .kinds import KINDS  # the registry imports the schemas, which import this module

    return {
        name: {path: _words_rule(kind.schema, path) for path in kind.words}
        for name, kind in KINDS.items()
        if kind.words
    }


def _words_rule(schema, path):
    field = words_field(schema, path)
    return field.max_chars, field.min_chars, bool(field.required)


def words_field(schema, path):
    """The field a words path ("answers.*.text") names in a body schema."""
    field = None
    for part in path.split("."):
        field = field.inner if part == "*" else (schema if field is None else field.nested)._declared_fields[part]
    return field


def across_rules():
    """{kind: [[code, field, [[fields, said], ...]], ...]}: each body schema's rules across its fields
    (a schema's ACROSS, checked by schemas/words.py `check_across`), which the phone checks before it
    seals, since a sealed field says something to the server even when it is only spaces."""
    from .kinds import KINDS

    def plain(value):
        return [plain(item) for item in value] if isinstance(value, tuple | list) else value

    return {name: plain(kind.schema.ACROSS) for name, kind in KINDS.items() if getattr(kind.schema, "ACROSS", None)}


def render_words_js():
    lines = [
        "// GENERATED from the body schemas by backend/limits.py: do not edit. After changing a schema, run",
        "//   .venv/bin/python -m backend.limits",
        "// Each kind's words fields (backend/kinds.py `words`): [most characters, least non-blank characters,",
        "// required]. word-check.js checks a put against them before it is queued (tests/test_limits_module.py).",
        "export const WORD_LIMITS = {",
    ]
    for kind, rules in word_limits().items():
        lines.append(f"  {kind}: {{")
        for path, (most, least, required) in rules.items():
            key = path if path.isidentifier() else f'"{path}"'
            lines.append(f"    {key}: [{most}, {least}, {'true' if required else 'false'}],")
        lines.append("  },")
    lines += [
        "};",
        "// Rules across a body's fields (a schema's ACROSS): [code, field, [[fields, any says something?], …]];",
        "// the first whose every condition holds refuses the put.",
        "export const WORD_RULES = {",
    ]
    for kind, rules in across_rules().items():
        lines.append(f"  {kind}: [")
        for code, field, conditions in rules:
            lines += ["    [", f"      {json.dumps(code)},", f"      {json.dumps(field)},", "      ["]
            lines += [
                f"        [{json.dumps(names, separators=(', ', ': '))}, {json.dumps(said)}],"
                for names, said in conditions
            ]
            lines += ["      ],", "    ],"]
        lines.append("  ],")
    return "\n".join([*lines, "};"]) + "\n"


def export(path=JS_PATH, render=render_js):
    """Writes limits.js (or, with render_words_js, word-limits.js); True when it changed."""
    text = render()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":
    for target, render in ((JS_PATH, render_js), (WORDS_JS_PATH, render_words_js)):
        changed = export(target, render)
        print(f"{target}: {'written' if changed else 'already up to date'}", file=sys.stderr)
