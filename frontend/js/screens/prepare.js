// Preparing the connection check (/prepare/<ritual id>, from Today's card the day before and its push):
// three questions for the partner, sealed on this phone (private prepared_question entries, in the
// author's own stream only) until the session reveals them one at a time (parts/practice-steps.js).
import { store } from "../store.js";
import { create, refused, remove, update } from "../entries.js";
import { bdi, h, field, toast } from "../ui.js";
import { t, tp } from "../i18n.js";
import { dayLabel } from "../time.js";
import * as R from "../ritual-data.js";
import { partnerName } from "../parts/cards.js";
import { awaitEntry } from "../parts/arriving.js";
import { PREPARED_QUESTION_MAX, PREPARED_QUESTIONS } from "../limits.js";

const isCheck = (entry) => entry?.kind === "ritual" && entry.body.type === "connection_check";

export function mount(root, { args, navigate }) {
  const ritual = store.byId(args.id);
  if (!isCheck(ritual)) {
    return awaitEntry(root, {
      found: () => isCheck(store.byId(args.id)),
      open: () => navigate(`/prepare/${args.id}`, { replace: true }),
      missing: () => [
        h("div", { class: "page-head" }, h("h1", {}, t("practice.prepare.not_found"))),
        h("a", { class: "btn ghost", href: "/rituals", "data-link": true }, t("session.back_to_rituals")),
      ],
    });
  }
  const day = R.nextDay(ritual) || R.today();
  const name = () => bdi(partnerName()); // a node: one for each sentence that names them
  const have = R.sealedQuestions(ritual.id, day);
  const boxes = [];
  for (let n = 1; n <= PREPARED_QUESTIONS; n++) {
    const box = h("textarea", { rows: "2", maxlength: String(PREPARED_QUESTION_MAX), "data-n": String(n) });
    box.value = have[n]?.body.text || "";
    boxes.push(box);
  }
  const save = async (event) => {
    event.preventDefault();
    const now = R.sealedQuestions(ritual.id, day);
    for (const [i, box] of boxes.entries()) {
      const n = i + 1;
      const text = box.value.trim();
      const stored = now[n];
      try {
        if (stored && !text) await remove(stored);
        else if (stored && stored.body.text !== text) await update(stored, { ...stored.body, text });
        else if (!stored && text)
          await create("prepared_question", { text, n, day }, { ref_id: ritual.id, visibility: "private" });
      } catch (err) {
        await refused(event.target, err); // this question stays as typed, and the form says why
        box.focus();
        return;
      }
    }
    toast(t("practice.prepare.saved"));
    navigate("/");
  };
  root.append(
    h("p", {}, h("a", { href: "/rituals", "data-link": true, class: "back" }, t("session.back"))),
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, t("practice.prepare.title")),
      h("p", {}, tp("practice.prepare.for", { ritual: bdi(R.titleOf(ritual.body)), date: dayLabel(day, "long") })),
    ),
    h(
      "form",
      { class: "card prepare", novalidate: true, onsubmit: save },
      h("p", {}, tp("practice.prepare.lead", { name: name() })),
      h("p", { class: "small muted sealed-note" }, tp("practice.prepare.sealed", { name: name() })),
      boxes.map((box, i) => field(t("practice.prepare.question", { n: i + 1 }), box)),
      h("p", { class: "small muted" }, t("practice.prepare.ideas")),
      h("button", { type: "submit", class: "btn primary wide" }, t("practice.prepare.save")),
    ),
  );
  boxes[0].focus();
  return null;
}
