// GENERATED from the body schemas by backend/limits.py: do not edit. After changing a schema, run
//   .venv/bin/python -m backend.limits
// Each kind's words fields (backend/kinds.py `words`): [most characters, least non-blank characters,
// required]. word-check.js checks a put against them before it is queued (tests/test_limits_module.py).
export const WORD_LIMITS = {
  disclosure: {
    text: [500, 1, true],
    "i_feel.feel": [200, 1, true],
    "i_feel.when": [300, 1, true],
    "i_feel.need": [300, 1, true],
  },
  reflection: {
    text: [500, 1, true],
  },
  reaction: {
    note: [280, 0, false],
  },
  appreciation: {
    text: [280, 1, true],
  },
  bid: {
    note: [280, 0, false],
  },
  checkin: {
    note: [280, 0, false],
  },
  ritual: {
    title: [80, 1, true],
    "prompts.*": [300, 1, false],
  },
  ritual_session: {
    "answers.*.prompt": [300, 1, true],
    "answers.*.text": [2000, 0, true],
    "passed.*": [300, 1, false],
    note: [2000, 0, false],
  },
  commitment: {
    text: [280, 1, true],
  },
  agreement: {
    text: [280, 1, true],
  },
  timeout: {
    note: [280, 0, false],
  },
  timeout_note: {
    text: [140, 1, true],
  },
  answer: {
    text: [1000, 1, true],
  },
  love_map: {
    mine: [280, 0, false],
    guess: [280, 0, false],
  },
  reply: {
    text: [280, 1, true],
  },
  journal: {
    text: [5000, 1, true],
  },
  prepared_question: {
    text: [280, 1, true],
  },
};
// Rules across a body's fields (a schema's ACROSS): [code, field, [[fields, any says something?], …]];
// the first whose every condition holds refuses the put.
export const WORD_RULES = {
  love_map: [
    [
      "invalid",
      "passed",
      [
        [["passed"], true],
        [["mine", "guess", "unknown"], true],
      ],
    ],
    [
      "blank",
      "mine",
      [
        [["passed"], false],
        [["mine", "guess", "unknown"], false],
      ],
    ],
    [
      "invalid",
      "unknown",
      [
        [["unknown"], true],
        [["guess"], true],
      ],
    ],
  ],
};
