// The couple key in the invite link (issue 15, "Pairing by link or QR"): the inviter's phone puts the raw
// couple key of its couple's current epoch in the link's fragment, with its own device id and its public key's
// fingerprint, `#ck=<base64url raw key>&e=<epoch>&d=<device id>&fp=<fingerprint>`, which a browser never sends
// to a server; the joiner's phone keeps the key and what to check before it joins (the keyring checks the
// directory's device key and the wrapped couple key against them: crypto/keyring.js). Loaded on demand.
import * as api from "../api.js";
import { store } from "../store.js";
import { clientId } from "../sync.js";
import * as ring from "./keyring.js";
import { contentKey, publicKeyRaw, putContentKey } from "./keystore.js";
import { encodeBase64url, exportRaw, fingerprint, importRaw } from "./primitives.js";

export const JOIN_KEY = "hearth-join-key"; // sessionStorage: the fragment, from the link until the join

/** `#ck=…&e=…&d=…&fp=…` for the inviter's couple `coupleId`: its current epoch's key as the keyring holds it. The
 * keyring makes it when nobody has (and the server keeps its check first), so the key in the link is the one
 * the joiner's phone is wrapped later: a key made here alone could lose to one the joiner's phone makes. A couple's
 * first epoch is random (the server's `first_key_epoch`), so `c<epoch>` is this couple's, never a former one's.
 * "" while this phone has no couple key (the link then works as a typed code does). */
export async function inviteFragment(coupleId) {
  if (!coupleId || store.couple?.id !== coupleId) return "";
  const device = await clientId();
  ring.invalidate();
  await ring.prepare({ deviceId: device, user: store.user, couple: store.couple });
  const { couple_epoch: epoch } = await api.get("/api/keys");
  if (!Number.isInteger(epoch) || epoch < 1) return "";
  const key = await contentKey(`c${epoch}`);
  if (!key) return "";
  const print = await fingerprint(await publicKeyRaw());
  return `#ck=${encodeBase64url(await exportRaw(key))}&e=${epoch}&d=${device}&fp=${print}`;
}

/** {keyId, key, device, fp} from a fragment `ck=…&e=…&d=…&fp=…` (with or without "#"), or null when it is
 *  not one. `device` and `fp` are null in a link that does not name the inviter's device. */
export async function readFragment(fragment) {
  const params = new URLSearchParams(String(fragment || "").replace(/^#/, ""));
  const epoch = params.get("e");
  if (!params.get("ck") || !/^[1-9][0-9]{0,8}$/.test(epoch || "")) return null;
  const named = /^[A-Za-z0-9_-]{22}$/.test(params.get("fp") || "") && /^[0-9a-f-]{36}$/.test(params.get("d") || "");
  try {
    return {
      keyId: `c${epoch}`,
      key: await importRaw(params.get("ck")),
      device: named ? params.get("d") : null,
      fp: named ? params.get("fp") : null,
    };
  } catch {
    return null;
  }
}

/** Keeps the link's couple key on this phone, and what the keyring checks it by; the keyId kept, or null (no
 * key in it). KeyConflictError when this phone already holds another key under that id. */
export async function keepInviteKey(fragment) {
  const found = await readFragment(fragment);
  if (!found) return null;
  ring.expectInviter(found);
  await putContentKey(found.keyId, found.key);
  return found.keyId;
}

/** The joiner keeps the link's couple key (main.js kept the fragment) before joining. Never throws: a phone
 * that can't (no IndexedDB, another key under that id) joins all the same and gets the key wrapped later. */
export async function keepJoinKey() {
  const fragment = sessionStorage.getItem(JOIN_KEY);
  sessionStorage.removeItem(JOIN_KEY);
  if (!fragment) return null;
  try {
    return await keepInviteKey(fragment);
  } catch {
    return null;
  }
}

/** The invite link with the couple key in its fragment; the bare link when this phone can't add one. */
export async function linkWithKey(url, coupleId) {
  try {
    return url + (await inviteFragment(coupleId));
  } catch {
    return url;
  }
}
