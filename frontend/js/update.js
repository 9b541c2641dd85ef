// The service worker: register it, and when a new version waits, offer "Update".
// The outbox is in IndexedDB, so reloading into the new version loses nothing.
import { showUpdate } from "./parts/status.js";

export function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  let asked = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (asked) {
      asked = false;
      location.reload();
    }
  });
  navigator.serviceWorker
    .register("/service-worker.js", { scope: "/", updateViaCache: "none" })
    .then((registration) => {
      const offer = (worker) =>
        showUpdate(() => {
          asked = true;
          worker.postMessage({ type: "SKIP_WAITING" });
        });
      if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        if (!worker) return;
        worker.addEventListener("statechange", () => {
          if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
        });
      });
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") registration.update().catch(() => {});
      });
    })
    .catch(() => {
      /* no worker: the app still works online */
    });
}
