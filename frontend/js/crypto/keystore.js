// This device's keys, in their own IndexedDB database ("hearth-keys"), so the app's "hearth" database and
// its version never change for them. CryptoKey objects are stored as they are (IndexedDB keeps them by
// structured clone), so a non-extractable key stays non-extractable across reloads.
//   device  — "self": this device's ECDH P-256 pair. The private key is made non-extractable: no script,
//             ours included, can ever read its bytes; it can only derive the bits that unwrap a content key.
//   content — key id ("c3", "p1") → AES-GCM content key. These are extractable, on purpose: a phone must
//             re-wrap them for the partner's and its own new devices (primitives.wrapFor) and seal every one
//             of them into the recovery blob (recovery.sealRecovery), and both need the raw bytes.
// Loaded on demand, never by the shell.
import { encodeBase64url, exportRaw, KEY_ID } from "./primitives.js";

const NAME = "hearth-keys";
const VERSION = 1;
const ECDH = { name: "ECDH", namedCurve: "P-256" };

let opening = null;
let device = null; // the pair once read or made: a promise, so two callers never make two

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        for (const name of ["device", "content"]) {
          if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
        }
      };
      request.onsuccess = () => {
        const db = request.result;
        // forget() in another tab deletes the database: let it, and read afresh on next use.
        db.onversionchange = () => {
          db.close();
          opening = null;
          device = null;
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

// One request in its own transaction; resolves once the transaction has committed.
async function run(store, mode, action) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction([store], mode);
    const request = action(t.objectStore(store));
    t.oncomplete = () => resolve(request.result);
    // The request's own error (ConstraintError for add): the transaction's is not set yet when this fires.
    t.onerror = () => reject(request.error || t.error);
    t.onabort = () => reject(request.error || t.error || new DOMException("aborted", "AbortError"));
  });
}

/** This device's key pair {privateKey, publicKey}: made the first time, the same one ever after. */
export function deviceKeys() {
  if (!device) {
    device = loadOrMakeDevice().catch((err) => {
      device = null;
      throw err;
    });
  }
  return device;
}

async function loadOrMakeDevice() {
  const stored = await run("device", "readonly", (store) => store.get("self"));
  if (stored) return stored;
  const made = await crypto.subtle.generateKey(ECDH, false, ["deriveBits"]);
  const pair = { privateKey: made.privateKey, publicKey: made.publicKey };
  // Two tabs may both have made one: add() lets only the first in; the other reads the winner's.
  try {
    await run("device", "readwrite", (store) => store.add(pair, "self"));
    return pair;
  } catch (err) {
    if (err?.name !== "ConstraintError") throw err;
    return run("device", "readonly", (store) => store.get("self"));
  }
}

/** This device's public key, raw (65 bytes, 0x04 first), as unpadded base64url: 87 characters. */
export async function publicKeyRaw() {
  const { publicKey } = await deviceKeys();
  return encodeBase64url(new Uint8Array(await crypto.subtle.exportKey("raw", publicKey)));
}

/** A different key under an id this device already holds: refused, see putContentKey. */
export class KeyConflictError extends Error {
  constructor(keyId) {
    super(keyId);
    this.name = "KeyConflictError";
    this.code = "key_conflict";
    this.keyId = keyId;
  }
}

/** Keeps a content key under its id. An id names one key for good (a new epoch is a new id): the same key
 * again changes nothing, a different one is refused (KeyConflictError), so whoever sends a wrapped key later,
 * what this device could read stays readable. */
export async function putContentKey(keyId, key) {
  if (typeof keyId !== "string" || !KEY_ID.test(keyId)) throw new TypeError("bad key id");
  if (!(key instanceof CryptoKey) || key.algorithm.name !== "AES-GCM") throw new TypeError("not an AES-GCM key");
  try {
    await run("content", "readwrite", (store) => store.add(key, keyId));
  } catch (err) {
    if (err?.name !== "ConstraintError") throw err;
    const held = await contentKey(keyId);
    const [a, b] = await Promise.all([exportRaw(key), held ? exportRaw(held) : null]);
    if (!b || a.length !== b.length || a.some((byte, i) => byte !== b[i])) throw new KeyConflictError(keyId);
  }
}

/** The content key with this id, or null when this device does not hold it. */
export async function contentKey(keyId) {
  return (await run("content", "readonly", (store) => store.get(keyId))) ?? null;
}

/** Drops the content key with this id (a couple key of a couple this person is no longer in: key ids restart
 *  with each couple, and the new couple's `c1` must not meet the old one's). */
export async function dropContentKey(keyId) {
  await run("content", "readwrite", (store) => store.delete(keyId));
}

/** Every content key this device holds, {keyId: CryptoKey}: what recovery seals and a new own device gets. */
export async function contentKeys() {
  const db = await open();
  return new Promise((resolve, reject) => {
    const t = db.transaction(["content"], "readonly");
    const found = {};
    const cursor = t.objectStore("content").openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      found[at.key] = at.value;
      at.continue();
    };
    t.oncomplete = () => resolve(found);
    t.onerror = () => reject(cursor.error || t.error);
    t.onabort = () => reject(t.error || new DOMException("aborted", "AbortError"));
  });
}

/** Wipes every key of this device (logging out, leaving for good). Not reversible: the keys are gone. */
export async function forget() {
  if (opening) (await opening.catch(() => null))?.close();
  opening = null;
  device = null;
  await new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(NAME);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
    // "blocked": another tab still holds it; its onversionchange closes it and the delete goes on.
  });
}

// The recovery key (recovery.recoveryKey: from the phrase's entropy and the user id), kept non-extractable
// in the "device" store under "recovery" with the user it was made for: a phone that set up or used the
// phrase can seal the recovery blob again when a new content key arrives, without the words
// (recovery-flow.js, resealRecovery). Nothing can read its bytes; forget() drops it with the rest.

/** Keeps `key` (a non-extractable AES-GCM key from recovery.recoveryKey) as this user's recovery key. */
export async function putRecoveryKey(userId, key) {
  if (typeof userId !== "string" || userId === "") throw new TypeError("bad user id");
  if (!(key instanceof CryptoKey) || key.algorithm.name !== "AES-GCM" || key.extractable) {
    throw new TypeError("not a non-extractable AES-GCM key");
  }
  await run("device", "readwrite", (store) => store.put({ userId, key }, "recovery"));
}

/** The recovery key kept for this user, or null (none set up on this device, or another user's). */
export async function recoveryKeyOf(userId) {
  const held = await run("device", "readonly", (store) => store.get("recovery"));
  return held && held.userId === userId ? held.key : null;
}
