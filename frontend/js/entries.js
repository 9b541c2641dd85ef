// Creating and removing entries: each goes to IndexedDB and the outbox at once (sync.queue).
import { queue } from "./sync.js";
import { KINDS } from "./kinds.js";

export function create(kind, body, { visibility = "shared", ref_id = null } = {}) {
  // A kind the server does not know would only come back rejected, after the person moved on.
  if (!KINDS[kind]) throw new Error(`unknown entry kind: ${kind}`);
  const entry = { id: crypto.randomUUID(), kind, visibility, ref_id, body };
  // entry.mid (not enumerable: never copied into a write) names its write for sync.acknowledged.
  return queue("put", entry).then((mid) => Object.defineProperty(entry, "mid", { value: mid }));
}

/** Both resolve to the write's mid (sync.acknowledged). */
export const update = (entry, body) => queue("put", { ...entry, body });
export const remove = (entry) => queue("delete", entry);

/** The latest of several answers (e.g. bid responses): newest created_at wins. */
export function latest(list) {
  return list.reduce((best, e) => (!best || e.created_at > best.created_at ? e : best), null);
}
