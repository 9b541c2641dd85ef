// The couple key in the invite link (issue 15, "Pairing by link or QR"): the inviter's phone puts the raw
// couple key of its couple's current epoch in the link's fragment, `#ck=<base64url raw key>&e=<epoch>`,
// which a browser never sends to a server; the joiner's phone keeps it before it joins. Loaded on demand.
import * as api from "../api.js";
import { contentKey, putContentKey } from "./keystore.js";
import { encodeBase64url, exportRaw, importRaw, newContentKey } from "./primitives.js";

export const JOIN_KEY = "hearth-join-key"; // sessionStorage: the fragment, from the link until the join

/** `#ck=…&e=…` for the inviter's couple `coupleId`: its current epoch's key, made (and kept) when this phone
 * has none. A couple's first epoch is random (the server's `first_key_epoch`), so the `c<epoch>` this phone
 * holds is this couple's, never a former couple's. */
export async function inviteFragment(coupleId) {
  const { couple_epoch: epoch } = await api.get("/api/keys");
  if (!coupleId || !Number.isInteger(epoch) || epoch < 1) return "";
  const keyId = `c${epoch}`;
  let key = await contentKey(keyId);
  if (!key) {
    await putContentKey(keyId, await newContentKey()).catch(() => {}); // another tab may have won
    key = await contentKey(keyId); // the keystore's key is the one to send
  }
  return `#ck=${encodeBase64url(await exportRaw(key))}&e=${epoch}`;
}

/** {keyId, key} from a fragment `ck=…&e=…` (with or without "#"), or null when it is not one. */
export async function readFragment(fragment) {
  const params = new URLSearchParams(String(fragment || "").replace(/^#/, ""));
  const epoch = params.get("e");
  if (!params.get("ck") || !/^[1-9][0-9]{0,8}$/.test(epoch || "")) return null;
  try {
    return { keyId: `c${epoch}`, key: await importRaw(params.get("ck")) };
  } catch {
    return null;
  }
}

/** Keeps the link's couple key on this phone; the keyId kept, or null (no key in it). KeyConflictError when
 * this phone already holds another key under that id. */
export async function keepInviteKey(fragment) {
  const found = await readFragment(fragment);
  if (!found) return null;
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
