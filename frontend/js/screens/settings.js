// More: profile and reminders, notifications, pairing, then the account sections.
import { store } from "../store.js";
import * as api from "../api.js";
import * as sync from "../sync.js";
import { bdi, h, field, notice, say, toast, section, showErrors, confirmDialog } from "../ui.js";
import { phoneZone } from "../time.js";
import { nudgeSection } from "../parts/nudge.js";
import { accountSections } from "../parts/account.js";
import { DISPLAY_NAME_MAX } from "../limits.js";

// The screens reached from More, one line each: [path, label, hint].
const LINKS = [
  ["/journal", "Journal", "Private notes, only for you"],
  ["/rituals", "Rituals", "Check-ins, exercises and what's next"],
  ["/commitments", "Commitments", "Small next steps, due within a week"],
  ["/us", "Us", "Your numbers together, with small charts"],
  ["/timeout", "Time-out", "Pause a heated talk and agree when to come back"],
  ["/tension", "Talk about a tension", "One issue, one feeling, one next step"],
  ["/agreements", "Agreements", "Your conflict rules, boundaries and goals"],
  ["/path", "Six-week path", "One small step a week"],
  ["/help", "Get help", "Therapy, finding support, and safety"],
  ["/mine", "Your entries", "Everything you wrote, from every couple"],
];
const ALONE = new Set(["/journal", "/help", "/mine"]); // what needs no partner

function links() {
  const shown = LINKS.filter(([href]) => store.couple || ALONE.has(href));
  if (store.notSent.length) shown.push(["/not-sent", `Not sent (${store.notSent.length})`, "Written for your previous couple"]);
  return h("nav", { class: "card links", "aria-label": "More screens" }, h("ul", { class: "link-list" },
    shown.map(([href, label, hint]) => h("li", {}, h("a", { href, "data-link": true },
      h("span", { class: "link-main" }, label), h("span", { class: "link-sub" }, hint))))));
}

export function mount(root) {
  const nudge = nudgeSection();
  root.append(h("div", { class: "page-head" }, h("h1", {}, store.couple ? "More" : "Settings"),
    h("p", {}, store.couple ? "Settings, pairing and your account." : "Your entries, settings and account.")),
    links(), profileForm(), nudge, pairing(), ...accountSections());
  return nudge.cleanup;
}

function zones(current) {
  const list = Intl.supportedValuesOf ? Intl.supportedValuesOf("timeZone") : [phoneZone()];
  const all = [...new Set([current, phoneZone(), ...list])].filter(Boolean).sort();
  return h("select", { name: "timezone" }, all.map((zone) =>
    h("option", { value: zone, selected: zone === current }, zone === phoneZone() ? `${zone} (this phone)` : zone)));
}

function profileForm() {
  const u = store.user;
  const name = h("input", { name: "display_name", value: u.display_name, maxlength: String(DISPLAY_NAME_MAX), autocomplete: "given-name" });
  const zone = zones(u.timezone || phoneZone());
  const nudge = h("input", { type: "time", name: "nudge_time", value: u.nudge_time || "20:00" });
  const quietStart = h("input", { type: "time", name: "quiet_start", value: u.quiet_start || "" });
  const quietEnd = h("input", { type: "time", name: "quiet_end", value: u.quiet_end || "" });
  const previews = h("input", { type: "checkbox", name: "show_previews", id: "show-previews", checked: !!u.show_previews });
  const message = notice();
  const form = h("form", { novalidate: true },
    field("Your name", name), field("Time zone", zone, "Your days, nudges and quiet hours follow it."),
    field("Daily nudge at", nudge, "When Hearth reminds you to share one small thing."),
    h("div", { class: "row" }, h("div", { class: "grow" }, field("Quiet from", quietStart)), h("div", { class: "grow" }, field("until", quietEnd))),
    h("label", { class: "check", for: previews.id }, previews, h("span", {}, "Show your partner's words on the lock screen")),
    message, h("button", { type: "submit", class: "btn primary" }, "Save settings"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = { display_name: name.value.trim(), timezone: zone.value, nudge_time: nudge.value || "20:00",
      quiet_start: quietStart.value || null, quiet_end: quietEnd.value || null, show_previews: previews.checked };
    if ((data.quiet_start === null) !== (data.quiet_end === null)) {
      showErrors(form, { quiet_end: "Set both ends of your quiet hours, or neither." });
      return;
    }
    try {
      const { user } = await api.patch("/api/me", data);
      await store.setUser(user);
      showErrors(form, {});
      say(message, "");
      toast("Settings saved.");
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(message, err.status !== 422 || Object.keys(rest).length ? api.explain(err, { 0: "Settings need a connection. Please try again when you're online." }) : "");
    }
  };
  return section("You", form);
}

function pairing() {
  if (!store.couple) {
    return section("Pairing", h("p", {}, "You're not in a couple now. Your own entries stay yours."),
      h("a", { class: "btn primary", href: "/pair", "data-link": true }, "Pair up"));
  }
  const couple = store.couple;
  const partner = store.partner;
  const message = notice();
  const leave = h("button", { type: "button", class: "btn ghost", onclick: async () => {
    const ok = await confirmDialog("Leave this couple?",
      ["You'll keep your own entries, but you won't see ", bdi(partner ? partner.display_name : "your partner"), "'s any more, and they won't see yours."],
      "Leave", true);
    if (!ok) return;
    try {
      await api.post("/api/couple/leave");
      await sync.unpaired();
      await store.refreshMe();
    } catch (err) {
      say(message, api.explain(err, { 404: "You're not in a couple any more." }));
      if (err.status === 404) store.refreshMe();
    }
  } }, "Leave couple");
  const since = couple && couple.paired_at ? new Date(couple.paired_at).toLocaleDateString() : null;
  return section("Pairing",
    partner ? h("p", {}, "Paired with ", bdi(partner.display_name), since ? h("span", { class: "muted" }, ` since ${since}`) : null)
      : h("p", {}, "Waiting for your partner to join. ", h("a", { href: "/pair", "data-link": true }, "Invite again")),
    h("div", { class: "actions" }, leave), message);
}
