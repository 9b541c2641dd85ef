// Account actions for More: export, password, log out (here or everywhere), delete.
import { store } from "../store.js";
import * as api from "../api.js";
import * as sync from "../sync.js";
import * as push from "../push.js";
import { h, field, notice, say, toast, section, showErrors, confirmDialog } from "../ui.js";
import { PASSWORD_MIN } from "../limits.js";

export async function logout(everywhere = false) {
  await sync.flush().catch(() => {});
  if (store.pending && !(await confirmDialog("Log out with unsynced changes?",
    `${store.pending} ${store.pending === 1 ? "change hasn't" : "changes haven't"} reached the server yet. Logging out now would lose them. You could wait until you're online.`,
    "Log out anyway", true))) return;
  try {
    await api.post(everywhere ? "/api/auth/logout-all" : "/api/auth/logout");
  } catch (err) {
    if (err.status !== 401) { toast(api.explain(err)); return; }
  }
  await push.forget(); // the server dropped this device's subscription with the session
  history.replaceState(null, "", "/");
  await store.signedOut();
}

async function exportData(message) {
  try {
    const data = await api.get("/api/export");
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = h("a", { href: URL.createObjectURL(blob), download: `hearth-export-${new Date().toISOString().slice(0, 10)}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    say(message, "");
  } catch (err) {
    say(message, api.explain(err));
  }
}

function passwordForm() {
  const current = h("input", { type: "password", name: "current_password", autocomplete: "current-password" });
  const next = h("input", { type: "password", name: "new_password", autocomplete: "new-password", minlength: String(PASSWORD_MIN) });
  const message = notice();
  const form = h("form", { novalidate: true },
    field("Current password", current), field("New password", next, "At least 10 characters. Other devices will be logged out."),
    message, h("button", { type: "submit", class: "btn" }, "Change password"));
  form.onsubmit = async (event) => {
    event.preventDefault();
    if (next.value.length < PASSWORD_MIN) { showErrors(form, { new_password: "Please use at least 10 characters." }); return; }
    try {
      await api.post("/api/me/password", { current_password: current.value, new_password: next.value });
      form.reset();
      showErrors(form, {});
      say(message, "");
      toast("Password changed. Your other devices are logged out.");
    } catch (err) {
      const rest = showErrors(form, api.fieldErrors(err));
      say(message, Object.keys(rest).length || err.status !== 422
        ? api.explain(err, { 401: "Your current password isn't right.", 403: "Your current password isn't right." }) : "");
    }
  };
  return form;
}

async function deleteAccount() {
  const password = h("input", { type: "password", name: "password", autocomplete: "current-password" });
  const ok = await confirmDialog("Delete your account?",
    "This removes your account and everything you wrote, on every device. It can't be undone. Consider exporting first.",
    "Delete for good", true, field("Your password, to confirm", password));
  if (!ok) return;
  try {
    await api.del("/api/me", { password: password.value });
    await push.forget();
    history.replaceState(null, "", "/");
    await store.signedOut();
    toast("Your account is deleted. Take care.");
  } catch (err) {
    toast(api.explain(err, { wrong_password: "That password isn't right, so nothing was deleted.", validation: "Please type your password to confirm." }));
  }
}

/** "Export my data": downloads GET /api/export; errors go to `message`. */
export function exportButton(message) {
  return h("button", { type: "button", class: "btn", onclick: () => exportData(message) }, "Export my data");
}

export function accountSections() {
  const exportMessage = notice();
  return [
    section("Your data",
      h("p", { class: "muted" }, "Download everything you can see in Hearth as a JSON file."),
      exportButton(exportMessage), exportMessage),
    section("Password", passwordForm()),
    section("Sessions",
      h("div", { class: "actions" },
        h("button", { type: "button", class: "btn", onclick: () => logout(false) }, "Log out"),
        h("button", { type: "button", class: "btn ghost", onclick: () => logout(true) }, "Log out everywhere"))),
    section("Delete account",
      h("p", { class: "muted" }, "Removes your account and your entries."),
      h("button", { type: "button", class: "btn danger", onclick: deleteAccount }, "Delete my account")),
  ];
}
