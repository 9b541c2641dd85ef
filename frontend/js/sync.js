// The outbox and the sync loop: the one place that queues, sends and applies mutations.
// Writes land in IndexedDB (entry + outbox item + mid counter, one transaction); flush()
// sends the outbox with POST /api/sync under a Web Lock, so only one tab syncs at a time.
// Each outbox item remembers the couple it was written for (null: none); a request names it, and
// the server refuses (409) writes for a couple the user is no longer in. Those are set aside in
// "notsent" and never sent, except journal lines, which are the author's alone: they are sent
// again under the user's current couple (or none). docs/pwa.md.
import * as db from "./db.js";
import { req } from "./db.js";
import * as api from "./api.js";
import { store } from "./store.js";
import { t } from "./i18n.js";
import { alwaysPrivate, guarded, movesTogether } from "./kinds.js";

const LOCK = "hearth-sync";
const TAG = "hearth-outbox";
const BATCH = 100;
const MAX_DELAY = 5 * 60 * 1000;
// `sealed` (a key this phone lacks), `tampered` (did not open), `clear` (the server holds plaintext): the
// keyring's marks on an entry as it arrived (crypto/keyring.js openEntry).
const LOCAL_FIELDS = ["pending", "base", "expects", "sealed", "tampered", "clear"];
// The keyring and the sealing (crypto/sync-keys.js) load on demand: the first screen's shell stays small.
const sealing = () => import("./crypto/sync-keys.js");
// While the server has end-to-end encryption off (docs/encryption.md), words go and come as they are.
const PLAIN = {
  keysFirst: async () => {},
  sealOutbox: async (outbox) => ({ mutations: outbox.map(({ mid, op, entry }) => ({ mid, op, entry })), held: 0 }),
  openAnswer: async (response) => response,
  ring: { invalidate() {} },
};

let timer = null;
let attempt = 0;
let lastTry = Date.now(); // opening the app offline counts as a try: the first probe waits
let forced = false;
let running = null;
let again = false;
const waiting = new Map(); // mid → resolvers of acknowledged(mid)
// Pulled pages not yet drawn: a first sync of many pages redraws after the first page, then each time the
// phone holds as many again as it last drew, and at the end, so the reads and redraws stay linear in the
// entries (a redraw per page read everything held so far each time: docs/sync.md, "A first sync").
let undrawn = 0;

const serverCopy = (entry) => {
  const copy = { ...entry };
  for (const field of LOCAL_FIELDS) delete copy[field];
  return copy;
};

/** This install's id, made once, in the same transaction that reads it (two tabs agree). */
export function clientId() {
  return db.tx(["meta"], "readwrite", async ({ meta }) => {
    let id = await req(meta.get("client_id"));
    if (!id) {
      id = crypto.randomUUID();
      meta.put(id, "client_id");
    }
    return id;
  });
}

/**
 * Queue one mutation. The entry is written locally (shown at once), the outbox item gets
 * the next mid from the persistent counter, all in one transaction: no crash can split them.
 * Resolves to the mid (see acknowledged()). A put whose words break the server's rules is not queued: it
 * rejects with the server's 422 (word-check.js), since once sealed the server cannot tell. `move`: the
 * same words again, sealed (an entry from before sealing: crypto/sync-keys.js), sent `if_unchanged` (applied
 * only to the version it was made from, whatever the kind), so a conflict is quiet.
 */
export async function queue(op, entry, { move = false } = {}) {
  if (op === "put") (await import("./word-check.js")).checkWords(entry);
  const now = new Date().toISOString();
  const mid = await db.tx(["entries", "outbox", "meta"], "readwrite", async (s) => {
    const mid = (await req(s.meta.get("next_mid"))) || 1;
    s.meta.put(mid + 1, "next_mid");
    const old = await req(s.entries.get(entry.id));
    const base = old ? (old.pending ? old.base : serverCopy(old)) : null; // last server version
    const scope = currentScope();
    // The rev this write is based on: the last server version's, except when an earlier write of this
    // entry that both partners edit is still queued: that write will make the next rev, and this one
    // builds on it (two edits offline, or made then edited, both land). Sent one per request, so a
    // refused earlier write can take the later ones with it (apply()) rather than let them win.
    const chained = (movesTogether(entry.kind) || guarded(entry.kind)) && old?.pending && old.expects !== undefined;
    // An edit of an entry both edit is made from the copy passed in (a form filled before the partner's change
    // arrived): based on that copy's rev, the server refuses it as a conflict and shows the current version,
    // rather than taking the older copy's fields over the partner's change.
    const madeFrom = entry.pending ? entry.expects : entry.rev;
    // So is a move (the same words sealed again) of any kind, made from a copy a pull has replaced since.
    const stale =
      (guarded(entry.kind) || move) && old && !old.pending && madeFrom !== undefined && madeFrom !== old.rev;
    const baseRev = chained ? old.expects : stale ? madeFrom : base ? base.rev : null;
    const local = {
      couple_id: scope,
      ...(old || {}),
      ...entry,
      author_id: old?.author_id || store.user.id,
      created_at: old?.created_at || now,
      updated_at: now,
      deleted: op === "delete",
      pending: mid,
      base,
      expects: baseRev === null ? 1 : baseRev + 1,
    };
    s.entries.put(local);
    const sent =
      op === "delete"
        ? { id: local.id, kind: local.kind, base_rev: baseRev }
        : {
            id: local.id,
            kind: local.kind,
            visibility: local.visibility,
            ref_id: local.ref_id || null,
            body: local.body,
            base_rev: baseRev,
            created_at: local.created_at,
            // A move changes nothing itself: it applies only to the version it was made from, so it never
            // undoes an edit another device of the author made meanwhile (the server checks base_rev).
            ...(move ? { if_unchanged: true } : {}),
          };
    s.outbox.put({ mid, op, entry: sent, queued_at: now, couple_id: scope, ...(move ? { move } : {}) });
    return mid;
  });
  await store.reload();
  registerBackgroundSync();
  schedule(0);
  return mid;
}

