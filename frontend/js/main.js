// Starts Hearth: the first screen from IndexedDB, then the network.
import { store } from "./store.js";
import * as sync from "./sync.js";
import * as live from "./live.js";
import * as router from "./router.js";
import * as status from "./parts/status.js";
import { registerWorker } from "./update.js";
import * as push from "./push.js";
import { loadLanguage, t } from "./i18n.js";
import * as install from "./install.js";

install.capture(); // the browser's install offer comes once, early: kept for parts/install-offer.js
// After a share, notifications may be offered (never at launch); the offer loads only then.
document.addEventListener("hearth:shared", () => import("./parts/notify-ask.js").then((m) => m.afterShare()));

// Key material in a link's fragment, never sent to a server: an invite's couple key (#ck=) or a second device's
// secret (/keys/add#t=), kept in this tab through a login (crypto/invite-key.js, screens/keys.js).
function keepFragment() {
  const kind = /^#(ck|t)=/.exec(location.hash)?.[1];
  if (!kind) return;
  sessionStorage.setItem(kind === "ck" ? "hearth-join-key" : "hearth-transfer", location.hash.slice(1));
  history.replaceState(null, "", location.pathname + location.search);
}

async function start() {
  keepFragment();
  const words = loadLanguage(); // downloads while IndexedDB opens
  await store.load();
  await words; // before /api/me: setMe compares the account's language with the phone's
  if (!store.user) await store.refreshMe(); // a wiped database with a live session resyncs from 0
  router.start();
  push.start();
  status.mount();
  registerWorker();
  if (navigator.storage?.persist) navigator.storage.persist().catch(() => {});
  store.addEventListener("change", (event) => {
    if (event.detail === "keywait" && location.pathname === "/") router.render(); // the couple key's wait began or ended
    if (event.detail !== "couple") return;
    if (store.user && !store.couple) sync.unpaired();
    router.render();
    sync.schedule(0);
    if (store.user) push.resend(store.user.id);
  });
  sync.start();
  live.start(); // the partner's changes arrive by themselves while the app is open
  if (store.user) store.refreshMe().then(() => store.user && push.resend(store.user.id));
  if (store.user) store.flushPrefs().catch(() => {}); // settings chosen offline last time
  window.addEventListener("online", () => store.user && store.flushPrefs().catch(() => {}));
}

start().catch((err) => {
  const view = document.getElementById("view");
  view.textContent = `${t("app.start_failed")} `;
  view.append(String(err?.message ? err.message : err));
});
