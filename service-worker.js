/* Hearth's service worker: a plain script, no imports.
 * web.py fills in VERSION and PRECACHE from content hashes of the shell files,
 * so any change to a frontend file makes a new version by itself. */
const VERSION = "__VERSION__";
const PRECACHE = [] /* __PRECACHE__ */;
const PREFIX = "hearth-shell-";
const CACHE = PREFIX + VERSION;
const SYNC_TAG = "hearth-outbox";

const LANGUAGE_PREFIX = "/frontend/locales/";

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache, so the new version never stores stale files. Besides the shell,
  // the languages this browser used (kept by an older version): the person's own, never every one.
  event.waitUntil(
    (async () => {
      const urls = [...PRECACHE, ...(await keptLanguages())];
      const cache = await caches.open(CACHE);
      await cache.addAll(urls.map((url) => new Request(url, { cache: "reload" })));
    })(),
  );
  // No skipWaiting here: a new version waits until the page asks (see "message").
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      );
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
  if (event.data && event.data.type === "VERSION") event.source.postMessage({ type: "VERSION", version: VERSION });
  // The page loaded its language: keep that catalogue offline too (i18n.js, loadLanguage), and the
  // daily question library in that language (questions.js, loadQuestions).
  if (event.data && event.data.type === "KEEP_LANGUAGE") event.waitUntil(keepLanguage(event.data.url));
});

async function keepLanguage(url) {
  if (typeof url !== "string" || !/^\/frontend\/locales\/(questions\/)?[a-z]{2}\.json$/.test(url)) return;
  const cache = await caches.open(CACHE);
  if (!(await cache.match(url))) await cache.add(new Request(url, { cache: "reload" }));
}

async function keptLanguages() {
  const found = new Set();
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX)) continue;
    for (const request of await (await caches.open(name)).keys()) {
      const path = new URL(request.url).pathname;
      if (path.startsWith(LANGUAGE_PREFIX)) found.add(path);
    }
  }
  return [...found];
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // Never cached, never answered here: the live stream (/api/live, an EventSource) included, straight to the network.
  if (url.pathname === "/api" || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith("/frontend/") || PRECACHE.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirst(request) {
  try {
    return await fetch(request);
  } catch (err) {
    const cache = await caches.open(CACHE);
    const shell = await cache.match("/");
    if (shell) return shell;
    throw err;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

// The outbox lives in IndexedDB and its logic in the page (sync.js). The worker only
// tells open pages to flush; with no page open, the next start flushes instead.
async function askPagesToFlush(reason) {
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const page of pages) page.postMessage({ type: "FLUSH", reason });
  return pages.length;
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(askPagesToFlush("background-sync"));
});

// Push payloads are small pokes {type, title, body, url, tag}; the page pulls the data itself.
// The server writes them in the recipient's language, the nudge's "share" button label too; the
// worker has no catalogue, so a payload without one (queued before it had one) takes this table.
const SHARE_LABEL = { en: "Share now", ru: "Поделиться" };
const shareLabel = (data) =>
  data.share ||
  SHARE_LABEL[
    String(self.navigator.language || "en")
      .slice(0, 2)
      .toLowerCase()
  ] ||
  SHARE_LABEL.en;
const BADGE_CACHE = "hearth-badge"; // unseen partner pushes; the page deletes it when it is seen
const ICON = "/frontend/icons/icon-192.png";

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (_err) {
    data = {};
  }
  const type = data.type || "hearth";
  event.waitUntil(
    Promise.all([
      askPagesToFlush("push"),
      notify(data, type),
      String(data.tag || "").startsWith("partner-") ? countUnseen(data.count || 1) : null,
    ]),
  );
});

async function notify(data, type) {
  // A sealed preview this phone can open shows the partner's words under the line ("Sam sent you an
  // appreciation"), as a plaintext preview does; anything else shows the server's generic title and body.
  // Opening is bounded: a push must always end in a notification, so a keystore that does not answer in
  // OPEN_WAIT ms (held by an upgrade in the app, say) gives the generic line rather than none at all.
  const words = data.sealed ? await Promise.race([openSealed(data.sealed), later(OPEN_WAIT, null)]) : null;
  const titled = words && typeof data.sealed.title === "string" && data.sealed.title;
  return self.registration.showNotification(titled || data.title || "Hearth", {
    body: words || data.body || "",
    icon: ICON,
    badge: ICON,
    tag: data.tag || type,
    renotify: false,
    data: { url: data.url || "/", type },
    actions: type === "nudge" ? [{ action: "share", title: shareLabel(data) }] : [],
  });
}

// --- Sealed previews (docs/encryption.md, "Push previews") ---------------------------------------------
// With previews on, a push about words sealed on the partner's phone carries the envelope itself:
// sealed = {entry_id, kind, field, envelope, title}. This classic worker cannot import the ES modules of
// frontend/js/crypto/, so the few steps of primitives.js's openText are written again here, WebCrypto only,
// step for step (tests/e2e/test_push_preview.py checks them against primitives.js and tests/e2e_crypto.py).
// Every failure (no key on this phone, a changed or malformed envelope, other additional data) gives null:
// the generic line shows, never ciphertext.
const KEYS_DB = "hearth-keys"; // keystore.js: store "content", key id ("c3") -> AES-GCM CryptoKey
const SEALED = /^e1\.[cp][1-9][0-9]{0,8}\.[A-Za-z0-9_-]{59,}$/; // primitives.js ENVELOPE
const SEAL_IV = 12;
const SEAL_TAG = 16;
const SEAL_BUCKET = 32;
const PREVIEW_CHARS = 120; // the server's cut of a plaintext preview (notifications.py, PREVIEW_CHARS)
const OPEN_WAIT = 3000;

