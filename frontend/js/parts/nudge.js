// More → "Daily nudge": the notifications switch for this phone, showing the real state.
import { store } from "../store.js";
import * as api from "../api.js";
import * as push from "../push.js";
import { bdi, h, notice, say, section } from "../ui.js";

const STATES = {
  on: ["info", "On for this phone."],
  off: ["info", "Off on this phone."],
  blocked: ["warn", "Notifications are blocked for Hearth in this browser. To allow them, open this site's "
    + "settings (the icon next to the address bar, or your phone's Settings → Notifications), allow "
    + "notifications, then come back here."],
  unsupported: ["warn", "This browser can't show notifications from Hearth. The app works fine without them."],
  "ios-install": ["warn", "On iPhone and iPad, notifications work once Hearth is on your Home Screen: tap Share, "
    + "then “Add to Home Screen”, and open Hearth from there."],
};

const FAILURES = { // "" = the state line already says it
  denied: "",
  dismissed: "Notifications stay off. You can turn them on whenever you like.",
  "no-keys": "Notifications aren't set up on the server yet. Please try again later.",
  "push-service": "This browser couldn't reach its push service, so notifications can't be turned on here "
    + "right now. Please try again later, or from another browser.",
};

function nudgeTime() {
  const value = (store.user && store.user.nudge_time) || "20:00";
  const [hours, minutes] = value.split(":").map(Number);
  return new Date(2000, 0, 1, hours, minutes).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

export function nudgeSection() {
  const box = h("input", { type: "checkbox", id: "notify", role: "switch", disabled: true, "data-state": "loading",
    "aria-describedby": "notify-hint notify-status" });
  const hint = h("p", { class: "hint", id: "notify-hint" });
  const status = h("p", { class: "notice notice-info", id: "notify-status", role: "status", "aria-live": "polite" });
  const failure = notice();
  const card = section("Daily nudge",
    h("label", { class: "check", for: box.id }, box, h("span", {}, "Notifications on this phone")),
    hint, status, failure);

  function show(state) {
    const [kind, text] = STATES[state];
    box.dataset.state = state;
    box.checked = state === "on";
    box.disabled = !["on", "off"].includes(state);
    status.className = `notice notice-${kind}`;
    status.textContent = text;
  }

  async function refresh() {
    const partner = store.partner ? store.partner.display_name : "your partner";
    hint.replaceChildren(`Your daily nudge comes at ${nudgeTime()} (change it under You), never in your quiet hours. `
      + "You'll also get a note when ", bdi(partner), " shares something.");
    show(await push.state(store.user.id));
  }

  box.addEventListener("change", async () => {
    const turnOn = box.checked;
    box.disabled = true;
    say(failure, "");
    status.textContent = turnOn ? "Turning on…" : "Turning off…";
    try {
      if (turnOn) await push.enable(store.user.id);
      else await push.disable();
    } catch (err) {
      const reason = err instanceof push.PushError ? err.reason : "server";
      const cause = err.cause || err;
      say(failure, reason in FAILURES ? FAILURES[reason]
        : cause instanceof api.ApiError ? api.explain(cause) : "Something went wrong. Please try again.");
    }
    await refresh();
  });

  const onChange = (event) => { if (event.detail === "me") refresh(); };
  const onShow = () => { if (document.visibilityState === "visible") refresh(); }; // back from site settings
  store.addEventListener("change", onChange);
  document.addEventListener("visibilitychange", onShow);
  refresh();
  card.cleanup = () => {
    store.removeEventListener("change", onChange);
    document.removeEventListener("visibilitychange", onShow);
  };
  return card;
}