/** Resolves with the server's word on a queued write ("applied", "conflict" or "rejected") once a sync in
 *  this tab hears it; never while it waits on this phone. A toast says "Saved" only after this. */
export function acknowledged(mid) {
  return new Promise((resolve) => waiting.set(mid, [...(waiting.get(mid) || []), resolve]));
}

async function registerBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker?.ready;
    await registration?.sync?.register(TAG);
  } catch (_err) {
    /* not supported or not allowed: the other triggers cover it */
  }
}

/**
 * Ask for a flush soon. Repeated asks collapse into one run. `force` sends even when the browser
 * says it is offline (a tap on the sync pill: the person asked).
 */
export function schedule(delay = 0, { force = false } = {}) {
  if (force) forced = true;
  clearTimeout(timer);
  timer = setTimeout(() => {
    flush();
  }, delay);
}

export function flush() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    try {
      do {
        again = false;
        await (navigator.locks ? navigator.locks.request(LOCK, run) : run());
      } while (again);
    } finally {
      running = null;
    }
  })();
  return running;
}

/** Resolves once no sync is running in this tab (at once when none is). */
export function settled() {
  return (running || Promise.resolve()).catch(() => {});
}

/** Whether the server has taken this entry's latest write: waits for the sync that is sending it (at most
 *  `wait` ms), then answers from this phone's copy (no write of it left queued). Words such as "Sent to
 *  Sam." and "Saved." for shared things wait for this: never before the server said so. */
export async function delivered(id, wait = 4000) {
  const sent = async () => {
    const entry = await db.get("entries", id);
    return !!entry && !entry.pending;
  };
  if (await sent()) return true;
  await new Promise((resolve) => setTimeout(resolve, 0)); // the flush that queue() asked for has started
  await Promise.race([settled(), new Promise((resolve) => setTimeout(resolve, wait))]);
  return sent();
}

/** The couple this phone writes for now: the user's, as /api/me last said (null: none). */
function currentScope() {
  return store.couple ? store.couple.id : null;
}

async function run() {
  if (!store.user) return; // unpaired people sync too: their own entries
  const since = Date.now() - lastTry;
  if (!navigator.onLine && !forced && since < MAX_DELAY) {
    // The device has no network: a request could only fail. The `online` event sends; so does a
    // slow probe, in case the browser's flag is wrong, and a tap on the pill.
    store.setSync("offline", t("sync.offline"));
    schedule(MAX_DELAY - since);
    return;
  }
  forced = false;
  lastTry = Date.now();
  store.setSync("syncing");
  try {
    for (let round = 0; round < 100; round++) {
      const more = await roundTrip();
      if (!more) break;
    }
    await redraw();
    attempt = 0;
    store.setSync("idle");
    if (!store.encryption) return;
    const { ring } = await sealing();
    if (ring.recheck()) schedule(ring.recheck()); // a key is on its way: no other event says when
  } catch (err) {
    await redraw(); // what the pages brought before the failure shows
    await failed(err);
  }
}

/** Shows what apply() wrote and has not drawn yet (this tab reads it again, the others are told). */
async function redraw() {
  if (!undrawn) return;
  undrawn = 0;
  await store.reload();
  store.announce();
}

