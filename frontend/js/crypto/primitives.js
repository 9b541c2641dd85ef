// End-to-end encryption's primitives, WebCrypto only (docs: the design of issue 15, "Primitives").
// Nothing here is hand-made cryptography: ECDH P-256, HKDF-SHA256, AES-GCM 256 and SHA-256 all come from
// crypto.subtle; this module only fixes how they are put together and how the results are written down.
// Loaded on demand (dynamic import), never by the shell. tests/e2e_crypto.py makes the same bytes in Python.

const subtle = globalThis.crypto.subtle;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export const KEY_ID = /^[cp][1-9][0-9]{0,8}$/;
// The server checks this shape too (backend, issue 15); a real envelope is at least 80 characters
// after the key id (12 + 32 + 16 bytes), the regex only asks for 59.
export const ENVELOPE = /^e1\.[cp][1-9][0-9]{0,8}\.[A-Za-z0-9_-]{59,}$/;
const WRAPPED = /^w1\.[A-Za-z0-9_-]{167}$/; // 65 + 12 + 48 = 125 bytes
const RAW_PUBLIC = 65; // uncompressed P-256 point: 0x04 || x || y
const IV = 12;
const TAG = 16;
const BUCKET = 32; // padded plaintexts are a multiple of this many bytes
const ECDH = { name: "ECDH", namedCurve: "P-256" };
const AES = { name: "AES-GCM", length: 256 };

/** Anything that did not decrypt to exactly what was sealed: bad tag, other AAD or key, bad padding, malformed. */
export class TamperedError extends Error {
  constructor(reason) {
    super(reason);
    this.name = "TamperedError";
    this.code = "tampered";
    this.reason = reason; // "malformed", "tag", "padding" or "utf-8": for logs, never for a person
  }
}

// --- base64url, without padding -------------------------------------------------------------

export function encodeBase64url(bytes) {
  let binary = "";
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes canonical unpadded base64url; anything else (other characters, padding, stray bits) throws TypeError. */
export function decodeBase64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new TypeError("not base64url");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (encodeBase64url(bytes) !== text) throw new TypeError("not canonical base64url");
  return bytes;
}

/** A public key or other bytes given as a Uint8Array, an ArrayBuffer or base64url text. */
function asBytes(value) {
  if (typeof value === "string") return decodeBase64url(value);
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError("expected bytes or base64url");
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const randomBytes = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

// A "|" inside one part would let two different contexts give the same bytes.
function contextPart(value, name) {
  if (typeof value !== "string" || value === "" || value.includes("|")) throw new TypeError(`bad ${name}`);
  return value;
}

function checkKeyId(keyId) {
  if (typeof keyId !== "string" || !KEY_ID.test(keyId)) throw new TypeError("bad key id");
  return keyId;
}

// --- content keys ---------------------------------------------------------------------------
// Content keys are extractable: a phone wraps them for the partner's and its own new devices (wrapFor)
// and seals them into the recovery blob, and both need the raw bytes (keystore.js says more).

export function newContentKey() {
  return subtle.generateKey(AES, true, ["encrypt", "decrypt"]);
}

export async function exportRaw(key) {
  return new Uint8Array(await subtle.exportKey("raw", key));
}

export function importRaw(raw, { extractable = true } = {}) {
  const bytes = asBytes(raw);
  if (bytes.length !== 32) throw new TypeError("a content key is 32 bytes");
  return subtle.importKey("raw", bytes, "AES-GCM", extractable, ["encrypt", "decrypt"]);
}

// --- padding: text, 0x80, zeros up to the next multiple of 32 bytes ---------------------------

export function pad(bytes) {
  const out = new Uint8Array(Math.ceil((bytes.length + 1) / BUCKET) * BUCKET);
  out.set(bytes);
  out[bytes.length] = 0x80;
  return out;
}

export function unpad(padded) {
  if (padded.length === 0 || padded.length % BUCKET !== 0) throw new TamperedError("padding");
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  // The marker is the last non-zero byte, and padding never fills more than one bucket.
  if (end < 0 || padded[end] !== 0x80 || padded.length - end > BUCKET) throw new TamperedError("padding");
  return padded.subarray(0, end);
}

// --- envelopes: one text field of one entry --------------------------------------------------

function envelopeAad({ entryId, kind, field } = {}) {
  const parts = [contextPart(entryId, "entry id"), contextPart(kind, "kind"), contextPart(field, "field")];
  return utf8.encode(`hearth e1|${parts.join("|")}`);
}

/** The key id an envelope names (to find its key), or null when the value is not an envelope. */
export function envelopeKeyId(value) {
  return typeof value === "string" && ENVELOPE.test(value) ? value.split(".")[1] : null;
}

export async function sealText(key, keyId, context, text) {
  if (typeof text !== "string") throw new TypeError("text must be a string");
  checkKeyId(keyId);
  const iv = randomBytes(IV);
  const sealed = await subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: envelopeAad(context) },
    key,
    pad(utf8.encode(text)),
  );
  return `e1.${keyId}.${encodeBase64url(concat(iv, new Uint8Array(sealed)))}`;
}

