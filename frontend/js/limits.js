// GENERATED from backend/limits.py: do not edit. After changing a limit there, run
//   .venv/bin/python -m backend.limits
// The server's schemas validate with these same numbers; tests/test_limits_module.py checks both.

// Accounts
export const EMAIL_MAX = 254; // characters
export const PASSWORD_MIN = 10; // characters, for a new password (signup, change, reset)
export const PASSWORD_MAX = 200; // characters
export const DISPLAY_NAME_MAX = 60; // characters
export const PUSH_BUDGET_MAX = 6; // pushes a person gets in a local day, every kind counted: the most they can choose (0 is none)
export const PUSH_BUDGET_DEFAULT = 3; // a new account's
export const OLD_PUSH_LIMIT_MIN = 1; // the budget's old names (daily_partner_push_limit) still take this
export const OLD_PUSH_LIMIT_MAX = 50; // to this, stored at most PUSH_BUDGET_MAX

// Entry texts: each kind's main text, at most this many characters (and at least one that is not blank)
export const DISCLOSURE_TEXT_MAX = 500;
export const I_FEEL_FEEL_MAX = 200; // "I feel ___"
export const I_FEEL_WHEN_MAX = 300; // "when ___" (also the tension script's "when", inside a disclosure's 500)
export const I_FEEL_NEED_MAX = 300; // "and I need ___"
export const REFLECTION_TEXT_MAX = 500;
export const APPRECIATION_TEXT_MAX = 280;
export const NOTE_MAX = 280; // the optional note of a bid, a check-in or a time-out
export const PARTING_NOTE_MAX = 280; // the optional kind note to the partner when leaving the couple
export const INVITE_NOTE_MAX = 200; // the optional short note the inviter writes for the one they invite
export const UNDO_LEAVING_HOURS = 24; // the one who left may undo it this long (services/couples.py, on the server's clock)
export const COMMITMENT_TEXT_MAX = 280;
export const TIMEOUT_NOTE_MAX = 140; // the partner's one kind note while a time-out runs
export const AGREEMENT_TEXT_MAX = 280;
export const ANSWER_TEXT_MAX = 1000; // the daily question's answer
export const REPLY_TEXT_MAX = 280; // a reply in the talk after the reveal (to an answer, or to a reply)
export const LOVE_MAP_TEXT_MAX = 280; // a love-maps answer about yourself, and your guess about your partner
export const JOURNAL_TEXT_MAX = 5000;
export const RITUAL_TITLE_MAX = 80;
export const PROMPT_MAX = 300; // one prompt of a ritual, or a passed one
export const PROMPTS_MAX = 20; // prompts in a ritual
export const SESSION_STEPS_MAX = 41; // steps of a guided session: presence, then each question asked and answered (2 x 20 + 1)
export const SESSION_TEXT_MAX = 2000; // an answer written in a ritual session, and the session's note
export const SESSION_ITEMS_MAX = 50; // answers, and passed prompts, in one session
export const PREPARED_QUESTION_MAX = 280; // one question prepared for the connection check
export const PREPARED_QUESTIONS = 3; // questions each partner prepares for a connection check
export const STORY_PART_MAX = 400; // the 90-second story's "when" and "taught me": both, framed, fit SESSION_TEXT_MAX
export const FEELINGS_MAX = 12; // feelings named on one entry
export const FEELING_MAX = 40; // characters of one feeling
export const REPLIES_PER_PERSON = 3; // replies each partner may write on one answer (its thread): a few turns, not a chat

// Keys (end-to-end encryption, /api/keys)
export const KEY_DEVICES_MAX = 10; // per person
export const KEY_ITEMS_MAX = 20; // wrapped keys in one PUT
export const DEVICE_LABEL_MAX = 60;
export const WRAPPED_KEY_CHARS = 170; // "w1." + base64url of 65 + 12 + 48 bytes
export const RECOVERY_BLOB_MAX = 65536; // characters
export const TRANSFER_BLOB_MAX = 65536; // characters: a second device's keys in transit (the recovery blob's form)
export const TRANSFER_MINUTES = 10; // how long a second device's keys wait on the server for it

// Guides the phone counts words against (shown, never refused)
export const APPRECIATION_WORDS = 15; // "one appreciation in 15 words or fewer"
export const FOLLOW_UP_WORDS = 60; // the follow-up message after a talk
export const TOWARD_GUIDE_PERCENT = 86; // bids turned toward in couples who stayed together (Gottman & Driver): a direction

// Scales, times and dates
export const SCALE_MIN = 1; // the check-in's mood and "us" taps
export const SCALE_MAX = 5;
export const RITUAL_MINUTES_MIN = 1; // a ritual's duration
export const RITUAL_MINUTES_MAX = 240;
export const SCHEDULE_WEEKS_MAX = 4; // a weekly ritual: every 1 to this many weeks
export const COMMITMENT_DAYS = 7; // a commitment is due at most this many days after it was made
export const TIMEOUT_MIN_MINUTES = 20; // a time-out's return time, at least this far ahead
export const TIMEOUT_MAX_MINUTES = 1440; // and at most this far (also after "15 more minutes": from its start)
export const TIMEOUT_MORE_MINUTES = 15; // "15 more minutes" at the return time
export const PATH_WEEKS = 6; // the six-week path: one step a week from pairing
export const STRESS_TURN_MIN_MINUTES = 10; // the stress-reducing conversation: each partner's turn, about this long
export const STRESS_TURN_MAX_MINUTES = 15; // to this long (two turns: the ritual's minutes, frontend/js/practices.js)
export const SESSION_OPEN_HOURS = 24; // a ritual session left open this long closes itself as not finished
