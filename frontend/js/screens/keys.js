// The keys' screens (issue 15): the recovery phrase (/keys/phrase), unlocking a phone that has no keys
// (/keys/unlock), a second device by QR code or typed code (/keys/add: the phone with the keys shows it; the
// new phone opens its link, /keys/add#t=…), and the safety code partners compare (/keys/safety). Their words
// are in frontend/content/keys.<lang>.json; this module and the crypto load only when one opens.
import { store } from "../store.js";
import * as api from "../api.js";
import { bdi, clear, confirmDialog, field, h, notice, say, section } from "../ui.js";
import { formatDate, t, tp } from "../i18n.js";
import { encode, toSvg } from "../qr.js";
import { clientId } from "../sync.js";
import { TRANSFER_MINUTES } from "../limits.js";
import { contentKeys, publicKeyRaw } from "../crypto/keystore.js";
import { PhraseError } from "../crypto/recovery.js";
import { safetyCode, TamperedError } from "../crypto/primitives.js";
import * as flow from "../crypto/recovery-flow.js";
import * as transfer from "../crypto/transfer.js";
import * as ring from "../crypto/keyring.js";
import { AFTER_RESET } from "./auth.js";
import { navigate } from "../router.js";
import { schedule } from "../sync.js";

export const TRANSFER_KEY = "hearth-transfer"; // sessionStorage: a `t=` fragment kept through a login

export function mount(root, ctx) {
  const screens = {
    "/keys": hub,
    "/keys/phrase": phrase,
    "/keys/unlock": unlock,
    "/keys/add": add,
    "/keys/safety": safety,
    "/keys/devices": devices,
  };
  return (screens[ctx.path] || hub)(root, ctx);
}

/** The keys' screens from More, the recovery phrase's line saying whether it is set up. */
function hub(root) {
  head(root, t("route.keys"), t("keys.hub.lead"));
  const phraseHint = h("span", { class: "link-sub" }, t("keys.phrase.lead"));
  const rows = [
    ["/keys/phrase", t("route.keys_phrase"), phraseHint],
    ["/keys/add", t("route.keys_add"), t("keys.hub.add")],
    ["/keys/unlock", t("route.keys_unlock"), t("keys.hub.unlock")],
    ["/keys/devices", t("route.keys_devices"), t("keys.hub.devices")],
  ];
  if (store.couple && store.partner) rows.push(["/keys/safety", t("route.keys_safety"), t("keys.hub.safety")]);
  root.append(
    h(
      "nav",
      { class: "card links", "aria-label": t("route.keys") },
      h(
        "ul",
        { class: "link-list" },
        rows.map(([href, label, hint]) =>
          h(
            "li",
            {},
            h(
              "a",
              { href, "data-link": true },
              h("span", { class: "link-main" }, label),
              typeof hint === "string" ? h("span", { class: "link-sub" }, hint) : hint,
            ),
          ),
        ),
      ),
    ),
    backToMore(),
  );
  flow
    .recoveryIsSet()
    .then((isSet) => {
      phraseHint.textContent = t(isSet ? "keys.hub.phrase_set" : "keys.hub.phrase_unset");
    })
    .catch(() => {}); // offline: the line as it is
}

function head(root, title, lead) {
  root.append(h("div", { class: "page-head" }, h("h1", {}, title), lead ? h("p", {}, lead) : null));
}

const backToMore = () => h("a", { class: "btn ghost wide", href: "/more", "data-link": true }, t("keys.back"));
const backToKeys = () => h("a", { class: "btn ghost wide", href: "/keys", "data-link": true }, t("keys.back_keys"));

/** What went wrong, in words: the phrase's, the code's and the server's own reasons. */
function explain(err) {
  if (err instanceof PhraseError) {
    if (err.code === "phrase_length") return t("keys.unlock.phrase_length");
    if (err.code === "phrase_word") return t("keys.unlock.phrase_word", { n: err.index + 1 });
    return t("keys.unlock.phrase_checksum");
  }
  if (err instanceof flow.NoRecoveryError) return t("keys.unlock.no_recovery");
  if (err instanceof transfer.CodeError) return t("keys.transfer.bad_code");
  if (err instanceof transfer.NoTransferError) return t("keys.transfer.none", { count: TRANSFER_MINUTES });
  if (err instanceof api.ApiError) return api.explain(err);
  return t("keys.failed");
}

