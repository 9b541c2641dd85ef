// More → "Daily nudge": the notifications switch for this phone, showing the real state.
import { store } from "../store.js";
import * as api from "../api.js";
import * as push from "../push.js";
import { bdi, h, notice, say, section } from "../ui.js";
import { t, tp } from "../i18n.js";
import { clockTime } from "../time.js";
import { partnerName } from "./cards.js";

// Each state's look; its words are nudge.state.<state>.
const STATES = { on: "info", off: "info", blocked: "warn", unsupported: "warn", "ios-install": "warn" };

// Why turning on failed: nudge.failure.<reason>; "denied" has none (the state line already says it).
const FAILURES = ["denied", "dismissed", "no-keys", "push-service"];

const nudgeTime = () => clockTime(store.user?.nudge_time || "20:00");

export function nudgeSection() {
  const box = h("input", {
    type: "checkbox",
    id: "notify",
    role: "switch",
    disabled: true,
    "data-state": "loading",
    "aria-describedby": "notify-hint notify-status",
  });
  const hint = h("p", { class: "hint", id: "notify-hint" });
  const status = h("p", { class: "notice notice-info", id: "notify-status", role: "status", "aria-live": "polite" });
  const failure = notice();
  const card = section(
    t("nudge.title"),
    h("label", { class: "check", for: box.id }, box, h("span", {}, t("nudge.switch"))),
    hint,
    status,
    failure,
  );

  function show(state) {
    const kind = STATES[state];
    box.dataset.state = state;
    box.checked = state === "on";
    box.disabled = !["on", "off"].includes(state);
    status.className = `notice notice-${kind}`;
    status.textContent = t(`nudge.state.${state}`);
  }

  async function refresh() {
    hint.replaceChildren(...tp("nudge.hint", { time: nudgeTime(), name: bdi(partnerName()) }));
    show(await push.state(store.user.id));
  }

  box.addEventListener("change", async () => {
    const turnOn = box.checked;
    box.disabled = true;
    say(failure, "");
    status.textContent = t(turnOn ? "nudge.turning_on" : "nudge.turning_off");
    try {
      if (turnOn) await push.enable(store.user.id);
      else await push.disable();
    } catch (err) {
      const reason = err instanceof push.PushError ? err.reason : "server";
      const cause = err.cause || err;
      say(
        failure,
        FAILURES.includes(reason)
          ? reason === "denied"
            ? ""
            : t(`nudge.failure.${reason}`)
          : cause instanceof api.ApiError
            ? api.explain(cause)
            : t("nudge.failure.other"),
      );
    }
    await refresh();
  });

  const onChange = (event) => {
    if (event.detail === "me") refresh();
  };
  const onShow = () => {
    if (document.visibilityState === "visible") refresh();
  }; // back from site settings
  store.addEventListener("change", onChange);
  document.addEventListener("visibilitychange", onShow);
  refresh();
  card.cleanup = () => {
    store.removeEventListener("change", onChange);
    document.removeEventListener("visibilitychange", onShow);
  };
  return card;
}
