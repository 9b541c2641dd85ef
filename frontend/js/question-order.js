// Which daily question a couple gets on a day: a pure function of the library, the couple's id, the
// local date and the depth cap, so both phones agree with no network. It imports nothing and needs no
// DOM (tests run it in node). The library is [[id, depth, theme], …] (frontend/locales/questions/).
//
// The order: each couple sorts the questions by a hash of (couple id, question id), its own shuffle,
// and walks it one question a day from a couple-own starting point. A cap keeps the questions at or
// lighter than it, in the same relative order (the light questions come in the same order at every
// cap). At a fixed cap, N questions never repeat within N days: ≥ 366 light ones give a year.
//
// When the cap changes (either partner turns the dial; the couple's cap is the lower of the two), the
// day's place moves to the new cap's walk: from that day the questions follow the new cap's order,
// so one asked in the last year may come back sooner than a year. Answers name their question by id,
// so nothing already said is lost or changes its words. Adding questions to the library moves the walk
// the same way (new questions slot in among the old ones; nothing is renumbered).

export const DEPTHS = ["light", "medium", "deep"];
const DAY_MS = 86400000;

/** 32-bit hash of a string (FNV-1a with a murmur3 finish): the same on every phone. */
export function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The lower of the partners' depths (an unknown or missing one counts as light). */
export function capOf(depths) {
  const levels = depths.map((depth) => Math.max(0, DEPTHS.indexOf(depth)));
  return DEPTHS[levels.length ? Math.min(...levels) : 0];
}

const level = (depth) => DEPTHS.indexOf(depth);

/** Days since 1970-01-01 of a local date "YYYY-MM-DD". */
export const dayNumber = (localDate) => Math.floor(Date.parse(`${localDate}T00:00:00Z`) / DAY_MS);

const orders = new Map(); // one shuffle per couple and library, sorted once

function shuffled(library, seed) {
  const key = `${seed}\n${library.length}\n${library[0]?.[0]}`;
  if (!orders.has(key)) {
    if (orders.size > 8) orders.clear();
    const keyed = library.map((q) => [hash(`${seed}|${q[0]}`), q]);
    keyed.sort((a, b) => a[0] - b[0] || (a[1][0] < b[1][0] ? -1 : 1));
    orders.set(
      key,
      keyed.map((pair) => pair[1]),
    );
  }
  return orders.get(key);
}

/** The couple's order at a cap: [[id, depth, theme], …], no question deeper than the cap. */
export function orderFor(library, seed, cap) {
  const most = Math.max(0, level(cap));
  return shuffled(library, seed).filter((q) => level(q[1]) <= most);
}

const at = (list, n) => list[((n % list.length) + list.length) % list.length];

/** The couple's question of a local date at a cap: [id, depth, theme] (null for an empty library). */
export function questionOn(library, seed, localDate, cap) {
  const order = orderFor(library, seed, cap);
  return order.length ? at(order, dayNumber(localDate) + hash(seed)) : null;
}

/** "A lighter one, please": a question one level lighter than `fromId` (another light one when it is
 *  light already), the same on both phones; taken half a cycle away from today's place, so it is
 *  neither today's nor one of the next days'. */
export function lighterOn(library, seed, localDate, fromId) {
  const from = library.find((q) => q[0] === fromId);
  const depth = DEPTHS[Math.max(0, level(from ? from[1] : "light") - 1)];
  const same = orderFor(library, seed, depth).filter((q) => q[1] === depth && q[0] !== fromId);
  if (!same.length) return null;
  return at(same, dayNumber(localDate) + hash(seed) + Math.floor(same.length / 2));
}

/** The day's swap among the couple's `question_swap` entries: both phones may have tapped it offline,
 *  and the one with the smallest entry id is the one both show. */
export function swapOf(swaps, localDate) {
  const today = swaps.filter((e) => e.body.local_date === localDate);
  today.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return today[0] || null;
}