// --- The recovery phrase -----------------------------------------------------------------------------

function phrase(root) {
  head(root, t("keys.phrase.title"), t("keys.phrase.lead"));
  const body = h("div", {});
  root.append(body, backToKeys());
  const message = notice();
  const userId = store.user.id;

  function intro(isSet) {
    const start = h(
      "button",
      { type: "button", class: "btn primary wide", onclick: () => show() },
      isSet ? t("keys.phrase.make_new") : t("keys.phrase.show"),
    );
    clear(
      body,
      section(
        isSet ? t("keys.phrase.is_set") : t("keys.phrase.not_set"),
        h("p", {}, t("keys.phrase.why")),
        h("p", { class: "muted" }, isSet ? t("keys.phrase.new_replaces") : t("keys.phrase.once")),
        start,
        message,
      ),
    );
  }

  async function show() {
    const made = await flow.makePhrase();
    const list = h(
      "ol",
      { class: "phrase", "aria-label": t("keys.phrase.words_label"), translate: "no" },
      made.words.map((word) => h("li", {}, h("span", { class: "phrase-word" }, word))),
    );
    clear(
      body,
      section(
        t("keys.phrase.write_title"),
        h("p", {}, t("keys.phrase.write_lead")),
        list,
        h("p", { class: "notice notice-warn" }, t("keys.phrase.warning")),
        h("button", { type: "button", class: "btn primary wide", onclick: () => ask(made) }, t("keys.phrase.wrote")),
      ),
    );
  }

  function ask(made) {
    const positions = flow.wordsToAsk();
    const inputs = positions.map((at) =>
      h("input", {
        name: `word-${at + 1}`,
        autocomplete: "off",
        autocapitalize: "none",
        spellcheck: "false",
        translate: "no",
      }),
    );
    const problem = notice();
    const submit = h("button", { type: "submit", class: "btn primary wide" }, t("keys.phrase.confirm"));
    const form = h(
      "form",
      { novalidate: true },
      h("p", {}, t("keys.phrase.ask_lead")),
      positions.map((at, i) => field(t("keys.phrase.word_n", { n: at + 1 }), inputs[i])),
      problem,
      submit,
      h("button", { type: "button", class: "btn link", onclick: () => show() }, t("keys.phrase.start_over")),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const answers = Object.fromEntries(positions.map((at, i) => [at, inputs[i].value]));
      if (!flow.answersMatch(made.words, answers)) {
        say(problem, t("keys.phrase.mismatch"));
        return;
      }
      submit.disabled = true;
      say(problem, "");
      try {
        await flow.saveRecovery(made.entropy, userId);
        made.words.fill("");
        clear(
          body,
          section(
            t("keys.phrase.done_title"),
            h("p", { role: "status" }, t("keys.phrase.done")),
            h("p", { class: "muted" }, t("keys.phrase.done_keep")),
          ),
        );
      } catch (err) {
        say(problem, explain(err));
        submit.disabled = false;
      }
    };
    clear(body, section(t("keys.phrase.ask_title"), form));
    inputs[0].focus();
  }

  clear(body, h("p", { class: "muted" }, t("keys.loading")));
  flow.recoveryIsSet().then(intro, (err) => {
    intro(false);
    say(message, explain(err));
  });
}

// --- A phone without keys ------------------------------------------------------------------------------

/** Keys stored by the words or another phone's code: the keyring asks again, opens what waited, and the
 *  sync goes at once (then the recovery blob is sealed again with anything new). */
function arrived() {
  ring.keysArrived();
  localStorage.removeItem(AFTER_RESET);
  schedule(0, { force: true });
}

/** Why this phone was sent here (it lacks keys its person has elsewhere; after a password reset, that too),
 *  and a way on without them: what was written stays out of sight here until the phone is unlocked. */
function locked() {
  const reset = localStorage.getItem(AFTER_RESET);
  return h(
    "div",
    { class: "card locked-note" },
    h("h2", {}, t(reset ? "keys.locked.reset_title" : "keys.locked.title")),
    reset ? h("p", {}, t("keys.locked.reset")) : null,
    h("p", {}, t("keys.locked.why")),
    h("p", { class: "muted" }, t("keys.locked.later")),
    h("a", { class: "btn ghost wide", href: "/", "data-link": true }, t("keys.locked.not_now")),
  );
}

