// "Forgot password?": ask for a reset link by email. The server answers the same for every address,
// and so does this form, so nobody learns here whether an email has an account.
import * as api from "../api.js";
import { h, clear, field, showErrors, notice, say } from "../ui.js";
import { t } from "../i18n.js";

export const RESET_EMAIL = "hearth-reset-email"; // this phone asked: the login form can fill it in afterwards

/** Fills `form` with the email form; `back()` returns to logging in. */
export function renderForgot(form, { back, email: typed = "" }) {
  const email = h("input", {
    name: "email",
    type: "email",
    autocomplete: "email",
    required: true,
    inputmode: "email",
    value: typed,
  });
  const message = notice();
  const submit = h("button", { type: "submit", class: "btn primary wide" }, t("forgot.send"));
  clear(
    form,
    h("h2", {}, t("forgot.title")),
    h("p", { class: "small muted" }, t("forgot.lead")),
    field(t("common.email"), email),
    message,
    submit,
    h("button", { type: "button", class: "btn link", onclick: back }, t("forgot.back")),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const address = email.value.trim();
    if (
      Object.keys(showErrors(form, address.includes("@") ? {} : { email: t("auth.need_email") })).length ||
      !address.includes("@")
    )
      return;
    submit.disabled = true;
    say(message, "");
    try {
      const answer = await api.post("/api/auth/password-reset", { email: address });
      localStorage.setItem(RESET_EMAIL, address);
      clear(
        form,
        h("h2", {}, t("forgot.check")),
        h("p", { class: "notice notice-info", role: "status" }, answer.message),
        h("p", { class: "small muted" }, t("forgot.no_email")),
        h(
          "button",
          { type: "button", class: "btn link", onclick: () => renderForgot(form, { back, email: address }) },
          t("forgot.again"),
        ),
        h("button", { type: "button", class: "btn link", onclick: back }, t("forgot.back")),
      );
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(
        message,
        Object.keys(rest).length || !Object.keys(api.fieldErrors(err)).length
          ? api.explain(err, { 0: t("forgot.offline") })
          : "",
      );
      submit.disabled = false;
    }
  };
  email.focus();
}
