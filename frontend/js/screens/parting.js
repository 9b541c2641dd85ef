// News about the couple itself, in place of the home screen until read (router NEWS, store.unseenNews):
// the partner stepped away (with their note, and what one can still do), you stepped away (the undo,
// while the server still allows it: 24 hours), or the partner came back.
import { store } from "../store.js";
import * as api from "../api.js";
import { bdi, h, notice, say, toast } from "../ui.js";
import { t, tp, formatDate } from "../i18n.js";
import { ownThings } from "./pair.js";

const WHEN = { weekday: "short", day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };

export function mount(root, { navigate }) {
  const news = store.unseenNews() || "";
  const done = async () => {
    await store.markNewsSeen();
    navigate("/", { replace: true });
  };
  const next = h("button", { type: "button", class: "btn primary wide", onclick: done }, t("parting.continue"));
  if (news.startsWith("back:")) {
    const name = bdi(store.partner ? store.partner.display_name : t("common.your_partner"));
    root.append(head(tp("parting.back_title", { name }), t("parting.back_text")), next);
    return;
  }
  const p = store.parting;
  if (!p) {
    navigate("/", { replace: true });
    return;
  }
  const name = bdi(p.name || t("common.your_partner"));
  if (p.by_me) {
    const until = formatDate(p.undo_until, WHEN);
    root.append(head(t("parting.you_title"), t("parting.you_text", { when: until })), undo(navigate));
    root.append(ownThings(), h("a", { class: "btn ghost wide", href: "/pair", "data-link": true }, t("parting.pair")));
    return;
  }
  root.append(
    head(tp("parting.title", { name }), t("parting.text")),
    p.note
      ? h(
          "section",
          { class: "card", "aria-label": t("parting.note_label") },
          h("p", { class: "muted" }, tp("parting.note_intro", { name: bdi(p.name || t("common.your_partner")) })),
          h("p", { class: "quote", user: true }, p.note),
        )
      : null,
    h("p", {}, t("parting.still")),
    ownThings(),
    next,
  );
}

function head(title, text) {
  return h("div", { class: "page-head" }, h("h1", {}, title), h("p", {}, text));
}

function undo(navigate) {
  const message = notice();
  const button = h(
    "button",
    {
      type: "button",
      class: "btn primary wide",
      onclick: async () => {
        if (button.disabled) return;
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        try {
          const { couple } = await api.post("/api/couple/come-back");
          await store.setMe({ user: store.user, couple });
          toast(t("parting.welcome_back"));
          navigate("/", { replace: true });
        } catch (err) {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          say(message, api.explain(err, { 0: t("leave.need_online") }));
          if (err.status === 404 || err.status === 409) store.refreshMe();
        }
      },
    },
    t("parting.undo"),
  );
  return h("div", { class: "parting-undo" }, button, message);
}
