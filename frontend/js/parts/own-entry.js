// Your words stay yours: edit an entry of your own, turn it private or shared, share a journal line as a
// disclosure, or unsend it (the partner's phone removes it: a tombstone, docs/sync.md). Loaded on the
// first tap on "Edit" (parts/cards.js), so the screens carry none of it until then.
import { store } from "../store.js";
import { create, oneTap, refused, remove, setVisibility, update } from "../entries.js";
import { KINDS, wordsOf } from "../kinds.js";
import { bdi, confirmDialog, field, h, id, notice, say, toast } from "../ui.js";
import { localDate } from "../time.js";
import { kindName, partnerName } from "./cards.js";
import { t, tp } from "../i18n.js";
import * as L from "../limits.js";

const MAX = {
  disclosure: L.DISCLOSURE_TEXT_MAX,
  reflection: L.REFLECTION_TEXT_MAX,
  appreciation: L.APPRECIATION_TEXT_MAX,
  answer: L.ANSWER_TEXT_MAX,
  journal: L.JOURNAL_TEXT_MAX,
  commitment: L.COMMITMENT_TEXT_MAX,
};
const OPTIONAL = new Set(["note"]); // a bid's, a check-in's or a time-out's note may be left empty

/** Asks in the page, then unsends (shared: from the partner's phone too) or deletes. True when done. */
export async function unsend(entry) {
  const shared = store.reachesPartner(entry);
  const yes = shared
    ? await confirmDialog(
        t("own.unsend_title"),
        tp("own.unsend_text", { name: bdi(partnerName()) }),
        t("own.unsend"),
        true,
      )
    : await confirmDialog(t("cards.delete_title"), t("cards.delete_text"), t("cards.delete"), true);
  if (!yes) return false;
  await remove(store.byId(entry.id) || entry);
  // Offline it leaves the partner's phone only once this one is back online: say so, never "gone" early.
  const said = navigator.onLine ? "own.unsent" : "own.unsent_offline";
  toast(shared ? tp(said, { name: bdi(partnerName()) }) : t("own.deleted"));
  return true;
}

/** The sheet that opens from "Edit" on one of your entries. */
export function openSheet(entry) {
  const words = wordsOf(entry.kind);
  const current = () => store.byId(entry.id) || entry;
  const dialog = h("dialog", { class: "dialog own-sheet", "aria-labelledby": id("own") });
  const close = () => {
    dialog.close();
    dialog.remove();
    // The list was drawn again meanwhile: focus goes back to this entry's new "Edit", if it is still there.
    const again = document.querySelector(`[data-key="${CSS.escape(`edit:${entry.id}`)}"]`);
    if (again) again.focus();
  };
  const message = notice();
  const parts = [
    h("h2", { id: dialog.getAttribute("aria-labelledby") }, t("own.title", { kind: kindName(entry.kind) })),
  ];
  if (words) {
    const area = h("textarea", {
      name: "words",
      rows: "4",
      maxlength: String(MAX[entry.kind] || L.NOTE_MAX),
      value: entry.body?.[words] || "",
      user: true,
    });
    const form = h(
      "form",
      { novalidate: true },
      field(t("own.words"), area),
      message,
      h("button", { type: "submit", class: "btn primary wide" }, t("own.save")),
    );
    form.onsubmit = (event) => {
      event.preventDefault();
      oneTap(`edit:${entry.id}`, async () => {
        const value = area.value.trim();
        if (!value && !OPTIONAL.has(words)) {
          say(message, t("own.need_words"));
          area.focus();
          return false;
        }
        const now = current();
        try {
          await update(now, { ...now.body, [words]: value });
        } catch (err) {
          await refused(form, err); // the sheet stays open, with the words
          area.focus();
          return false;
        }
        close();
        toast(t("own.saved"));
      });
    };
    parts.push(form);
  }
  const more = [];
  const here = store.partner && store.current(entry);
  if (KINDS[entry.kind]?.choose && here) {
    const shared = entry.visibility === "shared";
    more.push(
      action(shared ? t("own.make_private") : tp("own.share", { name: bdi(partnerName()) }), async () => {
        await setVisibility(current(), shared ? "private" : "shared");
        close();
        toast(shared ? t("own.now_private") : tp("own.now_shared", { name: bdi(partnerName()) }));
      }),
    );
  }
  if (entry.kind === "journal" && store.partner)
    more.push(action(t("own.as_disclosure"), () => asDisclosure(current(), close)));
  more.push(
    action(
      store.reachesPartner(entry) ? t("own.unsend") : t("cards.delete"),
      async () => {
        if (await unsend(current())) close();
      },
      "danger-text",
    ),
  );
  more.push(h("button", { type: "button", class: "btn ghost wide", onclick: close }, t("own.close")));
  dialog.append(...parts, h("div", { class: "own-more" }, more));
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

function action(label, run, extra = "") {
  const key = {};
  return h("button", { type: "button", class: `btn ghost wide ${extra}`, onclick: () => oneTap(key, run) }, label);
}

/** A journal line shared as today's disclosure: a new entry with its words (shortened to fit, and editable
 *  first); the journal line stays, private. One disclosure however often "Share" is tapped. */
function asDisclosure(line, closeSheet) {
  const dialog = h("dialog", { class: "dialog own-sheet", "aria-labelledby": id("own") });
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  const area = h("textarea", {
    name: "text",
    rows: "5",
    maxlength: String(L.DISCLOSURE_TEXT_MAX),
    value: (line.body.text || "").slice(0, L.DISCLOSURE_TEXT_MAX),
    user: true,
  });
  const message = notice();
  const disclosureId = crypto.randomUUID();
  const form = h(
    "form",
    { novalidate: true },
    h("h2", { id: dialog.getAttribute("aria-labelledby") }, t("own.as_disclosure")),
    h("p", { class: "muted" }, tp("own.as_disclosure_hint", { name: bdi(partnerName()) })),
    field(t("own.words"), area),
    message,
    h("button", { type: "submit", class: "btn primary wide" }, tp("own.share", { name: bdi(partnerName()) })),
    h("button", { type: "button", class: "btn ghost wide", onclick: close }, t("common.cancel")),
  );
  form.onsubmit = (event) => {
    event.preventDefault();
    oneTap(disclosureId, async () => {
      const text = area.value.trim();
      if (!text) {
        say(message, t("own.need_words"));
        return false;
      }
      const body = {
        text,
        category: "feeling",
        feelings: line.body.feelings || [],
        local_date: localDate(store.user.timezone),
      };
      try {
        await create("disclosure", body, { id: disclosureId });
      } catch (err) {
        await refused(form, err);
        return false;
      }
      close();
      closeSheet();
      toast(tp("own.shared_as_disclosure", { name: bdi(partnerName()) }));
    });
  };
  dialog.append(form);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    close();
  });
  document.body.append(dialog);
  dialog.showModal();
}
