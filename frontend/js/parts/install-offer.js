// Installing, offered once and gently on Today after the first run on this phone: the browser's own
// install dialog where it has one (install.js), or on iPhone Safari the Home Screen steps, which is
// also the only way iPhone shows notifications. "Not now" (or "Got it", or installing) ends the offer.
import { h } from "../ui.js";
import { t } from "../i18n.js";
import { store } from "../store.js";
import * as install from "../install.js";
import { needsHomeScreen } from "../push.js";
import { finished } from "../first-run.js";

const key = (userId) => `hearth-install-offer:${userId}`;

export function installOffer() {
  const node = h("div", { class: "install-slot" });
  const userId = store.user?.id;
  const answered = () => !userId || !finished(userId) || localStorage.getItem(key(userId));
  const close = (how) => {
    localStorage.setItem(key(userId), how);
    node.replaceChildren();
  };
  const render = () => {
    if (answered()) return node.replaceChildren();
    const iphone = needsHomeScreen();
    if (!iphone && !install.installable()) return node.replaceChildren();
    const later = h(
      "button",
      { type: "button", class: "btn link", onclick: () => close("not_now") },
      t("onboard.install.not_now"),
    );
    const action = iphone
      ? h("button", { type: "button", class: "btn", onclick: () => close("got_it") }, t("onboard.install.got_it"))
      : h(
          "button",
          {
            type: "button",
            class: "btn primary",
            onclick: async () => close((await install.promptInstall()) || "prompted"),
          },
          t("onboard.install.install"),
        );
    node.replaceChildren(
      h(
        "section",
        { class: "card soft install-offer", "aria-labelledby": "install-title", "data-testid": "install-offer" },
        h("h2", { id: "install-title" }, t("onboard.install.title")),
        iphone
          ? h(
              "ol",
              { class: "install-steps" },
              h("li", {}, t("onboard.install.ios_share")),
              h("li", {}, t("onboard.install.ios_add")),
              h("li", {}, t("onboard.install.ios_open")),
            )
          : h("p", {}, t("onboard.install.text")),
        iphone ? h("p", { class: "hint" }, t("onboard.install.ios_push")) : null,
        h("div", { class: "actions" }, action, later),
      ),
    );
  };
  document.addEventListener("hearth:installable", render);
  node.cleanup = () => document.removeEventListener("hearth:installable", render);
  render();
  return node;
}
