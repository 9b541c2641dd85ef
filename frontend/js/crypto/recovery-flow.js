// The recovery phrase's flows (issue 15, "Recovery"), on the primitives, the keystore and /api/keys:
// set it up (the words shown once, confirmed, then every content key this device holds sealed into the
// `r1.` blob the server keeps), seal the blob again when a key arrives (resealRecovery, for the keyring),
// and unlock a device with the words. Loaded on demand, never by the shell.
import * as api from "../api.js";
import { contentKeys, putContentKey, putRecoveryKey, recoveryKeyOf, KeyConflictError } from "./keystore.js";
import { TamperedError } from "./primitives.js";
import { newPhrase, openRecovery, phraseToEntropy, recoveryKey, sealRecovery } from "./recovery.js";

/** A new phrase to show: {words, entropy}. Nothing is stored until saveRecovery. */
export const makePhrase = newPhrase;

/** Which three of the 12 words to ask back (distinct positions from 0, in order). */
export function wordsToAsk(count = 3, total = 12) {
  const picked = new Set();
  const random = new Uint32Array(1);
  while (picked.size < count) {
    globalThis.crypto.getRandomValues(random);
    picked.add(random[0] % total);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Whether the answers (position → typed word) match the phrase, ignoring case and spaces. */
export function answersMatch(words, answers) {
  return Object.entries(answers).every(([at, typed]) => String(typed).trim().toLowerCase() === words[Number(at)]);
}

/** The keys in the server's blob when this device's recovery key opens it, else {} (none, or other words). */
async function keysInBlob(key, userId) {
  const { blob } = await api.get("/api/keys/recovery");
  if (!blob || !key) return { blob, keys: {}, opened: !blob };
  try {
    return { blob, keys: await openRecovery(key, userId, blob), opened: true };
  } catch (err) {
    if (err instanceof TamperedError) return { blob, keys: {}, opened: false };
    throw err;
  }
}

/** Seals every content key this device holds with the phrase's key and stores the blob; keeps the key. The keys
 * of the blob it replaces go in too when this device can open it (it kept the old phrase's key). */
export async function saveRecovery(entropy, userId) {
  const key = await recoveryKey(entropy, userId);
  const { keys: kept } = await keysInBlob(await recoveryKeyOf(userId), userId);
  const keys = { ...kept, ...(await contentKeys()) };
  await api.request("PUT", "/api/keys/recovery", { blob: await sealRecovery(key, userId, keys) });
  await putRecoveryKey(userId, key);
}

/** Seals the blob again with every key held now, without the words (a new content key arrived), keeping
 * every key the blob held that this device lacks. false, and the blob left as it is, when this device keeps
 * no recovery key for this user, or the server's blob is not sealed with it (a newer phrase was made on
 * another device: sealing with the old key would make the person's current words useless). */
export async function resealRecovery(userId) {
  const key = await recoveryKeyOf(userId);
  if (!key) return false;
  const { keys: kept, opened } = await keysInBlob(key, userId);
  if (!opened) return false;
  const keys = { ...kept, ...(await contentKeys()) };
  await api.request("PUT", "/api/keys/recovery", { blob: await sealRecovery(key, userId, keys) });
  return true;
}

/** Whether this person has a recovery blob on the server. */
export async function recoveryIsSet() {
  return (await api.get("/api/keys")).recovery === true;
}

/** Thrown by unlockWithPhrase when the server keeps no blob for this person. */
export class NoRecoveryError extends Error {
  constructor() {
    super("no_recovery");
    this.name = "NoRecoveryError";
    this.code = "no_recovery";
  }
}

/** Stores each key of `keys` ({keyId: CryptoKey}); one this device already holds differently is left as it
 * is (the keystore refuses to change a key id). {stored, conflicts}. */
export async function storeKeys(keys) {
  let stored = 0;
  const conflicts = [];
  for (const [keyId, key] of Object.entries(keys)) {
    try {
      await putContentKey(keyId, key);
      stored++;
    } catch (err) {
      if (!(err instanceof KeyConflictError)) throw err;
      conflicts.push(keyId);
    }
  }
  return { stored, conflicts };
}

/** Opens the server's blob with the typed phrase and stores its keys on this device, and keeps the recovery
 * key (this device can then seal the blob again). PhraseError for words that are not a phrase, NoRecoveryError,
 * TamperedError for a real phrase that is not this person's, ApiError when the server can't be reached. */
export async function unlockWithPhrase(userId, phrase) {
  const entropy = await phraseToEntropy(phrase);
  const { blob } = await api.get("/api/keys/recovery");
  if (!blob) throw new NoRecoveryError();
  const key = await recoveryKey(entropy, userId);
  const result = await storeKeys(await openRecovery(key, userId, blob));
  await putRecoveryKey(userId, key);
  return result;
}
