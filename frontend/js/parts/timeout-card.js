// Today's time-out card: the partner's kind message with the return time, or that it has ended.
import { store } from "../store.js";
import { bdi, h, clear } from "../ui.js";
import { t, tp } from "../i18n.js";
import { timeoutState, timeoutEnded, when } from "../care.js";
import { live, partnerName } from "./cards.js";

const SHOW_ENDED_FOR = 2 * 3600 * 1000; // an ended time-out stays on Today this long

export function timeoutCard() {
  const card = h("section", {
    class: "card calm-card",
    "aria-labelledby": "timeout-card-title",
    "data-testid": "timeout-card",
  });
  function render() {
    const latest = store.entries.find((e) => e.kind === "timeout");
    const state = latest ? timeoutState(latest) : "over";
    const ended = latest ? timeoutEnded(latest) : null;
    const recentEnd = ended && Date.now() - new Date(ended.at).getTime() < SHOW_ENDED_FOR;
    card.hidden = !latest || (state === "over" && !recentEnd);
    if (card.hidden) {
      card.replaceChildren();
      return;
    }
    const mine = latest.author_id === store.user.id;
    const back = when(latest.body.return_at);
    let line;
    // Pieces, not one string: a name stays an isolated <bdi> inside the sentence.
    if (ended)
      line =
        ended.by === store.user.id
          ? t("timeout.card.ended_by_you", { time: when(ended.at) })
          : tp("timeout.card.ended_by", { name: bdi(store.nameOf(ended.by)), time: when(ended.at) });
    else if (state === "due")
      line = mine ? t("timeout.card.due_mine") : tp("timeout.card.due_theirs", { name: bdi(partnerName()) });
    else
      line = mine
        ? t("timeout.card.mine", { time: back })
        : tp("timeout.card.theirs", { name: bdi(partnerName()), time: back });
    clear(
      card,
      h("h2", { id: "timeout-card-title" }, ended ? t("timeout.card.over") : t("timeout.title")),
      h("p", { "data-testid": "timeout-line" }, line),
      !ended && latest.body.note ? h("p", { class: "quote", user: true }, latest.body.note) : null,
      ended ? null : h("a", { class: "btn small", href: "/timeout", "data-link": true }, t("timeout.card.open")),
    );
  }
  const stop = live(render);
  const timer = setInterval(render, 30000);
  card.cleanup = () => {
    stop();
    clearInterval(timer);
  };
  return card;
}
