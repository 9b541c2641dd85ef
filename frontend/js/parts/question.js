// Today's question: answer it, then see your partner's answer.
import { store } from "../store.js";
import { create } from "../entries.js";
import { questionFor } from "../questions.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { getMeta, setMeta } from "../db.js";
import { entryItem, list, live, partnerName } from "./cards.js";
import { ANSWER_TEXT_MAX } from "../limits.js";

export function question() {
  const body = h("div", {});
  const card = section("Today's question", body);
  const text = h("textarea", { name: "answer", maxlength: String(ANSWER_TEXT_MAX), rows: "2" });
  const message = notice();
  const form = h("form", { novalidate: true, "aria-label": "Answer today's question" },
    field("Your answer", text), message, h("button", { type: "submit", class: "btn primary wide" }, "Answer"));
  // "Not today" is a full answer to a prompt: no reason asked, nothing sent, back tomorrow.
  const pass = h("button", { type: "button", class: "btn ghost wide" }, "Not today");
  let q = null;
  let passed = null;
  pass.onclick = async () => {
    passed = q.id;
    await setMeta("question_passed", q.id);
    render();
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!text.value.trim()) { say(message, "Write a few words first."); return; }
    say(message, "");
    await create("answer", { question_id: q.id, text: text.value.trim(), local_date: localDate(store.user.timezone) });
    toast(["Answered. You'll see ", bdi(partnerName()), "'s answer as soon as they reply."]);
    form.reset();
  };
  function render() {
    q = questionFor(localDate(store.user.timezone));
    const mine = store.mine("answer").filter((e) => e.body.question_id === q.id);
    const theirs = store.theirs("answer").filter((e) => e.body.question_id === q.id);
    const prompt = h("p", { class: "text" }, q.text);
    if (!mine.length && passed === q.id) {
      const undo = h("button", { type: "button", class: "btn link" }, "Answer after all");
      undo.onclick = async () => { passed = null; await setMeta("question_passed", null); render(); };
      clear(body, h("p", { class: "muted" }, "Skipped for today. That's fine; there's a new one tomorrow."), undo);
      return;
    }
    if (!mine.length) {
      clear(body, prompt, h("p", { class: "hint" }, "Answer first; then you'll see ", bdi(partnerName()), "'s."), form, pass);
      return;
    }
    clear(body, prompt, list([...mine, ...theirs].map((e) => entryItem(e))),
      theirs.length ? null : h("p", { class: "muted small" }, bdi(partnerName()), " hasn't answered yet. Their answer will appear here."));
  }
  card.cleanup = live(render);
  getMeta("question_passed").then((id) => { passed = id || null; render(); });
  return card;
}
