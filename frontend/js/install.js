// The browser's own install offer (beforeinstallprompt, where the browser has it): kept from the start
// of the page, so Hearth can offer installing at a calm moment (parts/install-offer.js) instead.
let deferred = null;

export function capture() {
  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault(); // no banner of the browser's own at launch
    deferred = event;
    document.dispatchEvent(new CustomEvent("hearth:installable"));
  });
  window.addEventListener("appinstalled", () => {
    deferred = null;
  });
}

export const installable = () => deferred !== null;

/** Shows the browser's install dialog (from a tap); resolves "accepted", "dismissed" or null. */
export async function promptInstall() {
  const event = deferred;
  deferred = null; // the event can prompt only once
  if (!event) return null;
  await event.prompt();
  const choice = await event.userChoice.catch(() => null);
  return choice ? choice.outcome : null;
}
