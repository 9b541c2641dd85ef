// After a session: what was said (answers, passes, notes), then one next step (a commitment due within
// a week), a closing appreciation (15-word guide) and the follow-up message (60 words), stored as an
// answer of the session with the prompt id "follow_up".
import { store } from "../store.js";
import { composer, create, refused } from "../entries.js";
import { bdi, h, section, field, toast, words, id, notice, say } from "../ui.js";
import { t, tp } from "../i18n.js";
import { dayLabel } from "../time.js";
import * as R from "../ritual-data.js";
import { commitmentForm, ownerOf } from "../screens/commitments.js";
import { partnerName, toastSent } from "./cards.js";
import { APPRECIATION_TEXT_MAX, APPRECIATION_WORDS, FOLLOW_UP_WORDS, SESSION_TEXT_MAX } from "../limits.js";

// `most`: the field's own limit on the server, so the box never takes more than will be accepted.
function counted(label, guide, most, rows, hint) {
  const area = h("textarea", { rows: String(rows), maxlength: String(most) });
  const f = field(label, area, hint);
  const count = h("p", { class: "wordcount", id: id("count"), "aria-live": "polite" });
  area.setAttribute("aria-describedby", `${area.getAttribute("aria-describedby")} ${count.id}`);
  const show = () => {
    const n = words(area.value);
    count.textContent =
      n > guide ? t("session.words_over", { count: n, guide }) : t("session.words_of", { count: n, guide });
    count.classList.toggle("over", n > guide);
  };
  area.addEventListener("input", show);
  show();
  f.append(count);
  return { node: f, area, show };
}

function summary(session) {
  const b = session.body;
  const follow = R.answerTo(b, R.FOLLOW_UP);
  const others = b.answers.filter((a) => a !== follow);
  return section(
    t("session.covered"),
    others.length
      ? h(
          "ul",
          { class: "answers" },
          others.map((a) =>
            h(
              "li",
              {},
              h("p", { class: "small muted" }, R.promptLabel(a)),
              h("p", {}, a.text || t("session.no_notes")),
            ),
          ),
        )
      : h("p", { class: "empty" }, t("session.no_answers")),
    // Passed prompts are not listed or counted: passing is a full answer, never a mark against anyone.
    b.note ? h("p", { class: "quote" }, b.note) : null,
    follow ? h("div", {}, h("h3", {}, t("prompt.follow_up")), h("p", { class: "quote" }, follow.text)) : null,
  );
}

function appreciationCard() {
  const c = counted(
    tp("session.appreciate_label", { name: bdi(partnerName()) }),
    APPRECIATION_WORDS,
    APPRECIATION_TEXT_MAX,
    2,
    t("session.appreciate_hint"),
  );
  const message = notice();
  const form = h(
    "form",
    { novalidate: true },
    c.node,
    message,
    h("button", { type: "submit", class: "btn primary" }, t("session.send_appreciation")),
  );
  composer(form, async (id) => {
    const text = c.area.value.trim();
    if (!text) {
      say(message, t("session.write_first"));
      return false;
    }
    say(message, "");
    const sent = await create("appreciation", { text }, { id });
    form.reset();
    c.show();
    toastSent(sent.id);
  });
  return section(t("session.close_with_appreciation"), form);
}

function followUpCard(session) {
  const c = counted(
    t("prompt.follow_up"),
    FOLLOW_UP_WORDS,
    SESSION_TEXT_MAX,
    4,
    t("session.follow_up_hint", { count: FOLLOW_UP_WORDS }),
  );
  c.area.placeholder = t("session.follow_up_placeholder");
  const saved = R.answerTo(session.body, R.FOLLOW_UP);
  if (saved) {
    c.area.value = saved.text;
    c.show();
  }
  const form = h(
    "form",
    { novalidate: true },
    c.node,
    h("button", { type: "submit", class: "btn ghost" }, t("session.save_follow_up")),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = c.area.value.trim();
    try {
      await R.patchSession(session.id, (b) => ({
        answers: [
          ...b.answers.filter((a) => R.promptId(a) !== R.FOLLOW_UP),
          ...(text ? [R.ownAnswer(R.FOLLOW_UP, text)] : []),
        ],
      }));
    } catch (err) {
      await refused(form, err); // the words stay, and the form says why
      return c.area.focus();
    }
    toast(tp("session.follow_up_saved", { name: bdi(partnerName()) }));
  };
  return section(t("prompt.follow_up"), form);
}

export function ending(session, ritual, navigate) {
  const mine = session.author_id === store.user.id;
  const linked = R.commitments().filter((c) => c.ref_id === session.id);
  const parts = [
    h("p", { class: "small muted" }, mine ? "" : tp("session.run_by", { name: bdi(store.nameOf(session.author_id)) })),
    summary(session),
    linked.length
      ? section(
          t("session.next_steps"),
          h(
            "ul",
            { class: "answers" },
            linked.map((c) =>
              h("li", {}, bdi(c.body.text), t("session.due", { date: dayLabel(c.body.due_date) }), " · ", ownerOf(c)),
            ),
          ),
        )
      : null,
  ];
  if (mine) {
    parts.push(
      section(
        t("session.agree_next_step"),
        h("p", { class: "small muted" }, t("session.next_step_hint")),
        commitmentForm(session.id),
      ),
      appreciationCard(),
      followUpCard(session),
    );
  }
  parts.push(
    h("button", { type: "button", class: "btn primary wide", onclick: () => navigate("/rituals") }, t("common.done")),
  );
  return h("div", { class: "ending", "data-ritual": ritual.body.type }, parts);
}
