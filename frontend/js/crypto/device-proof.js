// A device's proof that its person set it up (docs/encryption.md, "The device proof"): an HMAC-SHA256 over a
// fixed label, the user id, the device id and its public key, under a key derived (HKDF-SHA256) from a content
// key: the personal key for the person's own phones, a couple key for the partner's. Only a phone that holds
// that key can make one, so the server, which never does, cannot vouch for a device it lists on its own. The
// keyring wraps keys only for devices whose proof checks out. Written `<key id>.<base64url of the 32 bytes>`;
// tests/e2e_crypto.py device_proof makes the same bytes. Loaded on demand, never by the shell.
import { decodeBase64url, encodeBase64url, exportRaw, KEY_ID } from "./primitives.js";

const LABEL = "hearth device proof v1";
const utf8 = new TextEncoder();

async function macKey(contentKey, keyId, usage) {
  const material = await crypto.subtle.importKey("raw", await exportRaw(contentKey), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8.encode(`${LABEL}|${keyId}`) },
    material,
    { name: "HMAC", hash: "SHA-256", length: 256 },
    false,
    [usage],
  );
}

const message = (device) => utf8.encode(`${LABEL}|${device.user_id}|${device.device_id}|${device.public_key}`);

/** The proof for `device` ({user_id, device_id, public_key}) under content key `keyId`. */
export async function makeProof(device, keyId, contentKey) {
  const mac = await crypto.subtle.sign("HMAC", await macKey(contentKey, keyId, "sign"), message(device));
  return `${keyId}.${encodeBase64url(new Uint8Array(mac))}`;
}

/** Whether `proof` (a directory entry's personal_proof or couple_proof) is one for `device` under one of
 *  `keys` ({keyId: CryptoKey}, the keys that may vouch for it). Anything malformed is no proof. */
export async function proves(proof, device, keys) {
  if (typeof proof !== "string") return false;
  const [keyId, mac, ...rest] = proof.split(".");
  if (rest.length || !KEY_ID.test(keyId || "") || !keys[keyId]) return false;
  let bytes;
  try {
    bytes = decodeBase64url(mac);
  } catch {
    return false;
  }
  if (bytes.length !== 32) return false;
  return crypto.subtle.verify("HMAC", await macKey(keys[keyId], keyId, "verify"), bytes, message(device));
}
