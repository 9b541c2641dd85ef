// Always-visible status: the sync pill, the "couldn't save" list, the update offer.
import { store } from "../store.js";
import * as db from "../db.js";
import * as sync from "../sync.js";
import { h, clear, toast } from "../ui.js";
import { kindName, summary } from "./cards.js";
import { t } from "../i18n.js";

let updateAction = null;

export function mount() {
  const pill = document.getElementById("sync-pill");
  pill.addEventListener("click", () => {
    if (store.pending) toast(t("status.trying", { pending: describe() }));
    else toast(t("status.all_synced"));
    sync.schedule(0, { force: true });
  });
  store.addEventListener("change", render);
  render();
}

function describe() {
  return t("status.pending", { count: store.pending });
}

function render() {
  const pill = document.getElementById("sync-pill");
  pill.hidden = !store.user || !store.couple;
  const { state, message } = store.sync;
  let text = t("status.synced");
  let look = "ok";
  if (store.pending) {
    look = "pending";
    text = t(state === "offline" ? "status.waiting_offline" : "status.not_synced", { count: store.pending });
  } else if (state === "syncing") text = t("status.syncing");
  else if (state === "offline") text = t("status.offline");
  if (state === "error") look = store.pending ? "pending" : "error";
  pill.textContent = text;
  pill.dataset.state = look;
  pill.dataset.syncedAt = store.sync.at || ""; // when the last round finished (tests wait on it)
  pill.setAttribute("aria-label", store.pending ? t("status.label", { pending: describe(), message }) : text);
  pill.title = message || text;
  renderNotices();
}

function renderNotices() {
  const box = document.getElementById("notices");
  const parts = [];
  if (updateAction) {
    parts.push(
      h(
        "div",
        { class: "card soft banner", role: "status" },
        h("span", {}, t("status.update_ready")),
        h("button", { type: "button", class: "btn primary small", onclick: updateAction }, t("status.update")),
      ),
    );
  }
  // An agreement both changed at once is chosen in its place (screens/agreements.js); elsewhere one line leads there.
  const inPlace = (f) => f.status === "conflict" && f.attempted?.kind === "agreement";
  const failures = store.failures.filter((f) => !inPlace(f));
  if (failures.length < store.failures.length && location.pathname !== "/agreements") {
    parts.push(
      h(
        "p",
        { class: "card soft banner", role: "status" },
        h("a", { href: "/agreements", "data-link": true }, t("status.agreement_conflict")),
      ),
    );
  }
  // Words that did not open here (changed on the way, or not meant for this entry): said, never shown.
  for (const author of new Set(store.setAside.map((e) => e.author_id))) {
    parts.push(
      h(
        "p",
        { class: "card soft banner set-aside", role: "status" },
        t("status.set_aside", { name: store.nameOf(author) }),
      ),
    );
  }
  if (failures.length) {
    parts.push(
      h(
        "section",
        { class: "card", "aria-labelledby": "failures-title" },
        h("h2", { id: "failures-title" }, t("status.couldnt")),
        failures.map(failureItem),
      ),
    );
  }
  clear(box, parts);
}

function failureItem(failure) {
  const attempted = failure.attempted || {};
  const what = kindName(attempted.kind);
  const reasons = flatten(failure.error.errors || {});
  const conflict = failure.status === "conflict";
  return h(
    "div",
    { class: "failure" },
    h("p", {}, t(conflict ? "status.conflict" : "status.not_saved", { what })),
    attempted.body ? h("p", { class: "quote" }, clip(summary(attempted))) : null,
    h("p", { class: "small muted" }, t("status.reason", { reason: failure.error.message || t("status.refused") })),
    reasons.length
      ? h(
          "ul",
          { class: "small muted" },
          reasons.map((r) => h("li", {}, r)),
        )
      : null,
    conflict && failure.current
      ? h("p", { class: "small" }, t("status.current"), h("span", { class: "quote" }, summary(failure.current)))
      : null,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        {
          type: "button",
          class: "btn small ghost",
          onclick: async () => {
            await db.del("failures", failure.mid);
            await store.reload();
          },
        },
        t("status.dismiss"),
      ),
    ),
  );
}

const clip = (text) => (text.length > 140 ? `${text.slice(0, 140)}…` : text);

/** {body: {text: ["Too long."]}} → ["text: Too long."] (the innermost field name reads best). */
function flatten(errors, name = "") {
  if (Array.isArray(errors)) return [`${name}: ${errors.join(" ")}`];
  if (errors && typeof errors === "object") return Object.entries(errors).flatMap(([k, v]) => flatten(v, k));
  return [`${name}: ${errors}`];
}

/** Redraws the pill and notices (after a language change). */
export const refresh = () => render();

export function showUpdate(action) {
  updateAction = action;
  renderNotices();
}
