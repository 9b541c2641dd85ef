// Log in or sign up, or ask for a password-reset link (/forgot). A join link (/join?code=…) is
// remembered through either. After a reset (screens/reset.js) it opens with a kind note.
import { store } from "../store.js";
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";
import { phoneZone } from "../time.js";
import { t, has } from "../i18n.js";
import * as firstRun from "../first-run.js";
import { inviteFrom } from "../parts/invite-from.js";
import { renderForgot, RESET_EMAIL } from "../parts/forgot.js";
import { DISPLAY_NAME_MAX, PASSWORD_MIN } from "../limits.js";

export const AUTH_NOTE = "hearth-auth-note"; // one message (a catalogue key) for the next time this screen opens
// localStorage: a password reset of an account whose words are locked, until this phone holds its keys (the
// unlock screen says why it was sent there: crypto/sync-keys.js, screens/keys.js).
export const AFTER_RESET = "hearth-after-reset";
// sessionStorage: this visit was sent to /keys/unlock once (crypto/sync-keys.js); a new sign-in may be again.
export const UNLOCK_OFFERED = "hearth-unlock-offered";

export function mount(root, { path, params }) {
  const code = params.get("code") || sessionStorage.getItem("hearth-join-code");
  if (code) sessionStorage.setItem("hearth-join-code", code);
  let mode = path === "/signup" || (code && path === "/join") ? "signup" : path === "/forgot" ? "forgot" : "login";
  const note = sessionStorage.getItem(AUTH_NOTE);
  sessionStorage.removeItem(AUTH_NOTE);
  sessionStorage.removeItem(UNLOCK_OFFERED);
  const known = localStorage.getItem(RESET_EMAIL) || "";
  let typed = ""; // what the login form held when "Forgot password?" was tapped

  // Log in / Sign up follow the ARIA tabs pattern: one tab stop, arrow keys, Home and End move between them.
  const tabs = h("div", { class: "segmented", role: "tablist", "aria-label": t("auth.tabs_label") });
  const form = h("form", { class: "card", novalidate: true, role: "tabpanel", id: "auth-panel" });
  const MODES = ["login", "signup"];
  const tabButtons = MODES.map((key) =>
    h(
      "button",
      { type: "button", role: "tab", id: `auth-tab-${key}`, "aria-controls": form.id, onclick: () => choose(key) },
      t(key === "login" ? "auth.log_in" : "auth.sign_up"),
    ),
  );
  tabs.append(...tabButtons);
  tabs.addEventListener("keydown", (event) => {
    const at = tabButtons.indexOf(event.target);
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: MODES.length - 1 }[event.key];
    if (at === -1 || next === undefined) return;
    event.preventDefault();
    const to = (next + MODES.length) % MODES.length;
    choose(MODES[to], tabButtons[to]);
  });
  /** Shows a mode; focus goes to `focus` (the tab, when moved by arrow keys) or the form's first field. */
  function choose(key, focus = null) {
    mode = key;
    render();
    (focus || form.querySelector("input"))?.focus();
  }
  root.append(
    h(
      "div",
      { class: "auth" },
      h("div", { class: "hero" }, h("h1", {}, t("app.name")), h("p", {}, code ? t("auth.invited") : t("auth.tagline"))),
      code ? inviteFrom(code) : null,
      note ? notice(has(note) ? t(note) : note, "info") : null,
      store.pending ? notice(t("auth.unsynced", { count: store.pending }), "warn") : null,
      tabs,
      form,
    ),
  );

  function renderTabs() {
    tabButtons.forEach((button, i) => {
      const selected = MODES[i] === mode;
      button.setAttribute("aria-selected", String(selected));
      button.tabIndex = selected || (mode === "forgot" && i === 0) ? 0 : -1;
    });
    form.setAttribute("aria-labelledby", `auth-tab-${mode === "signup" ? "signup" : "login"}`);
  }

  function render() {
    renderTabs();
    if (mode === "forgot") {
      renderForgot(form, {
        back: () => choose("login"),
        email: typed,
      });
      return;
    }
    const signup = mode === "signup";
    const email = h("input", {
      name: "email",
      type: "email",
      autocomplete: "email",
      required: true,
      inputmode: "email",
      value: signup ? "" : known,
    });
    const password = h("input", {
      name: "password",
      type: "password",
      required: true,
      minlength: signup ? String(PASSWORD_MIN) : null,
      autocomplete: signup ? "new-password" : "current-password",
    });
    const name = signup
      ? h("input", {
          name: "display_name",
          autocomplete: "given-name",
          maxlength: String(DISPLAY_NAME_MAX),
          required: true,
        })
      : null;
    const message = notice();
    const submit = h(
      "button",
      { type: "submit", class: "btn primary wide" },
      signup ? t("auth.create") : t("auth.log_in"),
    );
    clear(
      form,
      h("h2", {}, signup ? t("auth.create_title") : t("auth.welcome_back")),
      signup ? field(t("auth.first_name"), name, t("auth.first_name_hint")) : null,
      field(t("common.email"), email),
      field(t("auth.password"), password, signup ? t("auth.password_hint", { count: PASSWORD_MIN }) : ""),
      message,
      submit,
      signup
        ? null
        : h(
            "button",
            {
              type: "button",
              class: "btn link",
              onclick: () => {
                typed = email.value.trim();
                choose("forgot");
              },
            },
            t("auth.forgot"),
          ),
    );
    form.onsubmit = async (event) => {
      event.preventDefault();
      const local = {};
      if (!email.value.includes("@")) local.email = t("auth.need_email");
      if (signup && password.value.length < PASSWORD_MIN)
        local.password = t("auth.need_length", { count: PASSWORD_MIN });
      if (!signup && !password.value) local.password = t("auth.need_password");
      if (signup && !name.value.trim()) local.display_name = t("auth.need_name");
      if (Object.keys(showErrors(form, local)).length || Object.keys(local).length) return;
      submit.disabled = true;
      say(message, "");
      try {
        const body = signup
          ? {
              email: email.value.trim(),
              password: password.value,
              display_name: name.value.trim(),
              timezone: phoneZone(),
            }
          : { email: email.value.trim(), password: password.value };
        await api.post(signup ? "/api/auth/signup" : "/api/auth/login", body);
        localStorage.removeItem(RESET_EMAIL);
        const me = await api.get("/api/me");
        if (signup) firstRun.begin(me.user.id);
        const joining = sessionStorage.getItem("hearth-join-code");
        // A second device's link opened before logging in (main.js kept its secret): back to it.
        const next = sessionStorage.getItem("hearth-transfer") ? "/keys/add" : "/";
        history.replaceState(null, "", joining && !me.couple ? `/join?code=${encodeURIComponent(joining)}` : next);
        await store.setMe(me); // the router moves on to pairing or Today
      } catch (err) {
        const rest = showErrors(form, api.fieldErrors(err));
        say(
          message,
          Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
            ? api.explain(err, { 401: t("auth.mismatch") })
            : "",
        );
        submit.disabled = false;
      }
    };
  }
  render();
}
