// Sentence starters for the daily honest thing ("I was proud of you today when…"): content data, each with
// a stable id, a topic and a depth. Their words are share.starter.<id> in the share content file
// (frontend/content/share.<lang>.json, loaded with i18n.moreWords("share")); topics and depths are named in
// the catalogues (share.topic_name.<topic>, share.depth.<depth>). The stored entry keeps the finished
// sentence, never the starter's id: the partner reads it as written.
import { t } from "./i18n.js";

export const DEPTHS = ["light", "medium", "deep"];

/** Each topic and the kind of statement (disclosure category) a starter of it files under. */
export const TOPICS = {
  proud: "good_news",
  grateful: "appreciation",
  worried: "worry",
  tired: "feeling",
  hopeful: "hope",
  missed: "feeling",
  win: "good_news",
  need: "feeling",
  memory: "appreciation",
  sorry: "regret",
};

export const STARTERS = [
  ["proud-today", "proud", "light"],
  ["proud-kept-at", "proud", "light"],
  ["proud-of-you", "proud", "light"],
  ["proud-better-at", "proud", "medium"],
  ["proud-unnoticed", "proud", "medium"],
  ["proud-of-us", "proud", "medium"],
  ["proud-part-of-me", "proud", "deep"],
  ["grateful-small", "grateful", "light"],
  ["grateful-thank-you", "grateful", "light"],
  ["grateful-noticed", "grateful", "light"],
  ["grateful-remember", "grateful", "light"],
  ["grateful-lucky", "grateful", "medium"],
  ["grateful-never-thanked", "grateful", "medium"],
  ["grateful-hard-times", "grateful", "deep"],
  ["worried-on-my-mind", "worried", "light"],
  ["worried-nervous", "worried", "light"],
  ["worried-this-week", "worried", "medium"],
  ["worried-untold", "worried", "medium"],
  ["worried-about-us", "worried", "deep"],
  ["worried-fear", "worried", "deep"],
  ["tired-today", "tired", "light"],
  ["tired-rest", "tired", "light"],
  ["tired-energy", "tired", "light"],
  ["tired-carrying", "tired", "medium"],
  ["tired-too-much", "tired", "medium"],
  ["tired-drains-me", "tired", "deep"],
  ["hopeful-tomorrow", "hopeful", "light"],
  ["hopeful-soon", "hopeful", "light"],
  ["hopeful-this-week", "hopeful", "light"],
  ["hopeful-quietly", "hopeful", "medium"],
  ["hopeful-next-year", "hopeful", "medium"],
  ["hopeful-for-us", "hopeful", "deep"],
  ["hopeful-dream", "hopeful", "deep"],
  ["missed-today", "missed", "light"],
  ["missed-thought-of-you", "missed", "light"],
  ["missed-little-thing", "missed", "light"],
  ["missed-those-days", "missed", "medium"],
  ["missed-closer", "missed", "medium"],
  ["missed-together", "missed", "deep"],
  ["win-today", "win", "light"],
  ["win-went-well", "win", "light"],
  ["win-finally", "win", "light"],
  ["win-laughed", "win", "light"],
  ["win-courage", "win", "medium"],
  ["win-changing", "win", "deep"],
  ["need-tonight", "need", "light"],
  ["need-hug", "need", "light"],
  ["need-this-week", "need", "medium"],
  ["need-hard-to-ask", "need", "medium"],
  ["need-no-advice", "need", "medium"],
  ["need-time-alone", "need", "medium"],
  ["need-from-us", "need", "deep"],
  ["memory-smile", "memory", "light"],
  ["memory-first-time", "memory", "light"],
  ["memory-place", "memory", "light"],
  ["memory-song", "memory", "light"],
  ["memory-childhood", "memory", "medium"],
  ["memory-how-i-see-you", "memory", "medium"],
  ["memory-hard-time", "memory", "deep"],
  ["sorry-short", "sorry", "light"],
  ["sorry-wish", "sorry", "light"],
  ["sorry-see-now", "sorry", "medium"],
  ["sorry-next-time", "sorry", "medium"],
  ["sorry-unsaid", "sorry", "deep"],
  ["sorry-hurt-you", "sorry", "deep"],
].map(([id, topic, depth]) => ({ id, topic, depth }));

/** A starter's words, to be finished by the person ("Today's small win is"). */
export const starterText = (starter) => t(`share.starter.${starter.id}`);

/** The light starters, one topic after another (proud, grateful, worried, …, proud again), so any few in a row mix topics. */
const LIGHT = (() => {
  const byTopic = Object.keys(TOPICS).map((topic) => STARTERS.filter((s) => s.topic === topic && s.depth === "light"));
  const out = [];
  for (let i = 0; out.length < byTopic.flat().length; i += 1)
    for (const list of byTopic) if (list[i]) out.push(list[i]);
  return out;
})();

/** A handful of light starters for a local day ("2026-06-10"): another handful each day, the same on every phone. */
export function handful(localDay, count = 4) {
  const day = Math.floor(Date.parse(`${localDay}T00:00:00Z`) / 86_400_000) || 0;
  const start = (day * count) % LIGHT.length;
  return Array.from({ length: Math.min(count, LIGHT.length) }, (_, i) => LIGHT[(start + i) % LIGHT.length]);
}

/** A topic's starters, lightest first. */
export const ofTopic = (topic) =>
  DEPTHS.flatMap((depth) => STARTERS.filter((s) => s.topic === topic && s.depth === depth));
