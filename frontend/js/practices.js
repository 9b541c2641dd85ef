// The guided practices with steps and turns (issue 14, item 8), as data: which step is whose, how long a
// turn runs, the listener's guide, the short lists offered. Their words are the catalogues' (practice.*;
// each step's agenda line is its ritual's prompt, ritual.default.<type>.prompts.<n>, in the same order).
// The minutes are limits (backend/limits.py), so every sentence stating them takes them as placeholders.
// Research and sources: docs/practices.md. The runner is parts/practice-run.js.
import { STRESS_TURN_MAX_MINUTES, STRESS_TURN_MIN_MINUTES } from "./limits.js";

// `who`: "first" (the partner who started the session speaks), "second" (the other), "both".
// What a step asks: practice.<words>.you.<id> for the one whose turn it is, practice.<words>.they.<id> (with
// {name}) for the other; a step of both shows practice.<words>.<line>, or without a line its agenda line.
export const PRACTICES = {
  // The stress-reducing conversation: each in turn talks about a stress from outside the relationship,
  // the other listens on their side; about STRESS_TURN_MIN..MAX_MINUTES each.
  stress_talk: {
    words: "stress",
    turn: { min: STRESS_TURN_MIN_MINUTES, max: STRESS_TURN_MAX_MINUTES },
    steps: [
      { id: "prepare", who: "both", about: true },
      { id: "talk", who: "first", timed: true, guide: true },
      { id: "talk", who: "second", timed: true, guide: true },
      { id: "close", who: "both", line: "close" },
    ],
    guide: ["side", "understand", "no_advice", "what_helps", "us"],
  },
  // The aftermath of a fight (a past one, once both are calm): feelings, versions, triggers, each one's
  // part, one plan each. Every step is each partner's in turn; passing any of them is fine.
  aftermath: {
    words: "aftermath",
    steps: [
      { id: "calm", who: "both", about: true },
      ...["feelings", "version", "triggers", "part", "plan"].flatMap((id) => [
        { id, who: "first" },
        { id, who: "second" },
      ]),
    ],
    feelings: [
      "defensive",
      "hurt",
      "unheard",
      "criticised",
      "lonely",
      "overwhelmed",
      "misunderstood",
      "sad",
      "angry",
      "worried",
      "ashamed",
      "unappreciated",
      "powerless",
      "flooded",
    ],
    starters: ["stressed", "unsaid", "listening", "critical", "withdrew", "tired"],
  },
};

/** The practice a ritual runs, or null: only while its words are Hearth's (a couple that rewrote the
 *  prompts runs their own words as any ritual). */
export const practiceOf = (body) => (body.template && PRACTICES[body.template]) || null;

/** Whose turn a step is, seen from one phone: "you", "they" or "both". `mine`: this phone started it. */
export function whoseTurn(step, mine) {
  if (step.who === "both") return "both";
  return (step.who === "first") === mine ? "you" : "they";
}
