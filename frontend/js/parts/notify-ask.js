// Notifications, asked at a moment that means something: right after a person's share (entries.js
// sends "hearth:shared"), never at launch. A kind explanation comes first; only "Yes" makes the browser
// ask (push.enable, from that tap). "Not now" is kept, and Hearth does not ask again (More → Daily nudge
// stays). Part of the new-account journey: only after the first run on this phone (first-run.js), only
// while the browser has not been asked, and not on an iPhone outside the Home Screen (the install offer
// explains that one).
import { store } from "../store.js";
import * as push from "../push.js";
import { finished } from "../first-run.js";
import { bdi, h, notice, say, toast } from "../ui.js";
import { t, tp } from "../i18n.js";
import { clockTime } from "../time.js";
import { partnerName } from "./cards.js";

const key = (userId) => `hearth-notify-ask:${userId}`;
let open = null;

export function afterShare() {
  const userId = store.user?.id;
  if (!userId || open || !finished(userId) || localStorage.getItem(key(userId))) return;
  if (!push.supported() || push.needsHomeScreen() || push.permission() !== "default") return;
  open = sheet(userId);
  document.body.append(open);
  open.querySelector("h2").focus();
}

function sheet(userId) {
  const message = notice();
  const close = (how) => {
    localStorage.setItem(key(userId), how);
    node.remove();
    open = null;
  };
  const yes = h(
    "button",
    {
      type: "button",
      class: "btn primary",
      onclick: async () => {
        yes.disabled = true;
        try {
          await push.enable(userId);
          close("on");
          toast(t("onboard.ask.on"));
        } catch (err) {
          const reason = err instanceof push.PushError ? err.reason : "other";
          if (reason === "denied" || reason === "dismissed") {
            close(reason);
            toast(t("onboard.ask.off"));
            return;
          }
          say(message, t("onboard.ask.failed"));
          yes.disabled = false;
        }
      },
    },
    t("onboard.ask.yes"),
  );
  const node = h(
    "aside",
    { class: "ask-sheet", role: "dialog", "aria-labelledby": "ask-title", "data-testid": "notify-ask" },
    h("h2", { id: "ask-title", tabindex: "-1" }, t("onboard.ask.title")),
    h(
      "p",
      {},
      ...tp("onboard.ask.text", { time: clockTime(store.user.nudge_time || "20:00"), name: bdi(partnerName()) }),
    ),
    h("p", { class: "hint" }, t("onboard.ask.then")),
    message,
    h(
      "div",
      { class: "actions" },
      yes,
      h("button", { type: "button", class: "btn link", onclick: () => close("not_now") }, t("onboard.ask.not_now")),
    ),
  );
  return node;
}
