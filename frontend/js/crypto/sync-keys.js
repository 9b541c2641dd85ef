// The sync's side of end-to-end encryption (docs/encryption.md, "Sealing and opening in the sync"): the
// keyring's turn before each round trip, sealing queued puts as they leave, opening a sync answer before
// apply()'s transaction, re-opening what waited for a key, and moving entries from before sealing. Loaded
// on demand by sync.js (the first screen's shell stays small); `sync` hands over sync.js's queue().
import * as db from "../db.js";
import { req } from "../db.js";
import { store } from "../store.js";
import { alwaysPrivate, guarded } from "../kinds.js";
import * as ring from "./keyring.js";
import { navigate } from "../router.js";
import { AFTER_RESET, UNLOCK_OFFERED } from "../screens/auth.js";

const MOVE_PER_ROUND = 5; // entries from before sealing, re-sent sealed a few at a time
let movedAt = 0;

export { ring };

/** The keyring's turn before a round trip (registers, unwraps, makes and wraps keys). Without the
 *  directory (offline, a server error) the sync still goes: puts whose key is missing wait, pulls whose key
 *  is missing are kept sealed. */
export async function keysFirst(id, sync) {
  try {
    const { gained } = await ring.prepare({ deviceId: id, user: store.user, couple: store.couple });
    const couple = ring.coupleStatus(); // "Waiting for ‹name›'s phone" (screens/key-wait.js) until it is ready
    store.setKeyWait(store.couple?.id, couple === "ready" ? null : couple);
    if (gained) {
      await reopen();
      ring.reopened();
    }
    if (ring.missing()) offerUnlock();
    else if (ring.state() === "ready") localStorage.removeItem(AFTER_RESET);
    if (ring.state() === "ready") await moveOldEntries(sync);
  } catch (err) {
    if (err.status === 401) throw err;
    // Offline, or a server error: the sync still tries (and says so); puts whose key is missing wait.
    if (!err.offline) console.warn("keys", err); // i18n-ok: a developer's note
  }
}

/** This phone lacks keys its person has elsewhere (a new browser, wiped storage, after a password reset):
 *  once a visit (and after each sign-in), the app opens /keys/unlock, which says why and lets them go on without (screens/keys.js).
 *  Not over a screen that is already about keys, a reset or a join. */
function offerUnlock() {
  if (sessionStorage.getItem(UNLOCK_OFFERED)) return;
  const path = location.pathname;
  if (path.startsWith("/keys") || path === "/reset" || path === "/join") return;
  sessionStorage.setItem(UNLOCK_OFFERED, "1");
  navigate("/keys/unlock");
}

/** Opens what waited for a key this phone now holds. */
async function reopen() {
  const waiting = (await db.all("entries")).filter((e) => e.sealed);
  const opened = [];
  const found = new Map();
  for (const entry of waiting) {
    const open = await ring.openEntry(entry, found);
    if (!open.sealed) opened.push(open);
  }
  if (!opened.length) return;
  await db.tx(["entries"], "readwrite", async (s) => {
    for (const entry of opened) {
      const now = await req(s.entries.get(entry.id));
      if (now?.sealed && now.rev === entry.rev) s.entries.put(entry);
    }
  });
  await store.reload();
  store.announce();
}

/** Own entries the server still holds in plaintext (from before sealing) go again, sealed on the way; a
 *  few a round. Kinds both partners edit: whichever phone comes first. A default ritual keeps the
 *  catalogue's words (not a person's) until someone edits it. */
async function moveOldEntries(sync) {
  // A read of every entry: once a minute at most, unless the last one found a full batch to move.
  if (Date.now() - movedAt < 60_000) return;
  movedAt = Date.now();
  const me = store.user.id;
  const old = (await db.all("entries"))
    .filter((e) => e.clear && !e.pending && !e.deleted && !e.body?.template)
    .filter((e) => e.author_id === me || guarded(e.kind))
    .filter((e) => alwaysPrivate(e.kind) || e.couple_id === (store.couple ? store.couple.id : null))
    .slice(0, MOVE_PER_ROUND);
  if (old.length === MOVE_PER_ROUND) movedAt = 0; // more are left: the next round looks again
  for (const entry of old) {
    const put = {
      id: entry.id,
      kind: entry.kind,
      visibility: entry.visibility,
      ref_id: entry.ref_id,
      body: entry.body,
      rev: entry.rev, // made from this copy: one both edit, changed since, is a (quiet) conflict (sync.js)
    };
    // Words that break today's rules (a limit lowered since) stay as they are: they must not hold up the rest.
    await sync.queue("put", put, { move: true }).catch((err) => {
      if (err.reason !== "invalid_entry") throw err;
    });
  }
}

/** Seals each queued put's words just before it leaves. A put whose key is not here yet stays queued, and
 *  every later write of the same entry with it; the rest go. The ones that stay move behind everything (new
 *  mids) so that the server, which takes each mid once and in order, still takes them later. */
export async function sealOutbox(outbox, scope, waiting) {
  const held = new Set();
  const stays = [];
  const mutations = [];
  for (const item of outbox) {
    const { mid, op, entry } = item;
    if (held.has(entry.id)) {
      stays.push(item);
      continue;
    }
    if (op !== "put" || !ring.hasPlainWords(entry.kind, entry.body)) {
      mutations.push({ mid, op, entry });
      continue;
    }
    const sealed = await ring.sealPut(entry, scope);
    if (sealed) mutations.push({ mid, op, entry: sealed });
    else {
      held.add(entry.id);
      stays.push(item);
    }
  }
  if (stays.length && mutations.length) await moveBehind(stays, waiting);
  return { mutations, held: stays.length };
}

async function moveBehind(items, waiting) {
  const moved = await db.tx(["entries", "outbox", "meta"], "readwrite", async (s) => {
    let next = (await req(s.meta.get("next_mid"))) || 1;
    const pairs = [];
    for (const item of items) {
      const fresh = next++;
      s.outbox.delete(item.mid);
      s.outbox.put({ ...item, mid: fresh });
      const local = await req(s.entries.get(item.entry.id));
      if (local && local.pending === item.mid) s.entries.put({ ...local, pending: fresh });
      pairs.push([item.mid, fresh]);
    }
    s.meta.put(next, "next_mid");
    return pairs;
  });
  for (const [old, fresh] of moved) {
    if (!waiting.has(old)) continue;
    waiting.set(fresh, waiting.get(old));
    waiting.delete(old);
  }
}

/** Every envelope in a sync answer opened (before apply()'s transaction: WebCrypto is async, and an
 *  IndexedDB transaction closes while it waits). */
export async function openAnswer(response) {
  const found = new Map(); // the page's keys, each read from the keystore once
  const changes = await Promise.all((response.changes || []).map((c) => ring.openEntry(c, found)));
  if (changes.some((c) => c.clear)) movedAt = 0; // words the server holds in plaintext: move them soon
  const results = await Promise.all(
    (response.results || []).map(async (r) => (r.entry ? { ...r, entry: await ring.openEntry(r.entry, found) } : r)),
  );
  return { ...response, changes, results };
}
