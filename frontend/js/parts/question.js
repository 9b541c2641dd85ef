// Today's question: answer it, then see your partner's answer. Before either answered, "A lighter one,
// please" swaps it for both (a shared question_swap entry, once a day; questions.js, question-order.js).
import { store } from "../store.js";
import { composer, create, oneTap } from "../entries.js";
import { lighterFor, questionFor } from "../questions.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { getMeta, setMeta } from "../db.js";
import { entryItem, fold, list, live, partnerName } from "./cards.js";
import { reactButtons } from "./feed.js";
import { talk } from "./talk.js";
import { t, tp } from "../i18n.js";
import { ANSWER_TEXT_MAX } from "../limits.js";

// The cap follows the partner's depth dial too: GET /api/me runs at every start; a Today shown again
// later asks once more (at most every few minutes), so both phones keep to the same cap.
const FRESH_MS = 5 * 60 * 1000;
let askedAt = Date.now();

/** group: fold the card to one line among these (Today's practices, see cards.js fold). */
export function question(group = null) {
  if (Date.now() - askedAt > FRESH_MS && navigator.onLine !== false) {
    askedAt = Date.now();
    store.refreshMe();
  }
  const body = h("div", {});
  const card = section(t("question.title"), body);
  if (group) fold(card, group);
  const text = h("textarea", { name: "answer", maxlength: String(ANSWER_TEXT_MAX), rows: "2" });
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("question.form_label") },
    field(t("question.your_answer"), text),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, t("question.answer")),
  );
  // "Not today" is a full answer to a prompt: no reason asked, nothing sent, back tomorrow.
  const pass = h("button", { type: "button", class: "btn ghost wide" }, t("question.not_today"));
  // "A lighter one, please": kind words, no reason asked; the partner's phone swaps too once it syncs.
  const lighter = h("button", { type: "button", class: "btn ghost wide" }, t("question.lighter"));
  lighter.onclick = () =>
    oneTap(lighter, async () => {
      const date = localDate(store.user.timezone);
      const swap = q && !q.swap ? lighterFor(date, q) : null;
      if (!swap) return false;
      await create("question_swap", swap);
      toast(t("question.swapped"));
      return true;
    });
  let q = null;
  let passed = null;
  pass.onclick = async () => {
    passed = q.id;
    await setMeta("question_passed", q.id);
    render();
  };
  composer(form, async (id) => {
    if (!text.value.trim()) {
      say(message, t("question.write_first"));
      return false;
    }
    say(message, "");
    const body = { question_id: q.id, text: text.value.trim(), local_date: localDate(store.user.timezone) };
    await create("answer", body, { id });
    toast(tp("question.answered", { name: bdi(partnerName()) }));
    form.reset();
  });
  function render() {
    q = questionFor(localDate(store.user.timezone));
    if (!q) {
      // The library loads after the first screen (and is kept offline): the card fills in when it lands.
      card.peek?.("");
      clear(body, h("p", { class: "muted" }, t("question.loading")));
      return;
    }
    const mine = store.mine("answer").filter((e) => e.body.question_id === q.id);
    const theirs = store.theirs("answer").filter((e) => e.body.question_id === q.id);
    const prompt = h("p", { class: "text" }, q.text);
    const swapped = q.swap
      ? h("p", { class: "hint" }, t(q.swap.author_id === store.user.id ? "question.swapped" : "question.swapped_note"))
      : null;
    card.peek?.(mine.length ? "" : q.text); // folded on Today: the question itself, unanswered
    if (!mine.length && passed === q.id) {
      const undo = h("button", { type: "button", class: "btn link" }, t("question.after_all"));
      undo.onclick = async () => {
        passed = null;
        await setMeta("question_passed", null);
        render();
      };
      clear(body, h("p", { class: "muted" }, t("question.skipped")), undo);
      return;
    }
    if (!mine.length) {
      // Once a day, and not once an answer is here (the server also refuses it when the partner's,
      // still withheld from this phone, came first: services/question_swap.py).
      const offer = !q.swap && !theirs.length ? lighter : null;
      clear(
        body,
        prompt,
        swapped,
        h("p", { class: "hint" }, tp("question.first", { name: bdi(partnerName()) })),
        form,
        offer,
        pass,
      );
      return;
    }
    // Both answered: the reveal, and a small talk under each answer (reactions on the partner's).
    const revealed = theirs.length > 0;
    const item = (e) =>
      entryItem(e, {
        actions: revealed && e.author_id !== store.user.id ? reactButtons(e, ["heart", "thanks"]) : [],
        extra: revealed ? talk(e) : null,
      });
    clear(
      body,
      prompt,
      list([...mine, ...theirs].map(item)),
      theirs.length ? null : h("p", { class: "muted small" }, tp("question.waiting", { name: bdi(partnerName()) })),
    );
  }
  card.cleanup = live(render);
  getMeta("question_passed").then((id) => {
    passed = id || null;
    render();
  });
  return card;
}