function unlock(root) {
  head(root, t("keys.unlock.title"), t("keys.unlock.lead"));
  const userId = store.user.id;
  const done = h("div", {});
  if (ring.missing()) done.append(locked());

  const words = h("textarea", {
    name: "phrase",
    rows: "4",
    autocomplete: "off",
    autocapitalize: "none",
    spellcheck: "false",
    translate: "no",
  });
  const phraseProblem = notice();
  const phraseButton = h("button", { type: "submit", class: "btn primary wide" }, t("keys.unlock.submit"));
  const phraseForm = h(
    "form",
    { novalidate: true },
    field(t("keys.unlock.phrase_label"), words, t("keys.unlock.phrase_hint")),
    phraseProblem,
    phraseButton,
  );
  phraseForm.onsubmit = async (event) => {
    event.preventDefault();
    phraseButton.disabled = true;
    say(phraseProblem, "");
    try {
      const result = await flow.unlockWithPhrase(userId, words.value);
      words.value = "";
      arrived();
      finished(result);
    } catch (err) {
      say(phraseProblem, err instanceof TamperedError ? t("keys.unlock.not_yours") : explain(err));
    }
    phraseButton.disabled = false;
  };

  const code = h("input", {
    name: "transfer-code",
    autocomplete: "off",
    autocapitalize: "characters",
    spellcheck: "false",
    translate: "no",
    placeholder: "XXXX XXXX XXXX XXXX XXXX XXXX XXXX", // i18n-ok: the code's shape, not words
  });
  const codeProblem = notice();
  const codeButton = h("button", { type: "submit", class: "btn wide" }, t("keys.transfer.use_code"));
  const codeForm = h(
    "form",
    { novalidate: true },
    h("p", {}, t("keys.transfer.other_phone")),
    field(t("keys.transfer.code_label"), code, t("keys.transfer.code_hint")),
    codeProblem,
    codeButton,
  );
  codeForm.onsubmit = async (event) => {
    event.preventDefault();
    codeButton.disabled = true;
    say(codeProblem, "");
    try {
      finished(await transfer.receiveTransfer(userId, await transfer.codeToSecret(code.value)));
      arrived();
      code.value = "";
    } catch (err) {
      say(codeProblem, err instanceof TamperedError ? t("keys.transfer.other_code") : explain(err));
    }
    codeButton.disabled = false;
  };

  const ways = [section(t("keys.unlock.phrase_title"), phraseForm), section(t("keys.transfer.other_title"), codeForm)];
  let unlocked = false;
  /** Unlocked: the phrase and the code have done their work, so only the way on is left (`keepWays`: the
   *  phone turned out to hold its keys already; the phrase and the code stay for a key it may lack from before). */
  function finished(result, keepWays = false) {
    unlocked = true;
    const card = readable(result);
    card.append(h("a", { class: "btn primary wide", href: "/", "data-link": true }, t("keys.go_today")));
    clear(done, card);
    for (const way of ways) way.hidden = !keepWays;
    const lead = root.querySelector(".page-head p"); // "doesn't have your keys yet" is no longer true
    if (lead) lead.hidden = true;
    done.scrollIntoView?.({ block: "nearest" });
  }

  root.append(done, ...ways, backToKeys());
  // The keys came another way: another phone of theirs (or the partner's) wrapped them while this screen was
  // open, or before it was opened again (a reload after being sent here). Then this phone reads, and says so.
  const heard = () => {
    if (unlocked || ring.state() !== "ready" || ring.missing()) return;
    finished({ conflicts: [] }, !done.querySelector(".locked-note"));
  };
  heard();
  ring.events.addEventListener("change", heard);
  return () => ring.events.removeEventListener("change", heard);
}

/** "This phone can read everything now", and any key this phone already held differently (kept as it was). */
function readable(result) {
  return h(
    "div",
    { class: "card", role: "status" },
    h("p", { class: "notice notice-info" }, t("keys.can_read")),
    result.conflicts.length ? h("p", { class: "muted" }, t("keys.kept_own", { count: result.conflicts.length })) : null,
  );
}

