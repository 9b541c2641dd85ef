// Today's follow-up card: the message the partner wrote at the end of a talk (a session's answer with
// prompt_id "follow_up"), for a few days after it; the push about it opens Today, where this is.
import { store } from "../store.js";
import { bdi, h, clear } from "../ui.js";
import { t, tp, formatDate } from "../i18n.js";
import * as R from "../ritual-data.js";
import { live, partnerName } from "./cards.js";

const SHOW_FOR = 3 * 86400000; // a follow-up stays on Today this long

function latestFollowUp(now = Date.now()) {
  return store.entries
    .filter((e) => e.kind === "ritual_session" && e.author_id !== store.user.id && R.answerTo(e.body, R.FOLLOW_UP))
    .filter((e) => now - Date.parse(e.updated_at || e.created_at) < SHOW_FOR)
    .sort((a, b) => ((a.updated_at || a.created_at) < (b.updated_at || b.created_at) ? 1 : -1))[0];
}

export function followUpCard() {
  const card = h("section", { class: "card", "aria-labelledby": "follow-up-title", "data-testid": "follow-up" });
  card.cleanup = live(() => {
    const session = latestFollowUp();
    card.hidden = !session;
    if (!session) return card.replaceChildren();
    const ritual = store.byId(session.ref_id);
    const date = formatDate(session.body.ended_at || session.created_at, {
      weekday: "short",
      day: "numeric",
      month: "short",
    });
    clear(
      card,
      h("h2", { id: "follow-up-title" }, h("span", {}, tp("today.follow_up_title", { name: bdi(partnerName()) }))),
      h("p", { class: "quote", user: true }, R.answerTo(session.body, R.FOLLOW_UP).text),
      h(
        "p",
        { class: "small muted" },
        ritual ? tp("today.follow_up_from", { ritual: bdi(R.titleOf(ritual.body)), date }) : date,
      ),
      h("a", { class: "btn small", href: `/session/${session.id}`, "data-link": true }, t("today.follow_up_open")),
    );
  });
  return card;
}
