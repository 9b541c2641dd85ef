// Love maps: questions about each other's world (friends, worries, hopes, favourites, history, tastes,
// this week). Each has a stable id; its words live in the catalogues under lovemaps.q.<id>. A round draws
// ROUND_SIZE of them in an order seeded by the couple and the round, so both phones draw the same round
// offline, and no question comes back until a whole pass through the list is used. An entry names its
// round and question: body.question_id = "lovemap.<round>.<id>" (the server withholds it from the
// partner until they have written theirs to the same one). Imports nothing, needs no DOM (node reads it).

export const ROUND_SIZE = 20;

export const LOVE_MAPS = [
  "friend-closest",
  "friend-big-news",
  "friend-longest",
  "friend-miss",
  "friend-admire",
  "friend-laugh",
  "friend-closer",
  "friend-work",
  "worry-mind",
  "worry-money",
  "worry-health",
  "worry-family",
  "worry-sleepless",
  "worry-everyday",
  "worry-years",
  "worry-at-work",
  "hope-year",
  "hope-learn",
  "hope-travel",
  "hope-work",
  "hope-home",
  "hope-old-age",
  "hope-next-week",
  "hope-together",
  "hope-change",
  "fav-meal",
  "fav-film",
  "fav-song",
  "fav-book",
  "fav-season",
  "fav-spot",
  "fav-treat",
  "fav-saturday",
  "fav-smell",
  "fav-gift",
  "fav-compliment",
  "past-safe-place",
  "past-first-job",
  "past-proud",
  "past-mentor",
  "past-hard-time",
  "past-grow-up",
  "past-trip",
  "past-tradition",
  "past-turning-point",
  "taste-listening",
  "taste-no-food",
  "taste-clothes",
  "taste-morning",
  "taste-holiday",
  "taste-pet-peeve",
  "taste-comfort-watch",
  "taste-drink",
  "taste-alone",
  "week-stress",
  "week-looking-forward",
  "week-easier",
  "week-drained",
  "week-win",
  "week-putting-off",
  "week-hard-person",
  "week-sleep",
  "week-untold",
];

const PREFIX = "lovemap.";

/** The entry's question_id for a question of a round. */
export const questionId = (round, id) => `${PREFIX}${round}.${id}`;

/** {round, id} of a love-maps question_id, or null for any other. */
export function parseQuestion(questionIdValue) {
  const match = /^lovemap\.([1-9][0-9]*)\.([a-z0-9-]+)$/.exec(questionIdValue || "");
  return match ? { round: Number(match[1]), id: match[2] } : null;
}

// FNV-1a over the seed text, then mulberry32: small, and the same numbers on every phone.
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The question ids of a round (1, 2, …) for a couple: ROUND_SIZE of them, the same on both phones.
 *  The list is shuffled once per pass (seeded by the couple and the pass) and cut into rounds, so no
 *  question repeats until a pass is used up. */
export function drawRound(coupleId, round, ids = LOVE_MAPS) {
  const perPass = Math.max(1, Math.floor(ids.length / ROUND_SIZE));
  const pass = Math.floor((round - 1) / perPass);
  const slot = (round - 1) % perPass;
  const order = [...ids];
  const next = random(hash(`${coupleId}:${pass}`));
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(slot * ROUND_SIZE, slot * ROUND_SIZE + ROUND_SIZE);
}
