// "‹name› started the weekly check-in · Join": the partner's running session, offered calmly on Today
// and Rituals while it runs. Nothing here tells the partner whether this phone saw it or joined.
import { store } from "../store.js";
import { bdi, h, clear } from "../ui.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";

const ritualName = (ritual) => t(`push.ritual_names.${ritual.body.type}`);

export function togetherBanner(navigate) {
  const node = h("div", { class: "together-slot" });
  let showing = null;
  const render = () => {
    const live = R.partnerLive();
    if ((live?.id || null) === showing) return;
    showing = live?.id || null;
    if (!live) {
      clear(node);
      return;
    }
    const ritual = store.byId(live.ref_id);
    const name = ritualName(ritual);
    clear(
      node,
      h(
        "section",
        { class: "card soft together banner", "data-id": live.id, role: "status" },
        h(
          "p",
          { class: "together-text" },
          tp("together.started", { name: bdi(store.nameOf(live.author_id)), ritual: name }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn primary small",
            "aria-label": t("together.join_label", { ritual: name }),
            onclick: () => navigate(`/session/${live.id}`),
          },
          t("together.join"),
        ),
      ),
    );
  };
  const onChange = (event) => {
    if (["entries", "couple", "me"].includes(event.detail)) render();
  };
  store.addEventListener("change", onChange);
  const every = setInterval(render, 60000); // a session past its time stops being offered
  render();
  node.cleanup = () => {
    store.removeEventListener("change", onChange);
    clearInterval(every);
  };
  return node;
}
