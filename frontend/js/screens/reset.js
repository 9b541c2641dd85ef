// /reset#token=…: the link from the password-reset email. The token rides in the fragment, which the
// browser never sends to a server; it is moved to this tab's sessionStorage and the address bar is
// cleaned at once. After a new password every session has ended: this phone logs in again, keeping
// anything still queued (store.sessionEnded), and the login screen says why.
import { store } from "../store.js";
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";
import { AUTH_NOTE } from "./auth.js";
import { PASSWORD_MIN } from "../limits.js";

const TOKEN = "hearth-reset-token";

function takeToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const query = new URLSearchParams(location.search);
  const token = fragment.get("token") || query.get("token");
  if (token) sessionStorage.setItem(TOKEN, token);
  if (location.hash || location.search) history.replaceState(null, "", "/reset");
  return sessionStorage.getItem(TOKEN);
}

export function mount(root, { navigate }) {
  const token = takeToken();
  const form = h("form", { class: "card", novalidate: true });
  root.append(h("div", { class: "auth" }, h("div", { class: "hero" }, h("h1", {}, "Hearth")), form));

  function askAgain(text) {
    clear(form,
      h("h2", {}, "This link can't be used"),
      h("p", { class: "notice notice-error", role: "alert" }, text),
      h("a", { href: "/forgot", class: "btn primary wide", "data-link": true, onclick: () => sessionStorage.removeItem(TOKEN) },
        "Send me a new link"));
  }

  if (!token) {
    askAgain("This link is missing its code. Open the whole link from the email, or ask for a new one.");
    return;
  }
  const password = h("input", { name: "new_password", type: "password", required: true, minlength: String(PASSWORD_MIN), autocomplete: "new-password" });
  password.addEventListener("input", () => showErrors(form, {}));
  const show = h("input", { type: "checkbox", onchange: () => { password.type = show.checked ? "text" : "password"; } });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, "Save new password");
  clear(form,
    h("h2", {}, "Choose a new password"),
    h("p", { class: "small muted" }, "Saving it logs you out on every phone. Your entries and your couple stay as they are."),
    field("New password", password, "At least 10 characters."),
    h("label", { class: "check" }, show, "Show password"),
    message, submit);
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (password.value.length < 10) { showErrors(form, { new_password: "Please use at least 10 characters." }); return; }
    showErrors(form, {});
    submit.disabled = true;
    say(message, "");
    try {
      await api.post("/api/auth/password-reset/confirm", { token, new_password: password.value });
      sessionStorage.removeItem(TOKEN);
      sessionStorage.setItem(AUTH_NOTE, "Your new password is saved. Log in with it here and on your other phones.");
      if (store.user) await store.sessionEnded(); // this phone's session ended with the others
      navigate("/", { replace: true });
    } catch (err) {
      if (err.status === 404 || err.status === 410) { askAgain(api.explain(err)); return; }
      const rest = showErrors(form, api.fieldErrors(err));
      say(message, Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
        ? api.explain(err, { 0: "You're offline. Your new password isn't saved yet: try again once you're connected." }) : "");
      submit.disabled = false;
    }
  };
}
