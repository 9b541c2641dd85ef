// Today's time-out card: the partner's kind message with the return time, or that it has ended.
import { store } from "../store.js";
import { bdi, h, clear } from "../ui.js";
import { timeoutState, timeoutEnded, when } from "../care.js";
import { live, partnerName } from "./cards.js";

const SHOW_ENDED_FOR = 2 * 3600 * 1000; // an ended time-out stays on Today this long

export function timeoutCard() {
  const card = h("section", { class: "card calm-card", "aria-labelledby": "timeout-card-title", "data-testid": "timeout-card" });
  function render() {
    const latest = store.entries.find((e) => e.kind === "timeout");
    const state = latest ? timeoutState(latest) : "over";
    const ended = latest ? timeoutEnded(latest) : null;
    const recentEnd = ended && Date.now() - new Date(ended.at).getTime() < SHOW_ENDED_FOR;
    card.hidden = !latest || (state === "over" && !recentEnd);
    if (card.hidden) { card.replaceChildren(); return; }
    const mine = latest.author_id === store.user.id;
    const back = when(latest.body.return_at);
    let line;
    // Pieces, not one string: a name stays an isolated <bdi> inside the sentence.
    if (ended) line = ["The time-out has ended (", ended.by === store.user.id ? "you" : bdi(store.nameOf(ended.by)),
      ` ended it at ${when(ended.at)}). Come back to the talk gently.`];
    else if (state === "due") line = mine ? "It's your return time. Come back together when you're ready."
      : ["It's time: ", bdi(partnerName()), " said they'd be back around now."];
    else line = mine ? `You're taking a time-out until ${back}.`
      : [bdi(partnerName()), ` is taking a short pause and will be back at ${back}. Nothing is wrong with pausing; they're coming back.`];
    clear(card, h("h2", { id: "timeout-card-title" }, ended ? "Time-out over" : "Time-out"),
      h("p", { "data-testid": "timeout-line" }, line),
      !ended && latest.body.note ? h("p", { class: "quote", user: true }, latest.body.note) : null,
      ended ? null : h("a", { class: "btn small", href: "/timeout", "data-link": true }, "Open the calm screen"));
  }
  const stop = live(render);
  const timer = setInterval(render, 30000);
  card.cleanup = () => { stop(); clearInterval(timer); };
  return card;
}
