// Creating and removing entries: each goes to IndexedDB and the outbox at once (sync.queue).
import { queue } from "./sync.js";
import { KINDS } from "./kinds.js";

/** id: a draft's own id, made once when the draft starts, so sending it twice makes one entry. */
export function create(kind, body, { visibility = "shared", ref_id = null, id = crypto.randomUUID() } = {}) {
  // A kind the server does not know would only come back rejected, after the person moved on.
  if (!KINDS[kind]) throw new Error(`unknown entry kind: ${kind}`);
  const entry = { id, kind, visibility, ref_id, body };
  return queue("put", entry).then(() => entry);
}

export const update = (entry, body) => queue("put", { ...entry, body });
export const remove = (entry) => queue("delete", entry);

/** The latest of several answers (e.g. bid responses): newest created_at wins. */
export function latest(list) {
  return list.reduce((best, e) => (!best || e.created_at > best.created_at ? e : best), null);
}