/** One POST /api/sync. Returns true when there is more to send or pull. */
async function roundTrip() {
  const id = await clientId();
  const keys = store.encryption ? await sealing() : PLAIN; // sealing is on when the server says so (/api/me)
  await keys.keysFirst(id, { queue });
  const [cursor, queued, known] = await db.tx(["meta", "outbox"], "readonly", (s) =>
    Promise.all([req(s.meta.get("cursor")), req(s.outbox.getAll(null, BATCH)), req(s.meta.get("couple_id"))]),
  );
  const here = known === undefined ? currentScope() : known; // the couple this phone's data is for
  const scopeOf = (item) => (item.couple_id === undefined ? here : item.couple_id);
  // One request names one couple: the oldest items that share the first one's.
  const scope = queued.length ? scopeOf(queued[0]) : here;
  // One request names one couple, and holds one write of an entry both edit (its chained base_rev
  // only holds once the one before it was applied: apply() drops it otherwise).
  const seen = new Set();
  const other = queued.findIndex((item) => {
    if (scopeOf(item) !== scope) return true;
    if (!guarded(item.entry.kind)) return false;
    if (seen.has(item.entry.id)) return true;
    seen.add(item.entry.id);
    return false;
  });
  const outbox = other === -1 ? queued : queued.slice(0, other);
  const { mutations, held } = await keys.sealOutbox(outbox, scope, waiting);
  let response;
  try {
    // Writes name the couple they were made for; a pull alone does not, so a phone that has not yet
    // heard of a new pairing is simply answered for the couple the user is in now (apply() starts over).
    const body = { client_id: id, cursor: cursor || 0, mutations };
    if (mutations.length) body.couple_id = scope;
    response = await api.post("/api/sync", body);
  } catch (err) {
    if (err.reason !== "couple_mismatch") throw err;
    await coupleChanged(err.body.couple_id);
    await store.refreshMe();
    return true; // again, for the couple the user is in now
  }
  const changed = await apply(await keys.openAnswer(response));
  if (changed) await store.refreshMe();
  if (response.results?.some((r) => ["must_encrypt", "wrong_key"].includes(r.error?.reason))) keys.ring.invalidate();
  const rest = outbox.length < queued.length || queued.length === BATCH;
  return changed || response.more || (rest && (mutations.length > 0 || held > 0));
}

/**
 * The server says the user's couple is now `current` (an id, or null): every queued write for
 * another couple moves to "notsent" (shown, exportable, never sent) and its local copy goes back
 * to the last server version; journal lines are re-queued for `current`. The partner's entries
 * go and the cursor starts over, as after any couple change.
 */
export function coupleChanged(current) {
  const me = store.user.id;
  return db
    .tx(["entries", "outbox", "notsent", "meta"], "readwrite", async (s) => {
      const known = await req(s.meta.get("couple_id"));
      for (const item of await req(s.outbox.getAll())) {
        const scope = item.couple_id === undefined ? known : item.couple_id;
        if (scope === current) continue;
        if (alwaysPrivate(item.entry.kind)) {
          s.outbox.put({ ...item, couple_id: current });
          continue;
        }
        const local = await req(s.entries.get(item.entry.id));
        s.notsent.put({
          ...item,
          couple_id: scope === undefined ? null : scope,
          entry: { ...item.entry, body: item.entry.body || local?.body || {} },
          set_aside_at: new Date().toISOString(),
        });
        s.outbox.delete(item.mid);
        if (local && local.pending === item.mid) {
          if (local.base) s.entries.put(local.base);
          else s.entries.delete(local.id);
        }
      }
      await forgetPartner(s, me);
      s.meta.put(current, "couple_id");
    })
    .then(async () => {
      await store.reload();
      store.announce();
    });
}

/** What "notsent" holds, oldest first. */
export const notSent = () => db.all("notsent");

/** Discards set-aside writes (all, or the given mids): they were never sent and never will be. */
export function discardNotSent(mids = null) {
  return db
    .tx(["notsent"], "readwrite", async (s) => {
      if (mids === null) s.notsent.clear();
      else for (const mid of mids) s.notsent.delete(mid);
    })
    .then(async () => {
      await store.reload();
      store.announce();
    });
}

