// Creating and removing entries: each goes to IndexedDB and the outbox at once (sync.queue).
import { queue } from "./sync.js";
import { KINDS, isShare } from "./kinds.js";

/** `id`: the composed draft's own id (composer() below); a second put of it changes that entry, never adds one. */
export function create(kind, body, { visibility = "shared", ref_id = null, id = crypto.randomUUID() } = {}) {
  // A kind the server does not know would only come back rejected, after the person moved on.
  if (!KINDS[kind]) throw new Error(`unknown entry kind: ${kind}`);
  const entry = { id, kind, visibility, ref_id, body };
  // entry.mid (not enumerable: never copied into a write) names its write for sync.acknowledged.
  return queue("put", entry).then((mid) => {
    // A share of one's own is the moment notifications may be offered (main.js, parts/notify-ask.js).
    if (isShare(kind) && visibility === "shared") document.dispatchEvent(new CustomEvent("hearth:shared"));
    return Object.defineProperty(entry, "mid", { value: mid });
  });
}

/** Both resolve to the write's mid (sync.acknowledged). */
export const update = (entry, body) => queue("put", { ...entry, body });
export const remove = (entry) => queue("delete", entry);
/** Private to shared and back (the server allows it for the author; a journal line stays private). */
export const setVisibility = (entry, visibility) => queue("put", { ...entry, visibility });

/** The latest of several answers (e.g. bid responses): newest created_at wins. */
export function latest(list) {
  return list.reduce((best, e) => (!best || e.created_at > best.created_at ? e : best), null);
}

// One tap, one entry. A double or triple tap, Enter twice, or a tap on "Not quite" then at once on
// "That's right" must not send twice: a key (a form, an entry answered) is held while its save runs
// and HOLD ms after, and every tap on it meanwhile is dropped.
const HOLD = 700;
const held = new Map(); // key → this hold's own token, so an old hold's timer never ends a newer one

/** Runs save() unless the same key is still held; holds it while save runs and `hold` ms after it saved. */
export async function oneTap(key, save, hold = HOLD) {
  if (held.has(key)) return undefined;
  const token = {};
  held.set(key, token);
  const release = () => held.get(key) === token && held.delete(key);
  let saved = false;
  try {
    const result = await save();
    saved = result !== false;
    return result;
  } finally {
    if (saved && hold) setTimeout(release, hold);
    else release();
  }
}

/** For a form's save that put words the phone refused (word-check.js; nothing was queued): shows the
 *  server's message for them on the form. Any other error goes on. */
export async function refused(form, err) {
  if (err?.reason !== "invalid_entry") throw err;
  await (await import("./word-check.js")).showRefusal(form, err);
}

/** A composer's submit: one entry id per composed draft, made when the draft starts and reused by a
 *  retry (a failed local save keeps it); its submit buttons are aria-busy and aria-disabled (focus
 *  stays) while saving. save(id) creates the entry with that id, clears the draft after the local
 *  save, and returns false when it saved nothing (a message asked for more). Words the phone refuses
 *  (word-check.js) show the server's message for them on the form. */
export function composer(form, save, key = form) {
  let id = crypto.randomUUID();
  let saving = false;
  // Typing after a save starts the next draft: its first tap is a new entry, hold or not.
  form.addEventListener("input", () => {
    if (!saving) held.delete(key);
  });
  form.onsubmit = (event) => {
    event.preventDefault();
    const buttons = [...form.querySelectorAll('[type="submit"]')];
    return oneTap(key, async () => {
      saving = true;
      for (const b of buttons) b.setAttribute("aria-busy", "true");
      for (const b of buttons) b.setAttribute("aria-disabled", "true");
      try {
        const result = await save(id);
        if (result !== false) id = crypto.randomUUID(); // the next draft
        return result;
      } catch (err) {
        await refused(form, err);
        return false;
      } finally {
        saving = false;
        for (const b of buttons) b.removeAttribute("aria-busy");
        for (const b of buttons) b.removeAttribute("aria-disabled");
      }
    });
  };
}