// --- A second device ------------------------------------------------------------------------------------

function add(root, ctx) {
  const fromLink =
    transfer.secretFromFragment(location.hash) || transfer.secretFromFragment(sessionStorage.getItem(TRANSFER_KEY));
  if (location.hash) history.replaceState(null, "", ctx.path); // off the address bar (and out of history)
  sessionStorage.removeItem(TRANSFER_KEY);
  if (fromLink) return receive(root, fromLink);
  head(root, t("keys.add.title"), t("keys.add.lead"));
  const body = h("div", {});
  const message = notice();
  let shown = false;
  root.append(body, message, backToKeys());

  async function begin() {
    say(message, "");
    try {
      if (!Object.keys(await contentKeys()).length) {
        clear(body, section(t("keys.add.no_keys_title"), h("p", {}, t("keys.add.no_keys"))));
        return;
      }
      const made = await transfer.startTransfer(store.user.id);
      shown = true;
      const qr = toSvg(encode(made.url), t("keys.add.qr_label"));
      qr.classList.add("qr");
      clear(
        body,
        section(
          t("keys.add.scan_title"),
          h("p", {}, t("keys.add.scan")),
          qr,
          h("p", {}, t("keys.add.or_type")),
          h(
            "p",
            { class: "code transfer-code", translate: "no", "aria-label": t("keys.transfer.code_label") },
            made.code,
          ),
          h(
            "p",
            { class: "hint" },
            t("keys.add.until", {
              count: TRANSFER_MINUTES,
              when: formatDate(made.expiresAt, { hour: "numeric", minute: "2-digit" }),
            }),
          ),
          h("button", { type: "button", class: "btn wide", onclick: () => stop() }, t("keys.add.stop")),
        ),
      );
    } catch (err) {
      say(message, explain(err));
      intro();
    }
  }

  async function stop() {
    shown = false;
    await transfer.cancelTransfer().catch(() => {});
    intro();
  }

  function intro() {
    clear(
      body,
      section(
        t("keys.add.how_title"),
        h("p", {}, t("keys.add.how")),
        h("button", { type: "button", class: "btn primary wide", onclick: () => begin() }, t("keys.add.show")),
      ),
    );
  }

  intro();
  return () => {
    if (shown) transfer.cancelTransfer().catch(() => {}); // left the screen: nobody else may use it
  };
}

function receive(root, secret) {
  head(root, t("keys.add.receive_title"), null);
  const body = h("div", {}, h("p", { class: "muted", role: "status" }, t("keys.add.receiving")));
  root.append(body, backToKeys());
  transfer.receiveTransfer(store.user.id, secret).then(
    (result) => {
      arrived();
      root.querySelector("h1").textContent = t("keys.add.received_title");
      clear(body, readable(result));
    },
    (err) => {
      const text = err instanceof TamperedError ? t("keys.transfer.other_code") : explain(err);
      clear(
        body,
        notice(text),
        h("a", { class: "btn wide", href: "/keys/unlock", "data-link": true }, t("keys.add.try_other")),
      );
    },
  );
}

// --- The safety code ------------------------------------------------------------------------------------

/** This device in the key directory (the keyring registers it too; registering again is a no-op). */
async function registered() {
  const publicKey = await publicKeyRaw();
  const deviceId = await clientId();
  await api.post("/api/keys/devices", { device_id: deviceId, public_key: publicKey });
  return { publicKey, deviceId };
}

