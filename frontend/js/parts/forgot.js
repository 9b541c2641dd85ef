// "Forgot password?": ask for a reset link by email. The server answers the same for every address,
// and so does this form, so nobody learns here whether an email has an account.
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";

export const RESET_EMAIL = "hearth-reset-email"; // this phone asked: the login form can fill it in afterwards

/** Fills `form` with the email form; `back()` returns to logging in. */
export function renderForgot(form, { back, email: typed = "" }) {
  const email = h("input", { name: "email", type: "email", autocomplete: "email", required: true, inputmode: "email", value: typed });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, "Send me a link");
  clear(form,
    h("h2", {}, "Forgot your password?"),
    h("p", { class: "small muted" }, "We'll email you a link to choose a new one. Your entries and your couple stay as they are."),
    field("Email", email),
    message, submit,
    h("button", { type: "button", class: "btn link", onclick: back }, "Back to log in"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (Object.keys(showErrors(form, address.includes("@") ? {} : { email: "Please enter your email address." })).length
      || !address.includes("@")) return;
    submit.disabled = true;
    say(message, "");
    try {
      const answer = await api.post("/api/auth/password-reset", { email: address });
      localStorage.setItem(RESET_EMAIL, address);
      clear(form,
        h("h2", {}, "Check your email"),
        h("p", { class: "notice notice-info", role: "status" }, answer.message),
        h("p", { class: "small muted" }, "No email after a few minutes? Look in spam, or check the address and ask again."),
        h("button", { type: "button", class: "btn link", onclick: () => renderForgot(form, { back, email: address }) }, "Ask again"),
        h("button", { type: "button", class: "btn link", onclick: back }, "Back to log in"));
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(message, Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
        ? api.explain(err, { 0: "You're offline. Try again once you're connected, and we'll send the link." }) : "");
      submit.disabled = false;
    }
  };
  email.focus();
}
