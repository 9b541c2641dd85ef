// Account actions for More: export (parts/export-file.js), password, log out (here or everywhere), delete.
import { store } from "../store.js";
import * as api from "../api.js";
import * as sync from "../sync.js";
import * as push from "../push.js";
import { h, field, notice, say, toast, section, showErrors, confirmDialog } from "../ui.js";
import { t } from "../i18n.js";
import { PASSWORD_MIN } from "../limits.js";

export async function logout(everywhere = false) {
  await sync.flush().catch(() => {});
  if (
    store.pending &&
    !(await confirmDialog(
      t("account.unsynced_title"),
      t("account.unsynced_text", { count: store.pending }),
      t("account.log_out_anyway"),
      true,
    ))
  )
    return;
  // With end-to-end encryption, this phone's keys go too: asked first when that would lose the words.
  const keys = store.encryption ? await import("./keys-loss.js") : null;
  if (keys && (await keys.confirmLoss("logout")) === false) return;
  await keys?.leaveDirectory();
  try {
    await api.post(everywhere ? "/api/auth/logout-all" : "/api/auth/logout");
  } catch (err) {
    if (err.status !== 401) {
      toast(api.explain(err));
      return;
    }
  }
  await keys?.forgetKeys();
  await push.forget(); // the server dropped this device's subscription with the session
  history.replaceState(null, "", "/");
  await store.signedOut();
}

function passwordForm() {
  const current = h("input", { type: "password", name: "current_password", autocomplete: "current-password" });
  const next = h("input", {
    type: "password",
    name: "new_password",
    autocomplete: "new-password",
    minlength: String(PASSWORD_MIN),
  });
  const message = notice();
  const form = h(
    "form",
    { novalidate: true },
    field(t("account.current"), current),
    field(t("account.new"), next, t("account.new_hint", { count: PASSWORD_MIN })),
    message,
    h("button", { type: "submit", class: "btn" }, t("account.change")),
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (next.value.length < PASSWORD_MIN) {
      showErrors(form, { new_password: t("auth.need_length", { count: PASSWORD_MIN }) });
      return;
    }
    try {
      await api.post("/api/me/password", { current_password: current.value, new_password: next.value });
      form.reset();
      showErrors(form, {});
      say(message, "");
      toast(t("account.changed"));
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(
        message,
        Object.keys(rest).length || err.status !== 422
          ? api.explain(err, { 401: t("account.wrong_current"), 403: t("account.wrong_current") })
          : "",
      );
    }
  };
  return form;
}

async function deleteAccount() {
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password" });
  // A wrong password keeps the dialog open with what was typed; only the server's yes closes it.
  const tryDelete = async () => {
    if (!password.value) return t("account.type_password");
    try {
      await api.del("/api/me", { password: password.value });
      return null;
    } catch (err) {
      return api.explain(err, { wrong_password: t("account.wrong_password"), validation: t("account.type_password") });
    }
  };
  const ok = await confirmDialog(
    t("account.delete_title"),
    t("account.delete_text"),
    t("account.delete_yes"),
    true,
    field(t("account.confirm_password"), password),
    tryDelete,
  );
  if (!ok) return;
  await push.forget();
  history.replaceState(null, "", "/");
  await store.signedOut();
  toast(t("account.deleted"));
}

// Loaded on first use: the shell stays small.
const exportFile = () => import("./export-file.js");

/** "Export my data": the export as a file (readable, made on this phone, when words are sealed); errors go to
 *  `message`. With encryption on, a line above it says the server's copy is sealed and this file is not. */
export function exportButton(message) {
  const button = h(
    "button",
    { type: "button", class: "btn", onclick: () => exportFile().then((m) => m.download(button, message)) },
    t("account.export"),
  );
  if (store.encryption)
    exportFile().then(
      (m) => m.sealedNote(button),
      () => {},
    );
  return button;
}

export function accountSections() {
  const exportMessage = notice();
  return [
    section(
      t("account.data"),
      h("p", { class: "muted" }, t("account.data_lead")),
      exportButton(exportMessage),
      exportMessage,
    ),
    section(t("account.password"), passwordForm()),
    section(
      t("account.sessions"),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => logout(false) }, t("common.log_out")),
        h(
          "button",
          { type: "button", class: "btn ghost", onclick: () => logout(true) },
          t("account.log_out_everywhere"),
        ),
      ),
    ),
    section(
      t("account.delete"),
      h("p", { class: "muted" }, t("account.delete_lead")),
      h("button", { type: "button", class: "btn danger", onclick: deleteAccount }, t("account.delete_button")),
    ),
  ];
}
