// More: profile and reminders, language, notifications, pairing, then the account sections.
import { store } from "../store.js";
import * as api from "../api.js";
import { bdi, h, field, notice, say, toast, section, showErrors } from "../ui.js";
import { t, tp, formatDate, language, chosenLanguage, chooseLanguage, LANGUAGES } from "../i18n.js";
import { phoneZone } from "../time.js";
import { nudgeSection } from "../parts/nudge.js";
import { depthDial } from "../parts/depth-dial.js";
import { accountSections } from "../parts/account.js";
import * as status from "../parts/status.js";
import { DISPLAY_NAME_MAX, PUSH_BUDGET_MAX } from "../limits.js";

// The screens reached from More, one line each: the label is the screen's title (route.<key>), the hint
// settings.hint.<key>.
const LINKS = [
  "story",
  "journal",
  "rituals",
  "commitments",
  "us",
  "timeout",
  "tension",
  "agreements",
  "path",
  "love-maps",
  "help",
  "mine",
  "keys",
] // screens, not kinds
  .map((key) => [`/${key}`, key]);
const ALONE = new Set(["/story", "/journal", "/help", "/mine", "/keys"]); // what needs no partner

function links() {
  // "Your keys" only where the server has end-to-end encryption on (/api/me `encryption`).
  const shown = LINKS.filter(
    ([href]) => (store.couple || ALONE.has(href)) && (href !== "/keys" || store.encryption),
  ).map(([href, key]) => [href, t(`route.${key}`), t(`settings.hint.${key}`)]);
  if (store.notSent.length) {
    shown.push([
      "/not-sent",
      t("settings.not_sent_link", { count: store.notSent.length }),
      t("settings.hint.not_sent"),
    ]);
  }
  const nav = h(
    "nav",
    { class: "card links", "aria-label": t("settings.nav_label") },
    h(
      "ul",
      { class: "link-list" },
      shown.map(([href, label, hint]) =>
        h(
          "li",
          {},
          h(
            "a",
            { href, "data-link": true },
            h("span", { class: "link-main" }, label),
            h("span", { class: "link-sub" }, hint),
          ),
        ),
      ),
    ),
  );
  // Whether the recovery phrase is set up, under the keys' line (offline: the line as it is).
  const keys = nav.querySelector('a[href="/keys"] .link-sub');
  if (keys)
    api
      .get("/api/keys")
      .then((found) => {
        if (keys) keys.textContent = t(found.recovery ? "settings.hint.keys_set" : "settings.hint.keys_unset");
      })
      .catch(() => {});
  return nav;
}

export function mount(root) {
  const nudge = nudgeSection();
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, store.couple ? t("settings.title_more") : t("settings.title_settings")),
      h("p", {}, store.couple ? t("settings.lead_more") : t("settings.lead_alone")),
    ),
    links(),
    profileForm(),
    section(t("onboard.depth.title"), depthDial()),
    languageSection(),
    nudge,
    pairing(),
    ...accountSections(),
  );
  return nudge.cleanup;
}

function zones(current) {
  const list = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [phoneZone()];
  const all = [...new Set([current, phoneZone(), ...list])].filter(Boolean).sort();
  return h(
    "select",
    { name: "timezone" },
    all.map((zone) =>
      h(
        "option",
        { value: zone, selected: zone === current },
        zone === phoneZone() ? t("settings.this_phone", { zone }) : zone,
      ),
    ),
  );
}

