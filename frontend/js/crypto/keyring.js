// The key lifecycle (docs/encryption.md, "The keyring"), run by the sync before each round trip. It registers
// this device, unwraps what the server holds for it, makes the personal key and the couple's current key
// when nobody has yet, and wraps every content key it holds for the devices that lack them. Loaded on
// demand by sync.js, never by the shell.
//
// Cheap when nothing changed: GET /api/keys's answer is kept, and asked again only when it is older than
// FRESH_MS (all ready), RETRY_MS (this phone waits for another to wrap for it, or a device of the couple
// waits for a key this phone holds) or PARTNER_MS (the partner has no device yet), or at once when the
// couple changed or the sync saw a key this phone lacks or a refusal about keys (invalidate()). While
// waiting, the sync comes back by itself after that time (recheck()): no other event says a device came.
//
// Two phones may make different keys for one key id at once: each wrapped copy carries a check (16 bytes of
// HMAC-SHA256(key, "hearth key check v1")); the server keeps the first and answers 409 key_exists to the
// other, whose phone drops its key before it ever used it (a key is kept only once the server took it)
// and waits for the winner's copy.
//
// A couple key from an invite link is checked before it is used (docs/encryption.md, "The fingerprint check"):
// the link names the inviter's device and its public key's fingerprint; the directory must list that device
// with that key, and the couple key the partner later wraps for this phone must be the link's. Until the
// device is seen this phone neither seals with the key nor wraps it for the partner's devices; on a mismatch
// it drops the key and refuses every couple key of that couple (coupleStatus() "mismatch").
//
// Keys go only to devices that proved their person set them up (docs/encryption.md, "The device proof";
// device-proof.js): the person's own devices whose proof was made with the personal key, the partner's whose
// proof was made with a couple key of this couple (or that the pairing vouched for). A device the server lists
// on its own proves nothing and gets nothing; a new phone of the person's gets its keys by the QR, the typed
// code or the recovery phrase, then proves itself. Each phone publishes its own proofs once it holds the keys.
import * as api from "../api.js";
import * as keystore from "./keystore.js";
import { encodeBase64url, exportRaw, fingerprint, newContentKey, unwrap, wrapFor } from "./primitives.js";
import { makeProof, proves } from "./device-proof.js";
import { hasEnvelopes, hasPlainWords, openBody, sealBody } from "./sealing.js";
import { alwaysPrivate } from "../kinds.js";

export { hasPlainWords };

const FRESH_MS = 3 * 60 * 1000;
const RETRY_MS = 10 * 1000; // this phone waits for a key, or a device of the couple waits for ours
const PARTNER_MS = 15 * 1000; // the partner has no device yet: when it comes, it waits for our couple key
const ITEMS_MAX = 20; // KEY_ITEMS_MAX: one PUT /api/keys/wrapped at most
const OWNER = "hearth-keys-owner"; // whose keys hearth-keys holds (localStorage)
const DONE = "hearth-keys-wrapped"; // "device|public key|key id" this phone wrapped and the server took
const COUPLES = "hearth-keys-couples"; // couple key id → the couple it is for (key ids restart per couple)
const LINK = "hearth-join-check"; // {keyId, device, fp}: what the invite link said, until checked
const DISTRUST = "hearth-keys-distrust"; // couple ids whose key did not match their invite link
const LISTED = "hearth-keys-listed"; // "user id|device id" once this device registered in the directory
const PROVEN = "hearth-keys-proven"; // couple ids where a partner's device proved itself to this phone
const VOUCHED = "hearth-keys-vouched"; // "couple|device|key": a partner's device the pairing vouched for
const CHECK_INFO = new TextEncoder().encode("hearth key check v1");

const RESEAL = "hearth-keys-reseal"; // a key arrived or was made: the recovery blob is sealed again (localStorage)
const ARRIVED = "hearth-keys-arrived"; // keys came by another way: what waited opens on the next round (localStorage)

let current = "offline";
let couplePart = null; // coupleStatus()
let cache = null; // {dir, at, user, couple, device}
let stale = true;
let lacking = false; // this phone lacks the keys its person already has elsewhere (missing())

/** Fires "change" (detail: the new state) when state() changes. */
export const events = new EventTarget();