/** The text sealed in `envelope` for this entry, kind and field, or a TamperedError; never anything else. */
export async function openText(key, envelope, context) {
  if (!(key instanceof CryptoKey)) throw new TypeError("no key: find it by envelopeKeyId first");
  const aad = envelopeAad(context);
  if (envelopeKeyId(envelope) === null) throw new TamperedError("malformed");
  let bytes;
  try {
    bytes = decodeBase64url(envelope.split(".")[2]);
  } catch {
    throw new TamperedError("malformed");
  }
  if (bytes.length < IV + BUCKET + TAG || (bytes.length - IV - TAG) % BUCKET !== 0) {
    throw new TamperedError("malformed");
  }
  let plain;
  try {
    plain = await subtle.decrypt(
      { name: "AES-GCM", iv: bytes.subarray(0, IV), additionalData: aad },
      key,
      bytes.subarray(IV),
    );
  } catch {
    throw new TamperedError("tag");
  }
  try {
    return strictUtf8.decode(unpad(new Uint8Array(plain)));
  } catch (err) {
    throw err instanceof TamperedError ? err : new TamperedError("utf-8");
  }
}

// --- wrapping a content key for one device (ECIES: ephemeral ECDH, HKDF, AES-GCM) ---------------

async function wrappingKey(privateKey, publicKey, deviceId, keyId, usage) {
  const shared = await subtle.deriveBits({ name: "ECDH", public: publicKey }, privateKey, 256);
  const info = utf8.encode(`hearth wrap v1|${contextPart(deviceId, "device id")}|${checkKeyId(keyId)}`);
  const material = await subtle.importKey("raw", shared, "HKDF", false, ["deriveKey"]);
  const key = await subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info },
    material,
    AES,
    false,
    [usage],
  );
  return { key, info };
}

export function importDevicePublic(raw) {
  const bytes = asBytes(raw);
  if (bytes.length !== RAW_PUBLIC || bytes[0] !== 0x04) throw new TypeError("not a raw P-256 public key");
  return subtle.importKey("raw", bytes, ECDH, true, []);
}

/** `contentKey` (a CryptoKey or its 32 raw bytes) sealed so that only the device with that public key opens it. */
export async function wrapFor(devicePublicRaw, deviceId, keyId, contentKey) {
  const devicePublic = await importDevicePublic(devicePublicRaw);
  const raw = contentKey instanceof CryptoKey ? await exportRaw(contentKey) : asBytes(contentKey);
  if (raw.length !== 32) throw new TypeError("a content key is 32 bytes");
  const ephemeral = await subtle.generateKey(ECDH, false, ["deriveBits"]);
  const { key, info } = await wrappingKey(ephemeral.privateKey, devicePublic, deviceId, keyId, "encrypt");
  const iv = randomBytes(IV);
  const sealed = await subtle.encrypt({ name: "AES-GCM", iv, additionalData: info }, key, raw);
  const ephemeralRaw = new Uint8Array(await subtle.exportKey("raw", ephemeral.publicKey));
  return `w1.${encodeBase64url(concat(ephemeralRaw, iv, new Uint8Array(sealed)))}`;
}

/** The content key in a `w1.` blob addressed to this device and key id (extractable, see above), or TamperedError. */
export async function unwrap(devicePrivateKey, deviceId, keyId, blob) {
  if (typeof blob !== "string" || !WRAPPED.test(blob)) throw new TamperedError("malformed");
  let bytes;
  let ephemeral;
  try {
    bytes = decodeBase64url(blob.slice(3));
    ephemeral = await importDevicePublic(bytes.subarray(0, RAW_PUBLIC));
  } catch {
    throw new TamperedError("malformed");
  }
  const { key, info } = await wrappingKey(devicePrivateKey, ephemeral, deviceId, keyId, "decrypt");
  const iv = bytes.subarray(RAW_PUBLIC, RAW_PUBLIC + IV);
  let raw;
  try {
    raw = await subtle.decrypt({ name: "AES-GCM", iv, additionalData: info }, key, bytes.subarray(RAW_PUBLIC + IV));
  } catch {
    throw new TamperedError("tag");
  }
  return importRaw(new Uint8Array(raw));
}

/** A device public key's short fingerprint, for the invite link (the joiner checks the directory's key with it):
 *  the first 16 bytes of SHA-256 over the raw key, base64url (22 characters). */
export async function fingerprint(publicRaw) {
  const bytes = asBytes(publicRaw);
  if (bytes.length !== RAW_PUBLIC || bytes[0] !== 0x04) throw new TypeError("not a raw P-256 public key");
  return encodeBase64url(new Uint8Array(await subtle.digest("SHA-256", bytes)).subarray(0, 16));
}

// --- the safety code both partners compare at pairing -----------------------------------------

/** "0123 4567 8901 2345": SHA-256 of both raw public keys, sorted bytewise; first 8 bytes mod 10^16. */
export async function safetyCode(publicA, publicB) {
  const [a, b] = [asBytes(publicA), asBytes(publicB)];
  for (const key of [a, b]) {
    if (key.length !== RAW_PUBLIC || key[0] !== 0x04) throw new TypeError("not a raw P-256 public key");
  }
  const sorted = compareBytes(a, b) <= 0 ? [a, b] : [b, a];
  const digest = new DataView(await subtle.digest("SHA-256", concat(...sorted)));
  const digits = (digest.getBigUint64(0) % 10n ** 16n).toString().padStart(16, "0");
  return digits.match(/.{4}/g).join(" ");
}

function compareBytes(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}
