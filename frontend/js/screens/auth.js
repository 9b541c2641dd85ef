// Log in or sign up, or ask for a password-reset link (/forgot). A join link (/join?code=…) is
// remembered through either. After a reset (views/reset.js) it opens with a kind note.
import { store } from "../store.js";
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";
import { phoneZone } from "../time.js";
import { renderForgot, RESET_EMAIL } from "../parts/forgot.js";
import { DISPLAY_NAME_MAX, PASSWORD_MIN } from "../limits.js";

export const AUTH_NOTE = "hearth-auth-note"; // one message for the next time this screen opens

export function mount(root, { path, params }) {
  const code = params.get("code") || sessionStorage.getItem("hearth-join-code");
  if (code) sessionStorage.setItem("hearth-join-code", code);
  let mode = path === "/signup" || (code && path === "/join") ? "signup" : path === "/forgot" ? "forgot" : "login";
  const note = sessionStorage.getItem(AUTH_NOTE);
  sessionStorage.removeItem(AUTH_NOTE);
  const known = localStorage.getItem(RESET_EMAIL) || "";
  let typed = ""; // what the login form held when "Forgot password?" was tapped

  const tabs = h("div", { class: "segmented", role: "tablist", "aria-label": "Log in or sign up" });
  const form = h("form", { class: "card", novalidate: true });
  root.append(h("div", { class: "auth" },
    h("div", { class: "hero" },
      h("h1", {}, "Hearth"),
      h("p", {}, code ? "Your partner invited you. Sign up or log in to join them."
        : "Small daily habits that keep two people close.")),
    note ? notice(note, "info") : null,
    store.pending ? notice(`${store.pending} unsynced ${store.pending === 1 ? "change is" : "changes are"} waiting on this phone. Log in again to send them.`, "warn") : null,
    tabs, form));

  function renderTabs() {
    clear(tabs, ...[["login", "Log in"], ["signup", "Sign up"]].map(([key, label]) =>
      h("button", { type: "button", role: "tab", "aria-selected": String(mode === key), onclick: () => { mode = key; render(); } }, label)));
  }

  function render() {
    renderTabs();
    if (mode === "forgot") {
      renderForgot(form, { back: () => { mode = "login"; render(); }, email: typed });
      return;
    }
    const signup = mode === "signup";
    const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true, inputmode: "email",
      value: signup ? "" : known });
    const password = h("input", { name: "password", type: "password", required: true, minlength: signup ? String(PASSWORD_MIN) : null,
      autocomplete: signup ? "new-password" : "current-password" });
    const name = signup ? h("input", { name: "display_name", autocomplete: "given-name", maxlength: String(DISPLAY_NAME_MAX), required: true }) : null;
    const message = notice();
    const submit = h("button", { type: "submit", class: "btn primary wide" }, signup ? "Create account" : "Log in");
    clear(form,
      h("h2", {}, signup ? "Create your account" : "Welcome back"),
      signup ? field("Your first name", name, "This is what your partner will see.") : null,
      field("Email", email),
      field("Password", password, signup ? "At least 10 characters." : ""),
      message, submit,
      signup ? null : h("button", { type: "button", class: "btn link", onclick: () => { typed = email.value.trim(); mode = "forgot"; render(); } }, "Forgot password?"));
    form.onsubmit = async (event) => {
      event.preventDefault();
      const local = {};
      if (!email.value.includes("@")) local.email = "Please enter your email address.";
      if (signup && password.value.length < 10) local.password = "Please use at least 10 characters.";
      if (!signup && !password.value) local.password = "Please enter your password.";
      if (signup && !name.value.trim()) local.display_name = "Please tell us your name.";
      if (Object.keys(showErrors(form, local)).length || Object.keys(local).length) return;
      submit.disabled = true;
      say(message, "");
      try {
        const body = signup
          ? { email: email.value.trim(), password: password.value, display_name: name.value.trim(), timezone: phoneZone() }
          : { email: email.value.trim(), password: password.value };
        await api.post(signup ? "/api/auth/signup" : "/api/auth/login", body);
        localStorage.removeItem(RESET_EMAIL);
        const me = await api.get("/api/me");
        const joining = sessionStorage.getItem("hearth-join-code");
        history.replaceState(null, "", joining && !me.couple ? `/join?code=${encodeURIComponent(joining)}` : "/");
        await store.setMe(me); // the router moves on to pairing or Today
      } catch (err) {
        const rest = showErrors(form, api.fieldErrors(err));
        say(message, Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
          ? api.explain(err, { 401: "That email and password don't match. Check for a typo, or sign up if you're new here." })
          : "");
        submit.disabled = false;
      }
    };
  }
  render();
}
