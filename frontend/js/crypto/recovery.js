// The recovery phrase and the recovery blob (the design of issue 15, "Recovery").
// 128 bits of random entropy, shown once as 12 words of the BIP39 English list with BIP39's 4-bit SHA-256
// checksum (the standard encoding, so any BIP39 tool reads the same words). The recovery key is
// HKDF-SHA256(entropy, salt "hearth recovery v1", info user id); it seals the user's content keys into an
// `r1.` blob the server keeps and cannot open. Loaded on demand, never by the shell.
import { WORDS } from "./bip39-en.js";
import { decodeBase64url, encodeBase64url, exportRaw, importRaw, KEY_ID, TamperedError } from "./primitives.js";

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const ENTROPY_BYTES = 16;
const PHRASE_WORDS = 12;
const IV = 12;
const LABEL = "hearth recovery v1";

/** A phrase that is not one: `code` is "phrase_length", "phrase_word" (`index`: the first unknown word,
 * from 0) or "phrase_checksum" (every word is real, but they are not a phrase this app made). */
export class PhraseError extends Error {
  constructor(code, index = null) {
    super(index === null ? code : `${code} ${index}`);
    this.name = "PhraseError";
    this.code = code;
    this.index = index;
  }
}

let positions = null; // word → its index in the list, made on first use

function checkEntropy(entropy) {
  if (!(entropy instanceof Uint8Array) || entropy.length !== ENTROPY_BYTES) {
    throw new TypeError("entropy is 16 bytes");
  }
  return entropy;
}

async function checksumNibble(entropy) {
  return new Uint8Array(await subtle.digest("SHA-256", entropy))[0] >> 4;
}

/** The 12 words for 16 bytes of entropy: 128 bits and 4 checksum bits, read 11 bits a word. */
export async function entropyToWords(entropy) {
  let bits = 0n;
  for (const byte of checkEntropy(entropy)) bits = (bits << 8n) | BigInt(byte);
  bits = (bits << 4n) | BigInt(await checksumNibble(entropy));
  const words = [];
  for (let i = PHRASE_WORDS - 1; i >= 0; i--) words.push(WORDS[Number((bits >> BigInt(11 * i)) & 2047n)]);
  return words;
}

/** A new phrase: {entropy (16 random bytes), words (12)}. Shown once; only the person keeps it. */
export async function newPhrase() {
  const entropy = globalThis.crypto.getRandomValues(new Uint8Array(ENTROPY_BYTES));
  return { entropy, words: await entropyToWords(entropy) };
}

/** The entropy a phrase (an array of words, or one string) stands for; PhraseError when it is not a phrase. */
export async function phraseToEntropy(phrase) {
  const words = (Array.isArray(phrase) ? phrase : String(phrase).trim().split(/\s+/))
    .map((word) => String(word).trim().toLowerCase())
    .filter(Boolean);
  if (words.length !== PHRASE_WORDS) throw new PhraseError("phrase_length");
  positions ??= new Map(WORDS.map((word, index) => [word, index]));
  let bits = 0n;
  for (const [index, word] of words.entries()) {
    if (!positions.has(word)) throw new PhraseError("phrase_word", index);
    bits = (bits << 11n) | BigInt(positions.get(word));
  }
  const entropy = new Uint8Array(ENTROPY_BYTES);
  for (let i = 0; i < ENTROPY_BYTES; i++) entropy[i] = Number((bits >> BigInt(4 + 8 * (ENTROPY_BYTES - 1 - i))) & 255n);
  if (Number(bits & 15n) !== (await checksumNibble(entropy))) throw new PhraseError("phrase_checksum");
  return entropy;
}

function checkUserId(userId) {
  if (typeof userId !== "string" || userId === "") throw new TypeError("bad user id");
  return userId;
}

/** The AES-GCM key a phrase gives for this user; not extractable. A phone may keep it (instead of the words)
 * to seal the blob again when a new content key arrives: sealRecovery and openRecovery take either. */
export async function recoveryKey(entropy, userId) {
  const material = await subtle.importKey("raw", checkEntropy(entropy), "HKDF", false, ["deriveKey"]);
  return subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8.encode(LABEL), info: utf8.encode(checkUserId(userId)) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

const keyFor = (secret, userId) => (secret instanceof CryptoKey ? secret : recoveryKey(secret, userId));
const aadFor = (userId) => utf8.encode(`${LABEL}|${checkUserId(userId)}`);

/** `keys` ({keyId: CryptoKey or 32 raw bytes}) sealed for this user: an `r1.` blob. */
export async function sealRecovery(secret, userId, keys) {
  const table = {};
  for (const keyId of Object.keys(keys).sort()) {
    if (!KEY_ID.test(keyId)) throw new TypeError("bad key id");
    const raw = keys[keyId] instanceof CryptoKey ? await exportRaw(keys[keyId]) : keys[keyId];
    if (!(raw instanceof Uint8Array) || raw.length !== 32) throw new TypeError("a content key is 32 bytes");
    table[keyId] = encodeBase64url(raw);
  }
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV));
  const sealed = new Uint8Array(
    await subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: aadFor(userId) },
      await keyFor(secret, userId),
      utf8.encode(JSON.stringify(table)),
    ),
  );
  const blob = new Uint8Array(IV + sealed.length);
  blob.set(iv);
  blob.set(sealed, IV);
  return `r1.${encodeBase64url(blob)}`;
}

/** The content keys in an `r1.` blob, {keyId: CryptoKey}; TamperedError for a wrong phrase or user, or a bad blob. */
export async function openRecovery(secret, userId, blob) {
  let bytes;
  try {
    if (typeof blob !== "string" || !blob.startsWith("r1.")) throw new TypeError("not r1");
    bytes = decodeBase64url(blob.slice(3));
  } catch {
    throw new TamperedError("malformed");
  }
  if (bytes.length < IV + 16) throw new TamperedError("malformed");
  const key = await keyFor(secret, userId);
  let table;
  try {
    const plain = await subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, IV), additionalData: aadFor(userId) },
      key,
      bytes.subarray(IV),
    );
    table = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plain));
  } catch {
    throw new TamperedError("tag");
  }
  if (!table || typeof table !== "object" || Array.isArray(table)) throw new TamperedError("malformed");
  const keys = {};
  for (const [keyId, raw] of Object.entries(table)) {
    if (!KEY_ID.test(keyId)) throw new TamperedError("malformed");
    try {
      keys[keyId] = await importRaw(raw);
    } catch {
      throw new TamperedError("malformed");
    }
  }
  return keys;
}
