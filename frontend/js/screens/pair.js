// Pairing: start a couple and share the invite (code, link, QR, share sheet), or join with a code.
import { store } from "../store.js";
import * as api from "../api.js";
import * as db from "../db.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { encode, toSvg } from "../qr.js";
import { logout } from "../parts/account.js";
import { notSentNotice } from "./not-sent.js";

/** Without a couple, what is one's own is still here: entries, journal, settings and account. */
function ownThings() {
  const links = [["/mine", "Your entries", "Everything you wrote: read, delete, export"],
    ["/journal", "Journal", "Private notes, only for you"],
    ["/more", "Settings and account", "Reminders, export, password, delete account"]];
  return h("nav", { class: "card links", "aria-label": "Your things" }, h("ul", { class: "link-list" },
    links.map(([href, label, hint]) => h("li", {}, h("a", { href, "data-link": true },
      h("span", { class: "link-main" }, label), h("span", { class: "link-sub" }, hint))))));
}

export function mount(root, { params }) {
  const code = params.get("code") || sessionStorage.getItem("hearth-join-code") || "";
  const couple = store.couple;
  const head = h("div", { class: "page-head" });
  root.append(head);
  if (couple && couple.members.length > 1) {
    sessionStorage.removeItem("hearth-join-code");
    const partner = store.partner ? store.partner.display_name : "your partner";
    head.append(h("h1", {}, "You're paired with ", bdi(partner)),
      h("p", {}, code ? "This invite isn't needed: you're already in a couple." : "Everything you share goes to them."));
    root.append(h("a", { class: "btn primary wide", href: "/", "data-link": true }, "Go to Today"));
    return;
  }
  if (couple) {
    head.append(h("h1", {}, "Invite your partner"), h("p", {}, "Hearth works best with two. Send them this invite."));
    root.append(inviteCard(), h("a", { class: "btn ghost wide", href: "/", "data-link": true }, "Continue to Hearth"));
    return;
  }
  head.append(h("h1", {}, "Welcome, ", bdi(store.user.display_name)), h("p", {}, "Hearth connects two phones. One of you starts, the other joins."));
  const join = joinCard(code);
  const start = section("Start as the first of you",
    h("p", { class: "muted" }, "You'll get an invite code and a link to send your partner."),
    startButton());
  root.append(...[notSentNotice()].filter(Boolean), ...(code ? [join, start] : [start, join]), ownThings(),
    h("button", { type: "button", class: "btn link", onclick: () => logout() }, "Log out"));
}

function startButton() {
  const message = notice();
  const button = h("button", { type: "button", class: "btn primary wide", onclick: async () => {
    button.disabled = true;
    try {
      const data = await api.post("/api/couple");
      await db.setMeta("invite", data.invite);
      history.replaceState(null, "", "/pair");
      await store.setMe({ user: store.user, couple: data.couple });
    } catch (err) {
      say(message, api.explain(err, { 409: "You're already in a couple. Reload to see it." }));
      button.disabled = false;
    }
  } }, "Start our Hearth");
  return h("div", {}, button, message);
}

function joinCard(code) {
  const input = h("input", { name: "code", value: code, autocomplete: "off", autocapitalize: "characters",
    placeholder: "HEARTH-XXXX-XXXX", spellcheck: "false" });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, "Join");
  const form = h("form", { novalidate: true }, field("Invite code", input, "Letters and numbers; dashes and spaces don't matter."), message, submit);
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!input.value.trim()) { say(message, "Please type the code your partner sent you."); return; }
    submit.disabled = true;
    say(message, "");
    try {
      const data = await api.post("/api/couple/join", { code: input.value.trim() });
      sessionStorage.removeItem("hearth-join-code");
      history.replaceState(null, "", "/");
      await store.setMe({ user: store.user, couple: data.couple });
      toast("You're paired. Welcome home.");
    } catch (err) {
      say(message, api.explain(err, {
        404: "That code doesn't work. It may have a typo, be used already, or have expired (codes last 48 hours). Ask your partner for a new one.",
        409: "You're already in a couple. To join another, leave the current one in More first.",
        422: "That doesn't look like an invite code. It starts with HEARTH-.",
      }));
      submit.disabled = false;
    }
  };
  return section(code ? "Join your partner" : "Join with a code", form);
}

function inviteCard() {
  const body = h("div", {});
  const card = section("Your invite", body);
  const message = notice();
  async function show() {
    const invite = await db.getMeta("invite");
    if (!invite || new Date(invite.expires_at) < new Date()) {
      clear(body, h("p", { class: "muted" }, "Your last invite has expired or was used on another phone."), newInviteButton(), message);
      return;
    }
    const link = h("input", { readonly: true, value: invite.url, "aria-label": "Invite link", name: "invite-url" });
    const expires = new Date(invite.expires_at).toLocaleString(undefined, { weekday: "short", hour: "numeric", minute: "2-digit" });
    clear(body,
      h("p", { class: "code", "aria-label": "Invite code" }, invite.code),
      toQr(invite.url),
      link,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn primary", onclick: () => copy(invite.url, link) }, "Copy link"),
        navigator.share ? h("button", { type: "button", class: "btn", onclick: () => share(invite) }, "Share…") : null),
      h("p", { class: "hint" }, `Works once, until ${expires}.`),
      newInviteButton(), message);
  }
  function newInviteButton() {
    const button = h("button", { type: "button", class: "btn link", onclick: async () => {
      button.disabled = true;
      try {
        const data = await api.post("/api/couple/invite");
        await db.setMeta("invite", data.invite);
        await show();
      } catch (err) {
        say(message, api.explain(err, { 409: "Your partner has already joined.", 404: "Start a couple first." }));
        button.disabled = false;
        if (err.status === 409) store.refreshMe();
      }
    } }, "Make a new invite");
    return button;
  }
  show();
  return card;
}

function toQr(url) {
  try {
    const svg = toSvg(encode(url), "QR code of the invite link");
    svg.classList.add("qr");
    return svg;
  } catch (err) {
    return null;
  }
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    toast("Link copied.");
  } catch (err) {
    input.select();
    toast("Select and copy the link above.");
  }
}

async function share(invite) {
  try {
    await navigator.share({ title: "Join me on Hearth", text: `Join me on Hearth. Code: ${invite.code}`, url: invite.url });
  } catch (err) { /* closed the sheet */ }
}