/** "ready" (this phone holds the keys it writes with), "waiting" (for another phone, its own or the
 *  partner's, to wrap a key for it), "locked" (its personal key exists but no other device of this person
 *  can give it: the recovery words are needed), or "offline" (the key directory was not reached yet). */
export function state() {
  return current;
}

function setState(next) {
  if (next === current) return;
  current = next;
  events.dispatchEvent(new CustomEvent("change", { detail: next }));
}

/** This phone and the current couple's key: "ready" (held and trusted), "waiting" (for the partner's phone
 *  to wrap it for this one, or to see the invite link's device in the directory), "mismatch" (the link and
 *  the server disagree: no couple key of this couple is used), or null (no couple, or not asked yet). */
export function coupleStatus() {
  return couplePart;
}

/** What the invite link says the key and the inviter's device are: kept (before the join) for prepare(). */
export function expectInviter({ keyId, device, fp }) {
  writeJson(LINK, { keyId, device, fp });
}

/** The partners compared their safety codes on both phones and they matched (screens/keys.js): the couple whose
 *  invite link did not match the directory is trusted after all, as after a typed code, and the couple key the
 *  partner's phone wraps for this one is used from the next round on. `devices`: the partner's devices whose
 *  codes were compared; this phone may wrap the couple key for them. */
export function trustCouple(coupleId, devices = []) {
  writeJson(
    DISTRUST,
    readJson(DISTRUST, []).filter((id) => id !== coupleId),
  );
  localStorage.removeItem(LINK);
  for (const device of devices) vouch(coupleId, device);
  stale = true;
}

const vouchMark = (coupleId, device) => `${coupleId}|${device.device_id}|${device.public_key}`;

function vouch(coupleId, device) {
  writeJson(VOUCHED, [...new Set([...readJson(VOUCHED, []), vouchMark(coupleId, device)])]);
}

/** Ask the server again on the next round trip (a key id this phone lacks arrived, a put was refused). */
export function invalidate() {
  stale = true;
}

/** Whether this phone lacks keys its person already has elsewhere: their personal key was made by another
 *  device that is still registered, or is in their recovery blob (or this browser's own key pair was wiped),
 *  so what they wrote does not open here until another phone gives the keys or the recovery words unlock it
 *  (/keys/unlock). A brand-new person never lacks: their first phone makes the keys. */
export function missing() {
  return lacking;
}

/** Keys were stored on this phone by another way (the recovery words, another phone's code): the next round
 *  asks the server again and opens what waited for them. */
export function keysArrived() {
  localStorage.setItem(ARRIVED, "1"); // kept through a reload: the sealed entries are opened once
  stale = true;
}

/** What waited for a key was opened again (sync-keys.js): keys that came by another way are dealt with. */
export function reopened() {
  localStorage.removeItem(ARRIVED);
}

/** Seals the recovery blob again so it opens every key held here (recovery-flow.js resealRecovery), once a
 *  key arrived or was made; kept pending (localStorage) until the server took it, so an offline moment does
 *  not skip it. A phone that keeps no recovery key leaves it to the one that does (it receives the key too). */
async function reseal(userId) {
  if (!localStorage.getItem(RESEAL)) return;
  try {
    const { resealRecovery } = await import("./recovery-flow.js");
    await resealRecovery(userId);
    localStorage.removeItem(RESEAL);
  } catch (err) {
    if (!err.offline) console.warn("recovery reseal", err?.status); // i18n-ok: a developer's note
  }
}

const readJson = (name, empty) => {
  try {
    return JSON.parse(localStorage.getItem(name)) || empty;
  } catch {
    return empty;
  }
};
const writeJson = (name, value) => localStorage.setItem(name, JSON.stringify(value));

