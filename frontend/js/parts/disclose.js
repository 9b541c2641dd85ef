// Today's honest thing: a statement, a category, feelings, the optional "I feel … when … and I need …".
import { store } from "../store.js";
import { composer, create } from "../entries.js";
import { feelingsPicker } from "../feelings.js";
import { afterPaint, h, clear, field, choice, id, notice, say, toast, section } from "../ui.js";
import { localDate } from "../time.js";
import { categories, entryItem, list, live, shareToggle, toastSent } from "./cards.js";
import { t } from "../i18n.js";
import { DISCLOSURE_TEXT_MAX, I_FEEL_FEEL_MAX, I_FEEL_WHEN_MAX, I_FEEL_NEED_MAX } from "../limits.js";

/** A sentence starter for each category (disclose.prompt.<category>). */
const prompt = (category) => t(`disclose.prompt.${category}`);

export function disclosure() {
  const body = h("div", {});
  const card = section(t("disclose.title"), body);
  let composing = false;
  // push.js opens the composer from a "Share now" notification through these, never by a button's text.
  card.dataset.card = "disclosure";
  card.compose = () => {
    composing = true;
    render();
  };
  const composer = buildComposer(() => {
    composing = false;
    render();
  });
  function render() {
    const today = localDate(store.user.timezone);
    const shared = store.mine("disclosure").filter((e) => e.body.local_date === today);
    if (shared.length && !composing) {
      clear(
        body,
        h("p", { class: "muted" }, t("disclose.today_shared")),
        list(shared.map((e) => entryItem(e))),
        h(
          "button",
          {
            type: "button",
            class: "btn link",
            onclick: () => {
              composing = true;
              render();
            },
          },
          t("disclose.another"),
        ),
      );
    } else {
      clear(body, composer);
    }
  }
  card.cleanup = live(render);
  return card;
}

function buildComposer(done) {
  let category = "feeling";
  const text = h("textarea", {
    name: "text",
    maxlength: String(DISCLOSURE_TEXT_MAX),
    rows: "2",
    placeholder: prompt(category),
  });
  const kinds = choice(
    t("disclose.kind"),
    categories(),
    category,
    (value) => {
      category = value;
      text.placeholder = prompt(value);
    },
    "wrap kinds",
  );
  // The starters come after the first screen (their words load with the share content file anyway): an empty
  // row of the same height stands in until then, so nothing below moves.
  let last = "";
  const starters = h("div", { class: "starters" }, h("div", { class: "starters-line" }));
  new Promise((painted) => afterPaint(painted))
    .then(() => import("./starters.js"))
    .then(({ starterRow, putStarter }) =>
      starters.replaceWith(
        starterRow(localDate(store.user.timezone), (starter, category) => {
          last = putStarter(text, starter, last);
          kinds.select(category); // "I'm a little nervous about…" files under worries
        }),
      ),
    )
    .catch(() => {}); // without them the box works as before
  const feelings = feelingsPicker();
  const feel = h("input", {
    name: "feel",
    maxlength: String(I_FEEL_FEEL_MAX),
    placeholder: t("disclose.feel_placeholder"),
  });
  const when = h("input", {
    name: "when",
    maxlength: String(I_FEEL_WHEN_MAX),
    placeholder: t("disclose.when_placeholder"),
  });
  const need = h("input", {
    name: "need",
    maxlength: String(I_FEEL_NEED_MAX),
    placeholder: t("disclose.need_placeholder"),
  });
  // The sentence shape stays in view: three short blanks, each labelled by its part of the sentence.
  const ifeel = h(
    "fieldset",
    { class: "ifeel-shape" },
    h("legend", {}, t("disclose.ifeel")),
    ...[
      [t("disclose.feel"), feel],
      [t("disclose.when"), when],
      [t("disclose.need"), need],
    ].map(([words, input]) => {
      input.id = id("ifeel");
      return h("div", { class: "ifeel-row" }, h("label", { for: input.id }, words), input);
    }),
  );
  const share = shareToggle(true);
  const message = notice();
  const form = h(
    "form",
    { novalidate: true, "aria-label": t("disclose.form_label") },
    field(t("disclose.what"), text),
    starters,
    ifeel,
    kinds,
    feelings,
    message,
    h("div", { class: "send-row" }, share, h("button", { type: "submit", class: "btn primary" }, t("disclose.save"))),
  );

  composer(form, async (id) => {
    const parts = [feel.value.trim(), when.value.trim(), need.value.trim()];
    const anyPart = parts.some(Boolean);
    if (anyPart && !parts.every(Boolean)) {
      say(message, t("disclose.all_three"));
      return false;
    }
    let statement = text.value.trim();
    if (!statement && anyPart) statement = t("cards.i_feel", { feel: parts[0], when: parts[1], need: parts[2] });
    if (!statement) {
      say(message, t("disclose.write_one"));
      text.focus();
      return false;
    }
    say(message, "");
    const body = { text: statement, category, feelings: feelings.value, local_date: localDate(store.user.timezone) };
    if (anyPart) body.i_feel = { feel: parts[0], when: parts[1], need: parts[2] };
    const entry = await create("disclosure", body, { visibility: share.shared ? "shared" : "private", id });
    if (share.shared) toastSent(entry.id, { sent: "disclose.shared" });
    else toast(t("disclose.saved_private"));
    form.reset();
    last = "";
    feelings.reset();
    share.reset();
    done();
  });
  return form;
}
