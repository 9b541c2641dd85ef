// Pairing: start a couple and share the invite (code, link, QR, share sheet), or join with a code.
import { store } from "../store.js";
import * as api from "../api.js";
import * as db from "../db.js";
import { bdi, h, clear, field, notice, say, toast, section } from "../ui.js";
import { logout } from "../parts/account.js";
import { inviteFrom } from "../parts/invite-from.js";
import { INVITE_NOTE_MAX } from "../limits.js";
import { notSentNotice } from "./not-sent.js";
import { t, tp, formatDate } from "../i18n.js";

/** Without a couple, what is one's own is still here: entries, journal, settings and account. */
export function ownThings() {
  const links = [
    ["/mine", "mine"],
    ["/journal", "journal"],
    ["/more", "more"],
  ].map(([href, key]) => [href, t(`pair.own_${key}`), t(`pair.own_${key}_hint`)]);
  return h(
    "nav",
    { class: "card links", "aria-label": t("pair.own_label") },
    h(
      "ul",
      { class: "link-list" },
      links.map(([href, label, hint]) =>
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
}

export function mount(root, { params }) {
  const code = params.get("code") || sessionStorage.getItem("hearth-join-code") || "";
  const couple = store.couple;
  const head = h("div", { class: "page-head" });
  root.append(head);
  if (couple && couple.members.length > 1) {
    sessionStorage.removeItem("hearth-join-code");
    const partner = store.partner ? store.partner.display_name : t("common.your_partner");
    head.append(
      h("h1", {}, tp("pair.paired_title", { name: bdi(partner) })),
      h("p", {}, code ? t("pair.not_needed") : t("pair.shared_to_them")),
    );
    root.append(h("a", { class: "btn primary wide", href: "/", "data-link": true }, t("pair.go_today")));
    return;
  }
  if (couple) {
    head.append(h("h1", {}, t("pair.invite_title")), h("p", {}, t("pair.invite_lead")));
    root.append(inviteCard(), h("a", { class: "btn ghost wide", href: "/", "data-link": true }, t("pair.continue")));
    return;
  }
  head.append(
    h("h1", {}, tp("pair.welcome", { name: bdi(store.user.display_name) })),
    h("p", {}, t("pair.welcome_lead")),
  );
  const join = joinCard(code);
  const note = noteField();
  const start = section(
    t("pair.start_title"),
    h("p", { class: "muted" }, t("pair.start_lead")),
    note,
    startButton(note),
  );
  root.append(
    ...[notSentNotice()].filter(Boolean),
    ...(code ? [join, start] : [start, join]),
    ownThings(),
    h("button", { type: "button", class: "btn link", onclick: () => logout() }, t("common.log_out")),
  );
}

/** The optional short note the one invited reads with the inviter's name before joining. */
function noteField(value = "") {
  const input = h("textarea", { name: "invite_note", rows: "2", maxlength: String(INVITE_NOTE_MAX) }, value);
  const wrap = field(t("onboard.invite.note_label"), input, t("onboard.invite.note_hint"));
  wrap.value = () => input.value.trim() || null;
  return wrap;
}

function startButton(note) {
  const message = notice();
  const button = h(
    "button",
    {
      type: "button",
      class: "btn primary wide",
      onclick: async () => {
        button.disabled = true;
        try {
          const data = await api.post("/api/couple", { note: note.value() });
          await db.setMeta("invite", data.invite);
          history.replaceState(null, "", "/pair");
          await store.setMe({ user: store.user, couple: data.couple });
        } catch (err) {
          say(message, api.explain(err, { 409: t("pair.already") }));
          button.disabled = false;
        }
      },
    },
    t("pair.start"),
  );
  return h("div", {}, button, message);
}

function joinCard(code) {
  const input = h("input", {
    name: "code",
    value: code,
    autocomplete: "off",
    autocapitalize: "characters",
    placeholder: "HEARTH-XXXX-XXXX",
    spellcheck: "false",
  });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, t("pair.join"));
  const form = h(
    "form",
    { novalidate: true },
    inviteFrom(code),
    field(t("pair.code_label"), input, t("pair.code_hint")),
    message,
    submit,
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (!input.value.trim()) {
      say(message, t("pair.need_code"));
      return;
    }
    submit.disabled = true;
    say(message, "");
    try {
      const kept = store.encryption
        ? await inviteKey().then(
            (m) => m.keepJoinKey(),
            () => null,
          )
        : null;
      const data = await api.post("/api/couple/join", { code: input.value.trim() });
      sessionStorage.removeItem("hearth-join-code");
      // A typed code carries no key: the partner's phone hands it over (screens/key-wait.js says so meanwhile).
      if (store.encryption && !kept) store.setKeyWait(data.couple.id, "waiting");
      history.replaceState(null, "", "/");
      await store.setMe({ user: store.user, couple: data.couple });
      toast(t("pair.joined"));
    } catch (err) {
      say(
        message,
        api.explain(err, {
          404: t("pair.bad_code"),
          409: t("pair.already_leave"),
          422: t("pair.not_code"),
        }),
      );
      submit.disabled = false;
    }
  };
  return section(code ? t("pair.join_partner") : t("pair.join_code"), form);
}

// The couple key in the invite link's fragment (issue 15), loaded only here.
const inviteKey = () => import("../crypto/invite-key.js");

function inviteCard() {
  const body = h("div", {});
  const card = section(t("pair.your_invite"), body);
  const message = notice();
  async function show() {
    const stored = await db.getMeta("invite");
    if (!stored || new Date(stored.expires_at) < new Date()) {
      clear(body, h("p", { class: "muted" }, t("pair.expired")), newInviteButton(), message);
      return;
    }
    const invite = {
      ...stored,
      url: !store.encryption
        ? stored.url
        : await inviteKey().then(
            (m) => m.linkWithKey(stored.url, store.couple?.id),
            () => stored.url,
          ),
    };
    const link = h("input", {
      readonly: true,
      value: invite.url,
      "aria-label": t("pair.link_label"),
      name: "invite-url",
    });
    const qr = await toQr(invite.url);
    const expires = formatDate(invite.expires_at, { weekday: "short", hour: "numeric", minute: "2-digit" });
    clear(
      body,
      h("p", { class: "code", "aria-label": t("pair.code_label") }, invite.code),
      invite.note
        ? h("p", { class: "muted" }, t("onboard.invite.your_note"), " ", h("span", { user: true }, invite.note))
        : null,
      qr,
      link,
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "btn primary", onclick: () => copy(invite.url, link) }, t("pair.copy")),
        navigator.share
          ? h("button", { type: "button", class: "btn", onclick: () => share(invite) }, t("pair.share"))
          : null,
      ),
      h("p", { class: "hint" }, t("pair.works_until", { when: expires })),
      newInviteButton(),
      message,
    );
  }
  function newInviteButton() {
    const button = h(
      "button",
      {
        type: "button",
        class: "btn link",
        onclick: async () => {
          button.disabled = true;
          try {
            const last = await db.getMeta("invite");
            const data = await api.post("/api/couple/invite", { note: last?.note || null });
            await db.setMeta("invite", data.invite);
            await show();
          } catch (err) {
            say(message, api.explain(err, { 409: t("pair.partner_joined"), 404: t("pair.start_first") }));
            button.disabled = false;
            if (err.status === 409) store.refreshMe();
          }
        },
      },
      t("pair.new_invite"),
    );
    return button;
  }
  show();
  return card;
}

// The QR encoder loads when an invite is shown (precached, so offline too), not with the first screen.
async function toQr(url) {
  try {
    const { encode, toSvg } = await import("../qr.js");
    const svg = toSvg(encode(url), t("pair.qr_label"));
    svg.classList.add("qr");
    return svg;
  } catch (_err) {
    return null;
  }
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t("pair.copied"));
  } catch (_err) {
    input.select();
    toast(t("pair.select_copy"));
  }
}

async function share(invite) {
  try {
    await navigator.share({
      title: t("pair.share_title"),
      text: t("pair.share_text", { code: invite.code }),
      url: invite.url,
    });
  } catch (_err) {
    /* closed the sheet */
  }
}