/** Applies one sync response in one transaction. Returns true if a resync from 0 is needed. */
function apply(response) {
  const me = store.user.id;
  const outcome = new Map((response.results || []).map((r) => [r.mid, r]));
  const heard = [];
  return db
    .tx(["entries", "outbox", "meta", "failures"], "readwrite", async (s) => {
      // Every item up to last_mid is processed for good, reported or not: drop it from the outbox.
      const done = await req(s.outbox.getAll(IDBKeyRange.upperBound(response.last_mid)));
      for (const item of done) {
        s.outbox.delete(item.mid);
        const local = await req(s.entries.get(item.entry.id));
        const result = outcome.get(item.mid);
        // A conflict on a shared position is the partner's move landing first: not a failure to report. Nor
        // is one on an old entry put again to seal it (`move`) with no edit of the person's queued after it:
        // the partner's phone sealed it (or changed it) first, and the server's copy is the one to keep.
        const editedAfter = local && local.pending !== item.mid;
        const quiet = result?.status === "conflict" && (movesTogether(item.entry.kind) || (item.move && !editedAfter));
        if (result && result.status !== "applied" && !quiet) {
          s.failures.put({
            mid: item.mid,
            status: result.status,
            error: result.error || {},
            attempted: local ? serverCopy(local) : item.entry,
            current: result.entry || null,
          });
        }
        heard.push([item.mid, result ? result.status : "applied"]);
        const refused = result && result.status !== "applied";
        if (local && local.pending !== item.mid && refused && guarded(item.entry.kind)) {
          // Later edits built on this one: they go with it, and the failure above holds the latest
          // wording (attempted), so the person chooses between theirs and all of theirs at once.
          for (const later of await req(s.outbox.getAll(IDBKeyRange.lowerBound(item.mid, true))))
            if (later.entry.id === item.entry.id) s.outbox.delete(later.mid);
        } else if (!local || local.pending !== item.mid) continue; // a later edit of it is still queued
        if (!result || result.status === "applied") s.entries.put(serverCopy(local));
        // Not saved: show the server's current version, else the last one we had, else nothing.
        else if (result.entry) s.entries.put(result.entry);
        else if (local.base) s.entries.put(local.base);
        else s.entries.delete(local.id);
      }
      const known = await req(s.meta.get("couple_id"));
      s.meta.put(response.couple_id, "couple_id");
      if (known !== undefined && known !== response.couple_id) {
        await forgetPartner(s, me);
        return true;
      }
      for (const change of response.changes || []) {
        const local = await req(s.entries.get(change.id));
        // A newer local edit is still queued: keep it on screen, remember the server's version.
        s.entries.put(local && local.pending > response.last_mid ? { ...local, base: change } : change);
      }
      s.meta.put(response.cursor, "cursor");
      return false;
    })
    .then(async (restart) => {
      undrawn += (response.changes || []).length + heard.length + 1;
      // A page of a longer pull with nothing of this phone's answered waits, unless as many as the phone
      // held at the last redraw came since; the last page, a restart and any answered write draw at once.
      if (!response.more || restart || heard.length || undrawn >= store.held) await redraw();
      for (const [mid, status] of heard) {
        for (const resolve of waiting.get(mid) || []) resolve(status);
        waiting.delete(mid);
      }
      return restart;
    });
}

/** No couple any more, or a different one: the partner's entries go, the cursor starts over. */
async function forgetPartner(s, me) {
  const everything = await req(s.entries.getAll());
  for (const entry of everything) if (entry.author_id !== me) s.entries.delete(entry.id);
  s.meta.put(0, "cursor");
}

/** The user left (or was left): the partner's entries go now; the next sync sets aside what was
 *  queued for that couple (the server answers 409 for it). */
export async function unpaired() {
  const me = store.user?.id;
  await db.tx(["entries", "meta"], "readwrite", async (s) => {
    await forgetPartner(s, me);
  });
  await store.reload();
}

async function failed(err) {
  if (err.status === 410) {
    // Our cursor is older than the kept tombstones: keep queued edits, refetch everything else.
    await db.tx(["entries", "meta"], "readwrite", async (s) => {
      for (const entry of await req(s.entries.getAll())) if (!entry.pending) s.entries.delete(entry.id);
      s.meta.put(0, "cursor");
    });
    store.setSync("idle");
    schedule(0);
    return;
  }
  if (err.status === 401) {
    store.setSync("idle");
    await store.sessionEnded();
    return;
  }
  if (err.status === 409) {
    store.setSync("idle");
    await unpaired();
    store.lostCouple();
    return;
  } // an old server
  attempt += 1;
  const backoff = Math.min(MAX_DELAY, 1000 * 2 ** Math.min(attempt, 12));
  const delay = Math.max(backoff * (0.75 + Math.random() * 0.5), (err.retryAfter || 0) * 1000);
  store.setSync(err.offline || !navigator.onLine ? "offline" : "error", api.explain(err));
  schedule(delay);
}

/** Start the triggers: now, on `online`, when the page is shown again, when the worker asks. */
export function start() {
  window.addEventListener("online", () => {
    attempt = 0;
    schedule(0);
  });
  window.addEventListener("offline", () => store.setSync("offline"));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") schedule(0);
  });
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data?.type !== "FLUSH") return;
    // Online, Background Sync fires as soon as a write registers it, while that write's own flush is
    // running: that flush sends it (and a failed one retries), so a second round would only repeat it.
    if (event.data.reason === "background-sync" && running) return;
    schedule(0);
  });
  schedule(0);
}
