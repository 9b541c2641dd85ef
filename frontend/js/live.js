// The live stream: GET /api/live (Server-Sent Events) says "changed" with the server's cursor whenever
// something this person may see moved; the phone then runs its normal sync (sync.js). No content comes
// this way, and nothing is shown about the stream itself (no "online", no "last seen").
//
// One stream per browser, not per tab: the visible tabs elect a leader with a Web Lock (held while it
// leads; hiding or closing the tab passes it on) and the leader relays each event to the other tabs on a
// BroadcastChannel. Without Web Locks, each visible tab opens its own. The stream is closed while the
// page is hidden, offline or logged out, and reopened when that ends; a dropped stream reconnects with
// backoff and jitter (1 s doubling to 60 s, reset after a healthy minute). A 401 stops it until the next
// login; a 204 or 404 (no live service in front of the app: backend/api/live.py) waits the longest
// backoff, quietly. docs/pwa.md.
import { store } from "./store.js";
import * as sync from "./sync.js";
import * as db from "./db.js";

const PATH = "/api/live";
const LOCK = "hearth-live";
const CHANNEL = "hearth-live";
const FIRST_DELAY = 1000;
const MAX_DELAY = 60 * 1000;
const HEALTHY = 60 * 1000; // a stream that lasted this long starts the backoff over
const COALESCE = 30; // ms: a burst of events is one check of the cursor
const FOLLOWER_WAIT = 1500; // ms: a tab that only heard the relay lets the leader's sync land first

let source = null; // the EventSource, in the leading tab
let openedAt = 0;
let attempt = 0;
let retryTimer = null;
let leading = false;
let term = null; // the current bid for the lead: { resign() }
let refused = false; // the server said 401: not again until the next login
let target = null; // the newest cursor heard
let checkTimer = null;
const channel = "BroadcastChannel" in self ? new BroadcastChannel(CHANNEL) : null;

/** Start: follows visibility, the network and the login, from now on. */
export function start() {
  document.addEventListener("visibilitychange", update);
  window.addEventListener("online", () => {
    attempt = 0;
    update();
  });
  window.addEventListener("offline", update);
  store.addEventListener("change", () => {
    if (!store.user) refused = false; // logged out: the next login may try again
    update();
  });
  if (channel) channel.onmessage = (event) => heard(event.data?.cursor, FOLLOWER_WAIT);
  update();
}

function wanted() {
  return document.visibilityState === "visible" && navigator.onLine && Boolean(store.user) && !refused;
}

function update() {
  if (wanted() && !term) campaign();
  else if (!wanted() && term) resign();
}

/** Ask for the lead; the lock is held (and the stream open) until resign(). */
function campaign() {
  const bid = {};
  term = bid;
  if (!navigator.locks) {
    bid.resign = () => {};
    lead();
    return;
  }
  const abort = new AbortController();
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  bid.resign = () => {
    abort.abort();
    release();
  };
  navigator.locks
    .request(LOCK, { signal: abort.signal }, () => {
      if (term !== bid) return null; // resigned as the lock came
      lead();
      return held;
    })
    .catch(() => {}); // AbortError: resigned while waiting
}

function resign() {
  const bid = term;
  term = null;
  leading = false;
  clearTimeout(retryTimer);
  close();
  bid.resign();
}

function lead() {
  leading = true;
  connect();
}

function connect() {
  clearTimeout(retryTimer);
  if (!leading || source) return;
  const stream = new EventSource(PATH);
  source = stream;
  let opened = false;
  stream.onopen = () => {
    opened = true;
    openedAt = Date.now();
  };
  stream.addEventListener("changed", (event) => {
    let cursor = null;
    try {
      cursor = JSON.parse(event.data).cursor;
    } catch (_err) {
      return;
    }
    if (typeof cursor !== "string") return;
    channel?.postMessage({ cursor });
    heard(cursor, COALESCE);
  });
  stream.onerror = () => {
    if (source !== stream) return;
    close(); // the backoff below decides when, not the browser's own retry
    if (opened && Date.now() - openedAt >= HEALTHY) attempt = 0;
    if (opened) later();
    else diagnose();
  };
}

function close() {
  if (!source) return;
  source.close();
  source = null;
}

/** The stream could not open: ask why (an EventSource error says nothing), then wait accordingly. */
async function diagnose() {
  const status = await probe();
  if (!leading || source) return;
  if (status === 401) {
    refused = true;
    resign();
    await store.refreshMe(); // a session that ended logs out here, as a sync's 401 would
    return;
  }
  if (status === 204 || status === 404) attempt = Math.max(attempt, Math.ceil(Math.log2(MAX_DELAY / FIRST_DELAY)));
  later();
}

/** The status GET /api/live answers now (0: no answer); the body, if a stream, is dropped at once. */
async function probe() {
  const abort = new AbortController();
  try {
    const response = await fetch(PATH, { signal: abort.signal, cache: "no-store", credentials: "same-origin" });
    return response.status;
  } catch (_err) {
    return 0;
  } finally {
    abort.abort();
  }
}

function later() {
  const delay = Math.min(MAX_DELAY, FIRST_DELAY * 2 ** attempt) * (0.75 + Math.random() * 0.5);
  attempt = Math.min(attempt + 1, 16);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(connect, Math.min(delay, MAX_DELAY));
}

/** The server is at `cursor`: sync unless this phone already is. A burst is one check. */
function heard(cursor, wait) {
  if (typeof cursor !== "string") return;
  target = cursor;
  if (!checkTimer) checkTimer = setTimeout(check, wait);
}

async function check() {
  checkTimer = null;
  await sync.settled(); // a sync in flight may be the one that brings this cursor
  const cursor = target;
  if (!store.user || String((await db.getMeta("cursor")) ?? 0) === cursor) return;
  sync.flush(); // coalesced with a sync in flight: one more after it, not one per event
}
