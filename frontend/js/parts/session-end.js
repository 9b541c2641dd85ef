// After a session: what was said (answers, passes, notes), then one next step (a commitment due within
// a week), a closing appreciation (15-word guide) and the follow-up message (60 words), stored as an
// answer of the session under the prompt "Follow-up message".
import { store } from "../store.js";
import { create } from "../entries.js";
import { bdi, h, section, field, toast, words, id, notice, say } from "../ui.js";
import * as R from "../ritual-data.js";
import { commitmentForm } from "../screens/commitments.js";
import { partnerName, sentTo } from "./cards.js";
import { APPRECIATION_TEXT_MAX, APPRECIATION_WORDS, FOLLOW_UP_WORDS, SESSION_TEXT_MAX } from "../limits.js";

// `most`: the field's own limit on the server, so the box never takes more than will be accepted.
function counted(label, guide, most, rows, hint) {
  const area = h("textarea", { rows: String(rows), maxlength: String(most) });
  const f = field(label, area, hint);
  const count = h("p", { class: "wordcount", id: id("count"), "aria-live": "polite" });
  area.setAttribute("aria-describedby", `${area.getAttribute("aria-describedby")} ${count.id}`);
  const show = () => {
    const n = words(area.value);
    count.textContent = n > guide ? `${n} words · over the ${guide}-word guide` : `${n} of ${guide} words`;
    count.classList.toggle("over", n > guide);
  };
  area.addEventListener("input", show);
  show();
  f.append(count);
  return { node: f, area, show };
}

function summary(session) {
  const b = session.body;
  const follow = b.answers.find((a) => a.prompt === R.FOLLOW_UP);
  return section("What you covered",
    b.answers.filter((a) => a !== follow).length ? h("ul", { class: "answers" }, b.answers.filter((a) => a !== follow).map((a) =>
      h("li", {}, h("p", { class: "small muted" }, a.prompt), h("p", {}, a.text || "(talked, no notes)")))) : h("p", { class: "empty" }, "No answers written down."),
    b.passed.length ? h("p", { class: "small muted" }, `Passed: ${b.passed.length}`) : null,
    b.note ? h("p", { class: "quote" }, b.note) : null,
    follow ? h("div", {}, h("h3", {}, "Follow-up message"), h("p", { class: "quote" }, follow.text)) : null);
}

function appreciationCard() {
  const c = counted(["Something you appreciate about ", bdi(partnerName())], APPRECIATION_WORDS, APPRECIATION_TEXT_MAX, 2, "A closing thank-you: specific and short lands best.");
  const message = notice();
  const form = h("form", { novalidate: true }, c.node, message, h("button", { type: "submit", class: "btn primary" }, "Send appreciation"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = c.area.value.trim();
    if (!text) { say(message, "Write a few words first."); return; }
    say(message, "");
    await create("appreciation", { text });
    form.reset(); c.show();
    toast(sentTo());
  };
  return section("Close with an appreciation", form);
}

function followUpCard(session) {
  const c = counted("Follow-up message", FOLLOW_UP_WORDS, SESSION_TEXT_MAX, 4, "One highlight, one action, one question. Around 60 words.");
  c.area.placeholder = "Highlight: …\nAction: …\nQuestion: …";
  const saved = session.body.answers.find((a) => a.prompt === R.FOLLOW_UP);
  if (saved) { c.area.value = saved.text; c.show(); }
  const form = h("form", { novalidate: true }, c.node, h("button", { type: "submit", class: "btn ghost" }, "Save follow-up"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = c.area.value.trim();
    await R.patchSession(session.id, (b) => ({ answers: [...b.answers.filter((a) => a.prompt !== R.FOLLOW_UP),
      ...(text ? [{ prompt: R.FOLLOW_UP, text }] : [])] }));
    toast("Follow-up saved with the session.");
  };
  return section("Follow-up message", form);
}

export function ending(session, ritual, navigate) {
  const mine = session.author_id === store.user.id;
  const linked = R.commitments().filter((c) => c.ref_id === session.id);
  const parts = [
    h("p", { class: "small muted" }, mine ? "" : ["Run by ", bdi(store.nameOf(session.author_id))]),
    summary(session),
    linked.length ? section("Next steps", h("ul", { class: "answers" }, linked.map((c) => h("li", {}, bdi(c.body.text), ` · due ${c.body.due_date}`)))) : null,
  ];
  if (mine) {
    parts.push(section("Agree on one next step", h("p", { class: "small muted" }, "Something small either of you will do within a week."),
      commitmentForm(session.id)), appreciationCard(), followUpCard(session));
  }
  parts.push(h("button", { type: "button", class: "btn primary wide", onclick: () => navigate("/rituals") }, "Done"));
  return h("div", { class: "ending", "data-ritual": ritual.body.type }, parts);
}
