// A second device of the same person (issue 15, "A second device"): the phone that holds the keys draws a
// random 128-bit transfer secret, seals its content keys with it in the recovery blob's form (`r1.`, the
// secret in place of the phrase's entropy) and stores that in the server's one transfer slot
// (/api/keys/transfer, TRANSFER_MINUTES). The secret travels only in the URL's fragment
// (`/keys/add#t=<base64url>`, shown as a QR code) or as a typed code: a browser never sends a fragment,
// so the server holds a blob it cannot open. Loaded on demand, never by the shell.
import * as api from "../api.js";
import { contentKeys } from "./keystore.js";
import { decodeBase64url, encodeBase64url } from "./primitives.js";
import { openRecovery, sealRecovery } from "./recovery.js";
import { storeKeys } from "./recovery-flow.js";

const SECRET_BYTES = 16;
// Crockford's base32: no I, L, O, U, so a typed code is hard to misread.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A code that is not one (mistyped, or cut short). */
export class CodeError extends Error {
  constructor() {
    super("transfer_code");
    this.name = "CodeError";
    this.code = "transfer_code";
  }
}

/** Thrown when the slot is empty: it expired, was used, or was never made. */
export class NoTransferError extends Error {
  constructor() {
    super("no_transfer");
    this.name = "NoTransferError";
    this.code = "no_transfer";
  }
}

async function check(secret) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", secret));
  return (digest[0] << 2) | (digest[1] >> 6); // 10 bits: two more characters
}

/** The typed form of a secret: 26 characters for its 128 bits (2 spare bits zero) and 2 for a 10-bit SHA-256
 * check, in seven groups of four ("7K3M Q9XA …": a line may break between them). */
export async function secretToCode(secret) {
  let bits = 0n;
  for (const byte of secret) bits = (bits << 8n) | BigInt(byte);
  bits = (bits << 2n) | 0n; // 130 bits: 26 characters
  bits = (bits << 10n) | BigInt(await check(secret));
  let text = "";
  for (let i = 27; i >= 0; i--) text += ALPHABET[Number((bits >> BigInt(5 * i)) & 31n)];
  return text.match(/.{4}/g).join(" ");
}

/** The secret a typed code stands for; CodeError when it is not one (case, spaces and dashes don't matter,
 * and O reads as 0, I and L as 1). */
export async function codeToSecret(code) {
  const clean = String(code)
    .toUpperCase()
    .replace(/[\s-]+/g, "")
    .replace(/O/g, "0")
    .replace(/[IL]/g, "1");
  if (clean.length !== 28) throw new CodeError();
  let bits = 0n;
  for (const ch of clean) {
    const at = ALPHABET.indexOf(ch);
    if (at < 0) throw new CodeError();
    bits = (bits << 5n) | BigInt(at);
  }
  const checkBits = Number(bits & 1023n);
  bits >>= 10n;
  if ((bits & 3n) !== 0n) throw new CodeError();
  bits >>= 2n;
  const secret = new Uint8Array(SECRET_BYTES);
  for (let i = SECRET_BYTES - 1; i >= 0; i--) {
    secret[i] = Number(bits & 255n);
    bits >>= 8n;
  }
  if ((await check(secret)) !== checkBits) throw new CodeError();
  return secret;
}

/** The secret in a `#t=` fragment, or null. */
export function secretFromFragment(hash) {
  const found = /^#?t=([A-Za-z0-9_-]{22})$/.exec(hash || "");
  if (!found) return null;
  try {
    const secret = decodeBase64url(found[1]);
    return secret.length === SECRET_BYTES ? secret : null;
  } catch {
    return null;
  }
}

/** On the phone with the keys: seals them for a new device and stores the blob. {url, code, expiresAt}. */
export async function startTransfer(userId) {
  const secret = globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES));
  const blob = await sealRecovery(secret, userId, await contentKeys());
  const { expires_at: expiresAt } = await api.request("PUT", "/api/keys/transfer", { blob });
  return {
    url: `${location.origin}/keys/add#t=${encodeBase64url(secret)}`,
    code: await secretToCode(secret),
    expiresAt,
  };
}

/** Takes the slot back (the person closed the screen before the new device came). */
export function cancelTransfer() {
  return api.del("/api/keys/transfer");
}

/** On the new device: fetches the blob, opens it with the secret, stores the keys, empties the slot.
 * {stored, conflicts}; NoTransferError, TamperedError (the code of another transfer), ApiError. */
export async function receiveTransfer(userId, secret) {
  const { blob } = await api.get("/api/keys/transfer");
  if (!blob) throw new NoTransferError();
  const result = await storeKeys(await openRecovery(secret, userId, blob));
  await api.del("/api/keys/transfer").catch(() => {}); // it expires anyway
  return result;
}
