// Today's card the day before a connection check: prepare three questions for the partner (/prepare/<id>).
// They stay sealed on this phone until the session reveals them (screens/prepare.js).
import { h, clear, bdi } from "../ui.js";
import { t, tp } from "../i18n.js";
import * as R from "../ritual-data.js";
import { live, partnerName } from "./cards.js";
import { PREPARED_QUESTIONS } from "../limits.js";

/** The connection check due tomorrow (this phone's local day), or null. */
export function checkTomorrow(now = Date.now()) {
  const ritual = R.ofType("connection_check");
  if (!ritual) return null;
  const day = R.nextDay(ritual, now);
  return day && day === R.addDays(R.today(), 1) ? { ritual, day } : null;
}

export function prepareCard() {
  const card = h("section", { class: "card soft prepare-card", "aria-labelledby": "prepare-title" });
  card.cleanup = live(() => {
    const due = checkTomorrow();
    card.hidden = !due;
    if (!due) return card.replaceChildren();
    const ready = Object.keys(R.sealedQuestions(due.ritual.id, due.day)).length;
    const name = bdi(partnerName());
    clear(
      card,
      h(
        "h2",
        { id: "prepare-title" },
        h("span", {}, tp("practice.card.title", { ritual: bdi(R.titleOf(due.ritual.body)) })),
      ),
      h(
        "p",
        { class: "small" },
        ready >= PREPARED_QUESTIONS
          ? t("practice.card.ready")
          : tp("practice.card.lead", { name, count: PREPARED_QUESTIONS }),
      ),
      h(
        "a",
        { class: "btn small", href: `/prepare/${due.ritual.id}`, "data-link": true },
        ready ? t("practice.card.look") : t("practice.card.prepare"),
      ),
    );
  });
  return card;
}
