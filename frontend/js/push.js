// Web Push on this device: permission only from a tap, subscribe with the server's key, tell the
// server, re-send at every start (the server upserts by endpoint), unsubscribe on switch-off and log-out.
import * as api from "./api.js";
import * as db from "./db.js";
import { store } from "./store.js";

const SUBSCRIBE_TIMEOUT = 20000; // Chromium without its push service (FCM) never answers
const BADGE_CACHE = "hearth-badge"; // the worker's count of unseen partner pushes (service-worker.js)

/** Why push could not be turned on; `reason` picks the sentence the screen shows. */
export class PushError extends Error {
  constructor(reason, cause = null) {
    super(reason);
    this.reason = reason; // "denied" | "dismissed" | "no-keys" | "push-service" | "server"
    this.cause = cause;
  }
}

export function supported() {
  return "serviceWorker" in navigator && "PushManager" in window && window.Notification !== undefined;
}

export function permission() {
  return window.Notification !== undefined ? Notification.permission : "unsupported";
}

/** iOS and iPadOS only offer Web Push to an app opened from the Home Screen. */
export function needsHomeScreen() {
  const ios =
    /iPad|iPhone|iPod/.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  const standalone = navigator.standalone === true || matchMedia("(display-mode: standalone)").matches;
  return ios && !standalone;
}

async function registration() {
  const timeout = new Promise((resolve) => setTimeout(() => resolve(null), 10000));
  return Promise.race([navigator.serviceWorker.ready, timeout]);
}

async function current() {
  const reg = await registration();
  return reg ? reg.pushManager.getSubscription() : null;
}

/** "ios-install" | "unsupported" | "blocked" | "on" | "off" — what the Settings switch shows. */
export async function state(userId) {
  if (needsHomeScreen()) return "ios-install";
  if (!supported()) return "unsupported";
  if (permission() === "denied") return "blocked";
  if (permission() !== "granted") return "off";
  const subscription = await current().catch(() => null);
  return subscription && (await db.getMeta("push_user")) === userId ? "on" : "off";
}

function keyBytes(base64url) {
  const text = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const had = subscription.options?.applicationServerKey;
  if (!had) return true;
  const a = new Uint8Array(had);
  return a.length === key.length && a.every((byte, i) => byte === key[i]);
}

/** POST the subscription (PushSubscription or anything with toJSON()) for the signed-in user. */
export async function send(subscription, userId) {
  const { endpoint, keys } = subscription.toJSON();
  await api.post("/api/push/subscriptions", { endpoint, keys });
  await db.setMeta("push_user", userId);
}

/** Must run from a tap: asks permission, subscribes with the server's key, tells the server. */
export async function enable(userId) {
  const answer = await Notification.requestPermission();
  if (answer !== "granted") throw new PushError(answer === "denied" ? "denied" : "dismissed");
  let key;
  try {
    key = keyBytes((await api.get("/api/push/key")).public_key);
  } catch (err) {
    throw new PushError(err.status === 503 ? "no-keys" : "server", err);
  }
  const reg = await registration();
  if (!reg) throw new PushError("push-service");
  let subscription = await reg.pushManager.getSubscription();
  if (subscription && !sameKey(subscription, key)) {
    // the server's key was replaced
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), SUBSCRIBE_TIMEOUT));
    try {
      subscription = await Promise.race([
        reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
        timeout,
      ]);
    } catch (err) {
      throw new PushError("push-service", err);
    }
  }
  try {
    await send(subscription, userId);
  } catch (err) {
    if (err.status !== 409) throw new PushError("server", err);
    // 409: another account still signed in on this browser holds this subscription. A fresh one is
    // ours alone (the old endpoint dies, and the server drops it at the push service's 404/410).
    await subscription.unsubscribe().catch(() => {});
    try {
      subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch (e) {
      throw new PushError("push-service", e);
    }
    await send(subscription, userId).catch((e) => {
      throw new PushError("server", e);
    });
  }
}

/** Switch-off: the browser forgets the subscription, then the server does. If the DELETE cannot
 *  reach the server, the endpoint is dead anyway: the push service's 404/410 makes the server drop it. */
export async function disable() {
  const subscription = await current();
  await db.del("meta", "push_user");
  if (!subscription) return;
  const { endpoint } = subscription;
  await subscription.unsubscribe();
  await api.del("/api/push/subscriptions", { endpoint }).catch(() => {});
}

/** At start: the server may have dropped it (a 410 from the push service, a new key): send it again. */
export async function resend(userId) {
  if (!supported() || permission() !== "granted" || !userId) return;
  if ((await db.getMeta("push_user")) !== userId) return; // someone else turned it on; not ours to move
  const subscription = await current().catch(() => null);
  if (subscription) await send(subscription, userId).catch(() => {}); // offline: the next start tries again
}

/** Log-out: this browser stops receiving pushes (the server drops the row with the session). */
export async function forget() {
  if (!supported()) return;
  const subscription = await current().catch(() => null);
  if (subscription) await subscription.unsubscribe().catch(() => {});
}

/** The app is open and seen: nothing is unseen any more. */
export function clearBadge() {
  if (navigator.clearAppBadge) navigator.clearAppBadge().catch(() => {});
  if ("caches" in self) caches.delete(BADGE_CACHE).catch(() => {});
}

// "Share now" on the daily nudge lands on /?share=1: open Today's composer, even after a first share.
// The disclosure card offers compose() (parts/disclose.js): nothing here depends on what a button says.
function openComposerIfAsked() {
  if (new URL(location.href).searchParams.get("share") !== "1" || !store.couple) return;
  history.replaceState(null, "", "/");
  const card = document.getElementById("view").querySelector('[data-card="disclosure"]');
  if (!card) return;
  if (card.compose) card.compose();
  const text = card.querySelector("form textarea");
  if (text) {
    text.scrollIntoView({ block: "center" });
    text.focus({ preventScroll: true });
  }
}

/** Page side of notifications, once the router runs: the badge and the "Share now" landing. */
export function start() {
  openComposerIfAsked();
  clearBadge();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") clearBadge();
  });
  navigator.serviceWorker?.addEventListener("message", (event) => {
    // after the router's own listener
    if (event.data && event.data.type === "NAVIGATE") openComposerIfAsked();
  });
}