function later(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

async function openSealed(sealed) {
  try {
    const parts = [sealed.entry_id, sealed.kind, sealed.field];
    // One "|" inside a part would let two contexts give the same additional data (primitives.js contextPart).
    if (!parts.every((part) => typeof part === "string" && part !== "" && !part.includes("|"))) return null;
    if (typeof sealed.envelope !== "string" || !SEALED.test(sealed.envelope)) return null;
    const [, keyId, data] = sealed.envelope.split(".");
    const bytes = canonicalBase64url(data);
    if (!bytes || bytes.length < SEAL_IV + SEAL_BUCKET + SEAL_TAG) return null;
    if ((bytes.length - SEAL_IV - SEAL_TAG) % SEAL_BUCKET !== 0) return null;
    const key = await contentKey(keyId);
    if (!key) return null;
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: bytes.subarray(0, SEAL_IV),
        additionalData: new TextEncoder().encode(`hearth e1|${parts.join("|")}`),
      },
      key,
      bytes.subarray(SEAL_IV),
    );
    const text = new TextDecoder("utf-8", { fatal: true }).decode(unpadded(new Uint8Array(plain)));
    return cutPreview(text) || null;
  } catch (_err) {
    return null; // a bad tag, bad padding, bad UTF-8, no database: the generic line
  }
}

// Unpadded base64url, canonical only (primitives.js decodeBase64url), or null.
function canonicalBase64url(text) {
  if (text.length % 4 === 1) return null;
  const bytes = Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const again = btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return again === text ? bytes : null;
}

// The text, then 0x80, then zeros to a multiple of 32 (primitives.js unpad): the marker must be the last
// non-zero byte, and the padding never longer than one bucket; anything else throws.
function unpadded(padded) {
  if (padded.length === 0 || padded.length % SEAL_BUCKET !== 0) throw new Error("padding");
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 0x80 || padded.length - end > SEAL_BUCKET) throw new Error("padding");
  return padded.subarray(0, end);
}

// As the server cuts a plaintext preview (notifications.py _cut): runs of white space made one space, then at
// most PREVIEW_CHARS characters (code points), the last one an ellipsis when cut.
function cutPreview(text) {
  const chars = Array.from(text.split(/\s+/).filter(Boolean).join(" "));
  if (chars.length <= PREVIEW_CHARS) return chars.join("");
  return `${chars
    .slice(0, PREVIEW_CHARS - 1)
    .join("")
    .trimEnd()}…`;
}

// The content key with this id from this phone's keystore, or null. Opened without a version, so it never
// changes the keystore's; and never made here: when "hearth-keys" does not exist yet, the first upgrade is
// aborted, which leaves no database behind (keystore.js makes it, with its stores, when the app needs it).
function contentKey(keyId) {
  return new Promise((resolve) => {
    const request = indexedDB.open(KEYS_DB);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onerror = () => resolve(null);
    request.onblocked = () => resolve(null);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => db.close(); // a forget() in the app is never held up by the worker
      try {
        const read = db.transaction(["content"], "readonly").objectStore("content").get(keyId);
        read.onsuccess = () => {
          const key = read.result;
          db.close();
          resolve(key instanceof CryptoKey && key.algorithm.name === "AES-GCM" ? key : null);
        };
        read.onerror = () => {
          db.close();
          resolve(null);
        };
      } catch (_err) {
        db.close(); // no "content" store
        resolve(null);
      }
    };
  });
}

// The app badge shows how many partner pushes arrived since the app was last seen.
// One count at a time: two pushes landing together must not both read the old number.
let counting = Promise.resolve();
function countUnseen(added) {
  counting = counting.then(() => addUnseen(added)).catch(() => {});
  return counting;
}

async function addUnseen(added) {
  if (!self.navigator.setAppBadge) return;
  const pages = await self.clients.matchAll({ type: "window" });
  if (pages.some((page) => page.visibilityState === "visible")) return; // seen as it lands
  const cache = await caches.open(BADGE_CACHE);
  const stored = await cache.match("/badge");
  const count = (stored ? Number(await stored.text()) || 0 : 0) + added;
  await cache.put("/badge", new Response(String(count)));
  await self.navigator.setAppBadge(count).catch(() => {});
}

// The app routes by path ("/", "/bids") and the server's pushes carry paths. A url in the old hash
// form ("/#/bids"), from a notification sent before the app routed by path, still opens its screen.
function routeOf(url) {
  const target = new URL(url || "/", self.location.origin);
  if (target.origin !== self.location.origin) return "/";
  const path = target.hash.startsWith("#/") ? target.hash.slice(1) : target.pathname + target.search;
  return path === "/today" ? "/" : path;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const path = event.action === "share" ? "/?share=1" : routeOf(data.url);
  event.waitUntil(
    (async () => {
      const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const page = pages.find((p) => p.focused) || pages.find((p) => p.visibilityState === "visible") || pages[0];
      if (page) {
        await page.focus().catch(() => {});
        page.postMessage({ type: "NAVIGATE", url: path }); // the page routes without a reload
        return;
      }
      await self.clients.openWindow(path);
    })(),
  );
});