async function checkOf(key) {
  const mac = await crypto.subtle.importKey("raw", await exportRaw(key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return encodeBase64url(new Uint8Array(await crypto.subtle.sign("HMAC", mac, CHECK_INFO)).subarray(0, 16));
}

// What this phone wrapped for whom: a couple key's mark names its couple (key ids restart per couple).
const mark = (device, keyId, coupleId) =>
  `${device.device_id}|${device.public_key.slice(0, 22)}|${keyId}${keyId.startsWith("c") ? `|${coupleId}` : ""}`;

// The directory answers 404 for a device it does not list, which the browser logs as an error: a phone
// registers first (a no-op when listed) unless it remembers doing so for this person, and again on a 404
// (the device was removed meanwhile).
async function directory(deviceId, userId) {
  const ask = () => api.get(`/api/keys?device=${encodeURIComponent(deviceId)}`);
  const publicKey = await keystore.publicKeyRaw();
  const register = async () => {
    try {
      await api.post("/api/keys/devices", { device_id: deviceId, public_key: publicKey });
    } catch (err) {
      if (err.status !== 409 || err.reason !== "device_key_mismatch") throw err;
      // This browser's key pair was wiped while its device id stayed: the listed key is one nobody holds any
      // more. It goes as a removed device goes (with what was wrapped to it; the couple moves to its next key),
      // and this key takes its place, so that keys made from now on are wrapped for it too.
      await api.del(`/api/keys/devices/${encodeURIComponent(deviceId)}`);
      await api.post("/api/keys/devices", { device_id: deviceId, public_key: publicKey });
    }
    localStorage.setItem(LISTED, `${userId}|${deviceId}`);
  };
  if (localStorage.getItem(LISTED) !== `${userId}|${deviceId}`) await register();
  let dir;
  try {
    dir = await ask();
  } catch (err) {
    if (err.status !== 404) throw err;
    await register();
    return ask();
  }
  const self = dir.devices.find((d) => d.device_id === deviceId && d.user_id === userId);
  if (!self || self.public_key === publicKey) return dir;
  await register(); // listed with the key pair this browser held before its keys were wiped
  return ask();
}

/** PUT /api/keys/wrapped in slices. Returns false when the server kept another key for one of the ids. */
async function putWrapped(items, deviceId) {
  for (let at = 0; at < items.length; at += ITEMS_MAX) {
    try {
      await api.request("PUT", "/api/keys/wrapped", { items: items.slice(at, at + ITEMS_MAX), by_device: deviceId });
    } catch (err) {
      if (err.status === 409 && err.reason === "key_exists") return false;
      throw err;
    }
  }
  return true;
}

async function wrapItems(devices, keyId, key) {
  const check = await checkOf(key);
  return Promise.all(
    devices.map(async (d) => ({
      device_id: d.device_id,
      key_id: keyId,
      blob: await wrapFor(d.public_key, d.device_id, keyId, key),
      check,
    })),
  );
}

/** Makes a key nobody made yet and wraps it for `devices` (this one first); keeps it only once the server
 *  took it. Returns false when another phone's key won. */
async function make(keyId, devices, deviceId, coupleId) {
  const key = await newContentKey();
  if (!(await putWrapped(await wrapItems(devices, keyId, key), deviceId))) return false;
  await keystore.putContentKey(keyId, key);
  localStorage.setItem(RESEAL, "1");
  if (coupleId) writeJson(COUPLES, { ...readJson(COUPLES, {}), [keyId]: coupleId });
  const done = new Set(readJson(DONE, []));
  for (const d of devices) done.add(mark(d, keyId, coupleId));
  writeJson(DONE, [...done]);
  return true;
}

const distrusted = (coupleId) => !!coupleId && readJson(DISTRUST, []).includes(coupleId);

const sameBytes = (a, b) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** The invite link's check for couple `coupleId`: null (no link to check), "pending" (the inviter's device is
 *  not listed yet), "ok", or "mismatch" (the key was dropped, the couple is distrusted from now on). */
async function checkLink(dir, user, coupleId, privateKey, deviceId) {
  const link = readJson(LINK, null);
  if (!link || !coupleId) return null;
  if (link.keyId !== `c${dir.couple_epoch}`) {
    localStorage.removeItem(LINK); // another couple's link, or its epoch is over: nothing left to check
    return null;
  }
  let status = "ok";
  const theirs = dir.devices.filter((d) => d.user_id !== user.id);
  if (link.device) {
    const named = theirs.find((d) => d.device_id === link.device);
    // The server lists the partner's phones but not the one that made the link: someone put another in its place.
    if (!named && theirs.length) return refuse(link, coupleId);
    if (!named) status = "pending";
    else if ((await fingerprint(named.public_key)) !== link.fp) return refuse(link, coupleId);
    else vouch(coupleId, named); // the device that made the link: this phone may wrap for it
  }
  const copy = dir.wrapped.find((w) => w.key_id === link.keyId);
  const held = await keystore.contentKey(link.keyId);
  if (copy && held) {
    let given;
    try {
      given = await exportRaw(await unwrap(privateKey, deviceId, copy.key_id, copy.blob));
    } catch {
      return refuse(link, coupleId);
    }
    if (!sameBytes(given, await exportRaw(held))) return refuse(link, coupleId);
    if (status === "ok") localStorage.removeItem(LINK); // both checks passed: the key is the couple's
  }
  return status;
}

async function refuse(link, coupleId) {
  await keystore.dropContentKey(link.keyId);
  writeJson(DISTRUST, [...new Set([...readJson(DISTRUST, []), coupleId])]);
  localStorage.removeItem(LINK);
  return "mismatch";
}

/** The couple a couple key is for: the one it was made or received in (unknown: the current one). */
function coupleOf(keyId, coupleId) {
  return readJson(COUPLES, {})[keyId] ?? coupleId;
}

/**
 * The lifecycle, once per round trip (cheap when the cached answer is fresh). `user` and `couple` are
 * /api/me's. Resolves to {gained}: true when this phone now holds a key it lacked (re-open what waited).
 * Throws the ApiError of a failed request (offline: the sync says so).
 */
export function prepare(me) {
  return oneAtATime(() => round(me));
}

let turn = Promise.resolve();

/** One round at a time in this browser. Two at once (the sync's and the invite screen's, or two tabs') each
 *  found the personal or couple key missing, each made one, and the server refused the slower (409
 *  key_exists): wasted work and an error in the console. Web Locks queue the rounds of every tab of this
 *  origin; where a browser lacks them, this tab's rounds queue here. A round that waits behind another finds
 *  its keys made and, in the same tab, the directory's answer fresh. */
function oneAtATime(task) {
  if (globalThis.navigator?.locks) return navigator.locks.request("hearth-keyring", task);
  const run = turn.then(task, task);
  turn = run.catch(() => {});
  return run;
}

async function round({ deviceId, user, couple }) {
  const coupleId = couple?.id ?? null;
  const owner = localStorage.getItem(OWNER);
  if (owner !== user.id) {
    // Another account's keys (one browser, two people): key ids are per person and couple, so they go.
    if (owner) await forgetKeys();
    localStorage.setItem(OWNER, user.id);
    cache = null;
  }
  if (cache && !stale && cache.user === user.id && cache.couple === coupleId && Date.now() - cache.at < cache.every) {
    return { gained: false };
  }
  let dir;
  try {
    dir = await directory(deviceId, user.id);
  } catch (err) {
    if (err.offline) setState("offline");
    if (err.status === 409) {
      lacking = true;
      setState("locked"); // device_key_mismatch again: another tab registered its key pair meanwhile
    }
    throw err;
  }
  stale = false;
  const known = coupleId && dir.couple_epoch ? coupleId : null;
  // A former couple's keys stay: each couple's first epoch is random (the server's first_key_epoch), so its
  // ids never meet this couple's, and the author's own old shared entries still open after a resync.
  let gained = !!localStorage.getItem(ARRIVED); // cleared by reopened(), once what waited was opened
  const { privateKey } = await keystore.deviceKeys();
  const link = await checkLink(dir, user, known, privateKey, deviceId);
  const refused = distrusted(known);
  for (const w of dir.wrapped) {
    if (refused && w.key_id.startsWith("c")) continue; // the link and the server disagree: none of this couple's
    if (await keystore.contentKey(w.key_id)) continue;
    try {
      await keystore.putContentKey(w.key_id, await unwrap(privateKey, deviceId, w.key_id, w.blob));
    } catch (err) {
      console.warn("a wrapped key did not open", w.key_id, err?.name); // i18n-ok: a developer's note
      continue;
    }
    if (w.key_id.startsWith("c")) writeJson(COUPLES, { ...readJson(COUPLES, {}), [w.key_id]: known });
    localStorage.setItem(RESEAL, "1");
    gained = true;
  }

  const self = dir.devices.find((d) => d.device_id === deviceId && d.user_id === user.id);
  if (!self) return { gained }; // registered a moment ago and not listed yet: the next round
  const own = [self, ...dir.devices.filter((d) => d.user_id === user.id && d !== self)];
  const coupleTo = refused ? "none" : link === "pending" ? "own" : "all";
  const trust = await trusted(dir, user, self, known, coupleTo);
  const personal = `p${dir.personal_epoch}`;
  if (!(await keystore.contentKey(personal))) await make(personal, [self, ...trust.own], deviceId, null);
  const coupleKey = known ? `c${dir.couple_epoch}` : null;
  // A device of the couple that is not `waiting` holds the current couple key: it exists, and that device
  // wraps it for this one. Making another would only be refused (409 key_exists, an error in the console).
  const held = dir.devices.some((d) => d !== self && !dir.waiting.includes(d.device_id));
  if (coupleKey && !refused && !link && !held && !(await keystore.contentKey(coupleKey))) {
    await make(coupleKey, [self, ...trust.own, ...trust.partner], deviceId, known);
  }

  await wrapForOthers(dir, deviceId, known, trust, coupleTo);

  const hasPersonal = !!(await keystore.contentKey(personal));
  const holdsCouple = !!coupleKey && !!(await keystore.contentKey(coupleKey));
  if (!coupleKey) couplePart = null;
  else if (refused) couplePart = "mismatch";
  else couplePart = holdsCouple && link !== "pending" ? "ready" : "waiting";
  const hasCouple = !coupleKey || couplePart === "ready";
  // Another device made it (the server kept its check) and it lives on: on another device of theirs, or in the
  // recovery blob. (All gone, and no phrase: nothing could unlock this phone, and the person was warned.)
  lacking = !hasPersonal && (own.length > 1 || dir.recovery === true);
  await reseal(user.id);
  await publishProofs(self, dir, known, coupleTo);
  // Without the personal key nothing comes by itself: no phone wraps it for a device that cannot prove itself.
  if (hasPersonal && hasCouple) setState("ready");
  else if (!hasPersonal) setState("locked");
  else setState("waiting");
  const partnerless = known && !dir.devices.some((d) => d.user_id !== user.id);
  // Devices this phone serves that wait for the current couple key (one that proves nothing waits in vain).
  const serves = new Set([deviceId, ...[...trust.own, ...trust.partner].map((d) => d.device_id)]);
  let every = FRESH_MS;
  if (refused)
    every = FRESH_MS; // nothing to wait for: the person compares the safety code
  else if (current !== "ready" || (known && dir.waiting.some((id) => serves.has(id)))) every = RETRY_MS;
  else if (partnerless) every = PARTNER_MS;
  cache = { dir, at: Date.now(), user: user.id, couple: coupleId, every };
  return { gained };
}

/** How soon the sync should come back for the keys' sake (ms), or null: nothing is waiting. */
export function recheck() {
  return cache && cache.every < FRESH_MS ? cache.every : null;
}

/** The devices besides this one that this phone may wrap keys for (docs/encryption.md, "The device proof"):
 *  `own`, the person's, whose personal proof checks out with a personal key held here (they get personal and
 *  couple keys); `partner`, the partner's (couple keys only, and none when `coupleTo` is "own" or "none"),
 *  whose couple proof checks out with a couple key of this couple held here (any epoch: a new couple key still
 *  reaches them), or that the pairing vouched for (the invite link's device, the safety codes compared), or,
 *  while none of the partner's has proven itself to this phone and the couple has had one key, any of theirs:
 *  the partner's first phone after a typed code, which the safety code covers. */
async function trusted(dir, user, self, coupleId, coupleTo) {
  const { personalKeys, coupleKeys } = await heldKeys(dir, coupleId);
  const own = [];
  const theirs = [];
  for (const device of dir.devices) {
    if (device === self) continue;
    if (device.user_id !== user.id) theirs.push(device);
    else if (await proves(device.personal_proof, device, personalKeys)) own.push(device);
  }
  const partner = [];
  // `keys`: what the judgement was made with, and all that may be wrapped for these devices in this round. A key
  // that arrives meanwhile (a code or the phrase typed while the round runs) waits for the next round's judgement:
  // a phone that held no couple key trusted the partner's unproven devices as a first pairing, and wrapped the
  // one that had just arrived for a device the server added.
  const keys = { ...personalKeys, ...coupleKeys };
  if (!coupleId || coupleTo !== "all") return { own, partner, keys };
  let proven = readJson(PROVEN, []).includes(coupleId);
  const unproven = [];
  for (const device of theirs) {
    if (await proves(device.couple_proof, device, coupleKeys)) partner.push(device);
    else unproven.push(device);
  }
  if (partner.length && !proven) {
    writeJson(PROVEN, [...readJson(PROVEN, []), coupleId]);
    proven = true;
  }
  const vouched = new Set(readJson(VOUCHED, []));
  const firstKey = Object.keys(coupleKeys).length <= 1;
  for (const device of unproven) {
    if (vouched.has(vouchMark(coupleId, device)) || (!proven && firstKey)) partner.push(device);
  }
  return { own, partner, keys };
}

/** The content keys held here that may vouch for a device: {personalKeys, coupleKeys} (this couple's, up to its
 *  current epoch), each {keyId: CryptoKey}. */
async function heldKeys(dir, coupleId) {
  const personalKeys = {};
  const coupleKeys = {};
  for (const [keyId, key] of Object.entries(await keystore.contentKeys())) {
    const epoch = Number(keyId.slice(1));
    if (keyId.startsWith("p")) {
      if (epoch <= dir.personal_epoch) personalKeys[keyId] = key;
    } else if (coupleId && coupleOf(keyId, coupleId) === coupleId && epoch <= dir.couple_epoch) {
      coupleKeys[keyId] = key;
    }
  }
  return { personalKeys, coupleKeys };
}

/** Publishes this device's proofs: with the newest personal key it holds, and (unless the invite link's check
 *  is pending or failed) the newest couple key of this couple it holds, an older one too: a phone that waits for
 *  the current key proves itself with the one before, so the phone that has the new key wraps it for this one.
 *  A proof is the same bytes every time: only a changed one is sent. */
async function publishProofs(self, dir, coupleId, coupleTo) {
  const newest = (keys) => Object.keys(keys).sort((x, y) => Number(y.slice(1)) - Number(x.slice(1)))[0];
  const { personalKeys, coupleKeys } = await heldKeys(dir, coupleId);
  const body = {};
  for (const [field, name, keys] of [
    ["personal", "personal_proof", personalKeys],
    ["couple", "couple_proof", coupleTo === "all" ? coupleKeys : {}],
  ]) {
    const keyId = newest(keys);
    if (!keyId) continue;
    const proof = await makeProof(self, keyId, keys[keyId]);
    if (self[name] !== proof) body[field] = proof;
  }
  if (!Object.keys(body).length) return;
  try {
    const { device } = await api.request("PUT", `/api/keys/devices/${encodeURIComponent(self.device_id)}/proof`, body);
    Object.assign(self, device);
  } catch (err) {
    if (err.status !== 404) throw err;
    stale = true; // removed meanwhile: the next round registers it again
  }
}

/** Wraps each content key this phone holds for each device of `trust` (trusted()) that has no
 *  copy from us yet (own devices: personal and couple keys; the partner's: couple keys of this couple, every
 *  epoch, so a new device reads the history). A device still `waiting` for the current couple key gets it
 *  again. Couple keys go nowhere when `coupleTo` is "none" (the invite link's check failed). */
async function wrapForOthers(dir, deviceId, coupleId, trust, coupleTo) {
  const held = trust.keys;
  const done = new Set(readJson(DONE, []));
  const items = [];
  const marks = [];
  for (const device of [...trust.own, ...trust.partner]) {
    const own = trust.own.includes(device);
    for (const [keyId, key] of Object.entries(held)) {
      const couple = keyId.startsWith("c");
      if (!couple && !own) continue;
      if (couple && (!coupleId || coupleOf(keyId, coupleId) !== coupleId)) continue;
      if (couple && coupleTo === "none") continue; // the link and the server disagree: no couple key goes
      if (couple && Number(keyId.slice(1)) > dir.couple_epoch) continue;
      if (!couple && Number(keyId.slice(1)) > dir.personal_epoch) continue;
      const again = keyId === `c${dir.couple_epoch}` && dir.waiting.includes(device.device_id);
      if (done.has(mark(device, keyId, coupleId)) && !again) continue;
      items.push(...(await wrapItems([device], keyId, key)));
      marks.push(mark(device, keyId, coupleId));
    }
  }
  for (let at = 0; at < items.length; at += ITEMS_MAX) {
    let slice = items.slice(at, at + ITEMS_MAX);
    let names = marks.slice(at, at + ITEMS_MAX);
    try {
      if (!(await putWrapped(slice, deviceId))) {
        stale = true; // a key this phone holds is not the one the server kept: ask again next time
        continue;
      }
    } catch (err) {
      if (err.status !== 422) throw err;
      // Some copies the server will not take (a device that went meanwhile): those not again, the rest now.
      const refused = new Set(Object.keys(err.codes?.items || {}).map(Number));
      for (const n of refused) done.add(names[n]);
      slice = slice.filter((_, n) => !refused.has(n));
      names = names.filter((_, n) => !refused.has(n));
      if (!slice.length || !(await putWrapped(slice, deviceId))) continue;
    }
    for (const m of names) done.add(m);
  }
  writeJson(DONE, [...done]);
}

/** Wipes every key of this phone and what the keyring remembered about them (logging out, another account). */
export async function forgetKeys() {
  await keystore.forget();
  for (const name of [DONE, COUPLES, RESEAL, ARRIVED]) localStorage.removeItem(name);
  cache = null;
  lacking = false;
}

/** The key to open an envelope of `keyId` in an entry of couple `entryCouple`, or null (not held here). */
export async function keyFor(keyId, entryCouple) {
  if (keyId.startsWith("c") && entryCouple && coupleOf(keyId, entryCouple) !== entryCouple) return null;
  if (keyId.startsWith("c") && distrusted(entryCouple)) return null;
  return keystore.contentKey(keyId);
}

/** {keyId, key} to seal a put with, or null while this phone lacks it: the couple's current key for what
 *  the partner may read, the personal key for the rest (private, a journal, outside any couple). */
export async function sealingKey(entry, coupleId) {
  if (!cache) return null;
  const shared = entry.visibility === "shared" && !alwaysPrivate(entry.kind) && coupleId;
  if (shared && (cache.couple !== coupleId || !cache.dir.couple_epoch || couplePart !== "ready")) return null;
  const keyId = shared ? `c${cache.dir.couple_epoch}` : `p${cache.dir.personal_epoch}`;
  const key = await keystore.contentKey(keyId);
  return key ? { keyId, key } : null;
}

/** A queued put with its words sealed (its entry unchanged on this phone), or null while the key is missing. */
export async function sealPut(entry, coupleId) {
  const found = await sealingKey(entry, coupleId);
  if (!found) return null;
  return { ...entry, body: await sealBody(entry.id, entry.kind, entry.body, found.keyId, found.key) };
}

/**
 * An entry as it arrived, opened: its words in plaintext; or kept as it came with `sealed` (the key id this
 * phone lacks: opened once it arrives), or `tampered` (an envelope that does not open: never shown).
 * `clear`: the server holds its words in plaintext still (an entry from before sealing: moved later).
 * `found`: a Map the caller keeps across a batch (a sync page), so each key is read from the keystore once
 * for the batch, not once per envelope.
 */
export async function openEntry(entry, found = null) {
  if (!entry || entry.deleted || !entry.body) return entry;
  const { sealed, tampered, clear, ...rest } = entry;
  if (!hasEnvelopes(entry.kind, entry.body)) {
    return hasPlainWords(entry.kind, entry.body) ? { ...rest, clear: true } : rest;
  }
  const key = (keyId) => {
    if (!found) return keyFor(keyId, entry.couple_id);
    const at = `${keyId} ${entry.couple_id}`;
    if (!found.has(at)) found.set(at, keyFor(keyId, entry.couple_id));
    return found.get(at);
  };
  const opened = await openBody(entry, key);
  if (opened.status === "open") return { ...rest, body: opened.body };
  if (opened.status === "sealed") {
    stale = true; // perhaps a key the server has for us by now
    return { ...rest, sealed: opened.keyId };
  }
  return { ...rest, tampered: true };
}
