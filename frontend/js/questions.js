// The daily question: our own words, one per local day. Each has a stable id, stored with every
// answer (body.question_id), so it never changes; the words live in the catalogue under
// questions.<id>, in each language.
import { has, t } from "./i18n.js";

export const QUESTIONS = [
  "q-best-moment",
  "q-weighing",
  "q-us-lately",
  "q-felt-loved",
  "q-small-wish",
  "q-proud",
  "q-first-noticed",
  "q-recharge",
  "q-worry-future",
  "q-childhood-comfort",
  "q-laugh",
  "q-unsaid",
  "q-ideal-sunday",
  "q-new-thing",
  "q-feel-close",
  "q-hard-ask",
  "q-stress-signs",
  "q-gratitude-person",
  "q-dream-small",
  "q-repair",
  "q-tradition",
  "q-energy",
  "q-listen",
  "q-home",
  "q-kindness",
  "q-change-mind",
  "q-season",
  "q-needs-today",
  "q-memory",
  "q-growth",
  "q-fear-small",
  "q-appreciate-unseen",
  "q-perfect-evening",
  "q-family",
  "q-cheer",
];

/** The question for a local date (YYYY-MM-DD): same for both partners, changes daily. */
export function questionFor(localDate) {
  const day = Math.floor(Date.parse(`${localDate}T00:00:00Z`) / 86400000);
  const id = QUESTIONS[((day % QUESTIONS.length) + QUESTIONS.length) % QUESTIONS.length];
  return { id, text: questionText(id) };
}

/** A question's words in the person's language; an id we no longer ask reads as an earlier one. */
export function questionText(id) {
  return QUESTIONS.includes(id) && has(`questions.${id}`) ? t(`questions.${id}`) : t("question.earlier");
}