function safety(root) {
  head(root, t("keys.safety.title"), t("keys.safety.lead"));
  const body = h("div", {}, h("p", { class: "muted" }, t("keys.loading")));
  root.append(
    body,
    section(
      t("keys.safety.how_title"),
      h("p", {}, t("keys.safety.how")),
      h("p", {}, t("keys.safety.match")),
      h("p", { class: "notice notice-warn" }, t("keys.safety.differ")),
    ),
    backToKeys(),
  );
  const partner = store.partner;
  const name = partner ? partner.display_name : t("common.your_partner");
  if (!store.couple || !partner) {
    clear(body, h("p", {}, t("keys.safety.no_partner")));
    return;
  }
  (async () => {
    const me = await registered();
    const { devices } = await api.get("/api/keys");
    const theirs = devices.filter((d) => d.user_id === partner.id);
    if (!theirs.length) {
      clear(body, section(t("keys.safety.code_title"), h("p", {}, tp("keys.safety.waiting", { name: bdi(name) }))));
      return;
    }
    const rows = [];
    for (const [n, device] of theirs.entries()) {
      const code = await safetyCode(me.publicKey, device.public_key);
      const label = device.label ? bdi(device.label) : t("keys.safety.device_n", { n: n + 1 });
      rows.push(
        h(
          "li",
          {},
          h(
            "span",
            { class: "link-sub" },
            theirs.length === 1
              ? tp("keys.safety.with_one", { name: bdi(name) })
              : tp("keys.safety.with", { name: bdi(name), device: label }),
          ),
          h("p", { class: "code safety-code", translate: "no" }, code),
        ),
      );
    }
    clear(body, section(t("keys.safety.code_title"), h("ul", { class: "safety-codes" }, rows)));
    if (store.keyWait() === "mismatch") body.append(trustAfterAll(name, theirs));
  })().catch((err) => clear(body, notice(explain(err))));
}

/** After the invite link's check failed (screens/key-wait.js): once both phones showed the same codes, the person
 *  says so and this phone takes the couple key from the partner's phone, and may wrap it for `devices` (the
 *  partner's, whose codes were shown). Codes that differ: they pair again. */
function trustAfterAll(name, devices) {
  const button = h("button", { type: "button", class: "btn primary wide" }, t("keys.safety.trust"));
  button.addEventListener("click", () => {
    ring.trustCouple(store.couple.id, devices);
    store.setKeyWait(store.couple.id, "waiting"); // "Waiting for ‹name›'s phone" until its key arrives
    schedule(0);
    navigate("/");
  });
  return section(
    t("keys.safety.trust_title"),
    h("p", {}, tp("keys.safety.trust_lead", { name: bdi(name) })),
    h("p", { class: "muted" }, t("keys.safety.trust_differ")),
    button,
  );
}

// --- Your devices --------------------------------------------------------------------------------------

/** This person's devices in the key directory; another one (lost, sold, an old browser) can be removed: it
 *  gets no new keys (the couple moves to a new key). Asked first when that would lose the words. This phone
 *  goes by logging out. */
function devices(root) {
  head(root, t("keys.devices.title"), t("keys.devices.lead"));
  const body = h("div", {}, h("p", { class: "muted" }, t("keys.loading")));
  const message = notice();
  root.append(body, message, backToKeys());

  async function draw() {
    const self = (await registered()).deviceId;
    const { devices: all } = await api.get("/api/keys");
    const mine = all.filter((d) => d.user_id === store.user.id);
    const rows = mine.map((device, n) => {
      const here = device.device_id === self;
      const name = device.label ? bdi(device.label) : t("keys.devices.device_n", { n: n + 1 });
      return h(
        "li",
        { class: "device-row" },
        h(
          "div",
          {},
          h("span", { class: "link-main" }, name),
          h(
            "span",
            { class: "link-sub" },
            here ? t("keys.devices.this_one") : t("keys.devices.added", { when: formatDate(device.created_at) }),
          ),
        ),
        here
          ? null
          : h(
              "button",
              { type: "button", class: "btn small danger", onclick: () => remove(device) },
              t("keys.devices.remove"),
            ),
      );
    });
    clear(body, section(t("keys.devices.list_title"), h("ul", { class: "device-list" }, rows)));
  }

  async function remove(device) {
    say(message, "");
    const loss = await import("../parts/keys-loss.js");
    const asked = await loss.confirmLoss("remove", device.device_id);
    if (asked === false) return;
    if (asked === null) {
      const sure = await confirmDialog(
        t("keys.devices.remove_title"),
        t("keys.devices.remove_text"),
        t("keys.devices.remove"),
        true,
      );
      if (!sure) return;
    }
    try {
      await api.del(`/api/keys/devices/${device.device_id}`);
      ring.invalidate();
      await draw();
    } catch (err) {
      say(message, explain(err));
    }
  }

  draw().catch((err) => clear(body, notice(explain(err))));
}
