// A small promise-based IndexedDB layer. One database, five stores:
//   entries  — every entry this device may see (server copies and local edits)
//   outbox   — queued mutations, keyed by mid (oldest first), each with the couple it was written for
//   failures — mutations the server rejected or refused as conflicts, until dismissed
//   notsent  — queued mutations written for a couple the user is no longer in: never sent; shown,
//              exported or discarded by the person (screens/not-sent.js)
//   meta     — key/value: client_id, next_mid, cursor, couple_id, me, seen_at
const NAME = "hearth";
const VERSION = 2;
export const STORES = ["entries", "outbox", "failures", "notsent", "meta"];

let opening = null;

export function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        const keys = {
          entries: { keyPath: "id" },
          outbox: { keyPath: "mid" },
          failures: { keyPath: "mid" },
          notsent: { keyPath: "mid" },
          meta: undefined,
        };
        for (const [name, options] of Object.entries(keys)) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, options);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab (or a newer version) wants the database: let it, reopen on next use.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        db.onclose = () => {
          opening = null;
        };
        resolve(db);
      };
      request.onerror = () => {
        opening = null;
        reject(request.error);
      };
    });
  }
  return opening;
}

/** Wraps one IDBRequest in a promise. Awaiting it inside tx() keeps the transaction alive. */
export function req(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs fn({store: IDBObjectStore}) in one transaction; resolves with fn's result once the
 * transaction has committed, so callers never see a write that could still roll back.
 * fn may only await req(...) promises, nothing else, or the transaction closes early.
 */
export async function tx(names, mode, fn) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(names, mode);
    const stores = Object.fromEntries(names.map((n) => [n, t.objectStore(n)]));
    let result;
    t.oncomplete = () => resolve(result);
    t.onerror = () => reject(t.error);
    t.onabort = () => reject(t.error || new DOMException("Transaction aborted", "AbortError")); // i18n-ok: never shown
    Promise.resolve()
      .then(() => fn(stores, t))
      .then(
        (value) => {
          result = value;
        },
        (err) => {
          try {
            t.abort();
          } catch (_ignored) {
            /* already finished */
          }
          reject(err);
        },
      );
  });
}

export const get = (store, key) => tx([store], "readonly", (s) => req(s[store].get(key)));
export const all = (store) => tx([store], "readonly", (s) => req(s[store].getAll()));
export const count = (store) => tx([store], "readonly", (s) => req(s[store].count()));
export const put = (store, value, key) =>
  tx([store], "readwrite", (s) => req(key === undefined ? s[store].put(value) : s[store].put(value, key)));
export const del = (store, key) => tx([store], "readwrite", (s) => req(s[store].delete(key)));

export const getMeta = (key) => get("meta", key);
export const setMeta = (key, value) => put("meta", value, key);

/** Logging out: nothing of this account stays on the phone. */
export function clearAll() {
  return tx(STORES, "readwrite", (s) => Promise.all(STORES.map((n) => req(s[n].clear()))));
}