function profileForm() {
  const u = store.user;
  const name = h("input", {
    name: "display_name",
    value: u.display_name,
    maxlength: String(DISPLAY_NAME_MAX),
    autocomplete: "given-name",
  });
  const zone = zones(u.timezone || phoneZone());
  const nudge = h("input", { type: "time", name: "nudge_time", value: u.nudge_time || "20:00" });
  const budget = budgetSelect(u.daily_push_budget ?? u.daily_partner_push_limit);
  const quietStart = h("input", { type: "time", name: "quiet_start", value: u.quiet_start || "" });
  const quietEnd = h("input", { type: "time", name: "quiet_end", value: u.quiet_end || "" });
  const previews = h("input", {
    type: "checkbox",
    name: "show_previews",
    id: "show-previews",
    checked: !!u.show_previews,
  });
  const message = notice();
  const form = h(
    "form",
    { novalidate: true },
    field(t("settings.your_name"), name),
    field(t("settings.zone"), zone, t("settings.zone_hint")),
    field(t("settings.nudge_at"), nudge, t("settings.nudge_hint")),
    field(t("settings.budget.label"), budget, t("settings.budget.hint")),
    h(
      "div",
      { class: "row" },
      h("div", { class: "grow" }, field(t("settings.quiet_from"), quietStart)),
      h("div", { class: "grow" }, field(t("settings.quiet_until"), quietEnd)),
    ),
    h("label", { class: "check", for: previews.id }, previews, h("span", {}, t("settings.previews"))),
    message,
    h("button", { type: "submit", class: "btn primary" }, t("settings.save")),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = {
      display_name: name.value.trim(),
      timezone: zone.value,
      nudge_time: nudge.value || "20:00",
      quiet_start: quietStart.value || null,
      quiet_end: quietEnd.value || null,
      show_previews: previews.checked,
      daily_push_budget: Number(budget.value),
    };
    if ((data.quiet_start === null) !== (data.quiet_end === null)) {
      showErrors(form, { quiet_end: t("settings.quiet_both") });
      return;
    }
    try {
      const { user } = await api.patch("/api/me", data);
      await store.setUser(user);
      showErrors(form, {});
      say(message, "");
      toast(t("settings.saved"));
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(
        message,
        err.status !== 422 || Object.keys(rest).length ? api.explain(err, { 0: t("settings.need_online") }) : "",
      );
    }
  };
  return section(t("settings.you"), form);
}

/** Pushes a day, 0 to PUSH_BUDGET_MAX, every kind counted: 0 is said as quiet, never as a number to beat. */
function budgetSelect(current) {
  const options = [];
  for (let count = 0; count <= PUSH_BUDGET_MAX; count++) {
    const label = count === 0 ? t("settings.budget.none") : t("settings.budget.option", { count });
    options.push(h("option", { value: String(count), selected: count === current }, label));
  }
  return h("select", { name: "daily_push_budget" }, ...options);
}

/** Language: as the phone, English or Russian. Kept on this phone (it wins over the account's), and sent
 *  to the server so pushes and emails speak it too; the screen re-renders in place, no reload. */
function languageSection() {
  const options = [["", t("language.auto")], ...LANGUAGES.map((code) => [code, t(`language.${code}`)])];
  const chosen = chosenLanguage();
  // A select, not a row of buttons: "Как на телефоне" is too long for a third of a phone's width.
  const select = h(
    "select",
    {
      name: "language",
      "aria-label": t("language.label"),
      onchange: async () => {
        await chooseLanguage(select.value);
        if (store.user) store.tellLanguage(language());
        const router = await import("../router.js"); // imported here: the router imports this screen
        router.render();
        status.refresh();
      },
    },
    options.map(([value, label]) => h("option", { value, selected: value === chosen }, label)),
  );
  return section(t("language.label"), select, h("p", { class: "hint" }, t("language.hint")));
}

function pairing() {
  if (!store.couple) {
    return section(
      t("settings.pairing"),
      h("p", {}, t("settings.not_paired")),
      h("a", { class: "btn primary", href: "/pair", "data-link": true }, t("settings.pair_up")),
    );
  }
  const couple = store.couple;
  const partner = store.partner;
  // Asked once more on its own page, with an optional note to the partner (screens/leave.js).
  const leave = h("a", { class: "btn ghost", href: "/leave", "data-link": true }, t("settings.leave_couple"));
  const since = couple?.paired_at ? formatDate(couple.paired_at, { dateStyle: "medium" }) : null;
  return section(
    t("settings.pairing"),
    partner
      ? h(
          "p",
          {},
          tp("settings.paired_with", { name: bdi(partner.display_name) }),
          since ? h("span", { class: "muted" }, t("settings.since", { date: since })) : null,
        )
      : h("p", {}, t("settings.waiting"), h("a", { href: "/pair", "data-link": true }, t("settings.invite_again"))),
    h("div", { class: "actions" }, leave),
  );
}
