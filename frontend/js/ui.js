// Tiny DOM helpers. User text only ever goes in as text nodes or textContent.
import { t } from "./i18n.js";

/**
 * h("button", {class: "btn", onclick: fn, "aria-label": "Close"}, "Close")
 * Props: on* → listeners; class; text → textContent; true → empty attribute; false/null → skipped;
 * user: true → the node holds someone's own words (see userText).
 */
export function h(tag, props = {}, ...children) {
  const node =
    tag === "svg" || tag === "path" || tag === "circle"
      ? document.createElementNS("http://www.w3.org/2000/svg", tag)
      : document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === false || value === null || value === undefined || key === "user") continue;
    if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = value;
    else if (key === "value" || key === "checked") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  if (props?.user) userText(node);
  append(node, children);
  return node;
}

/** Marks a node that shows words a person wrote (entry text, a name): dir="auto" takes the direction
 *  from the text itself, and the .user-text style isolates it (unicode-bidi: isolate), so a Hebrew or
 *  Arabic line, or a name ending in a direction control, never reorders the app's own words around it. */
export function userText(node) {
  node.setAttribute("dir", "auto");
  node.classList.add("user-text");
  return node;
}

/** A name inside one of the app's sentences: <bdi dir="auto" class="user-text">. */
export function bdi(text) {
  return userText(h("bdi", {}, text));
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces a node's children, keeping focus on a field that survives the re-render. */
export function clear(node, ...children) {
  return keepFocus(() => {
    node.replaceChildren();
    append(node, children);
    return node;
  });
}

/** Runs a re-render. Views keep their forms across syncs, but moving a field through a new
 *  section takes its focus away; this gives it back with its caret, so a partner's entry
 *  arriving never closes the phone's keyboard or swallows the next keystrokes. */
export function keepFocus(work) {
  const active = document.activeElement;
  const caret = active && active !== document.body ? caretOf(active) : null;
  const result = work();
  // A button drawn again (a reaction, a verdict, an entry's "Edit") is a new node: its data-key finds the one
  // in its place.
  const again = caret && !active.isConnected && active.dataset?.key;
  if (again) document.querySelector(`[data-key="${CSS.escape(again)}"]`)?.focus({ preventScroll: true });
  if (caret && active.isConnected && document.activeElement !== active) {
    active.focus({ preventScroll: true });
    if (caret.start !== null) {
      try {
        active.setSelectionRange(caret.start, caret.end, caret.direction);
      } catch (_err) {
        /* no caret here */
      }
    }
  }
  return result;
}

function caretOf(control) {
  try {
    return { start: control.selectionStart ?? null, end: control.selectionEnd, direction: control.selectionDirection };
  } catch (_err) {
    return { start: null };
  }
}

let uid = 0;
export const id = (prefix = "f") => `${prefix}-${++uid}`;

/** Runs fn once the next frame is on screen: for what a first screen can draw a moment later (the question
 *  library, the sentence starters), so its download is not on the way to that first paint. A callback of the
 *  frame after next: the first one runs just before its frame is drawn, the second once that frame is shown. */
export function afterPaint(fn) {
  if (typeof requestAnimationFrame !== "function") return setTimeout(fn, 0);
  requestAnimationFrame(() => requestAnimationFrame(() => fn()));
}

/** A labelled field: label, control, hint and an error line wired with aria-describedby. */
export function field(label, control, hint = "") {
  control.id = control.id || id();
  const errorId = `${control.id}-error`;
  const hintId = hint ? `${control.id}-hint` : null;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  return h(
    "div",
    { class: "field" },
    h("label", { for: control.id }, label),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
    h("p", { class: "field-error", id: errorId, "aria-live": "polite" }),
  );
}

/** Puts {name: message} next to the matching [name] controls in form; returns leftovers. */
export function showErrors(form, errors) {
  const rest = {};
  for (const node of form.querySelectorAll(".field-error")) node.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
  for (const [name, message] of Object.entries(errors)) {
    const control = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const slot = control && form.querySelector(`#${CSS.escape(control.id)}-error`);
    if (slot) {
      slot.textContent = message;
      control.setAttribute("aria-invalid", "true");
    } else rest[name] = message;
  }
  return rest;
}

/** Whether a message (a string, or an array of pieces: strings and nodes such as a bdi name) has anything. */
const filled = (text) => (Array.isArray(text) ? text.flat(Infinity).some((p) => p || p === 0) : Boolean(text));

/** A calm message under a form or a section. text: a string or pieces, e.g. ["Sent to ", bdi(name), "."]. */
export function notice(text = "", kind = "error") {
  return h(
    "p",
    { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", hidden: !filled(text) },
    text || "",
  );
}

/** Sets a message line's words (a string or pieces; strings go in as text nodes) and hides it when empty. */
export function say(node, text) {
  node.replaceChildren();
  append(node, [text || ""]);
  node.hidden = !filled(text);
}

let toastTimer = null;
/** A short message; text is a string or pieces such as ["Shared with ", bdi(name), "."]. */
export function toast(text) {
  const node = document.getElementById("toast");
  node.replaceChildren();
  append(node, [text]);
  node.classList.add("show");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => node.classList.remove("show"), 2600);
}

/** A yes/no question in a native <dialog>. Resolves true when confirmed. title and text: strings or pieces.
 *  attempt (optional): an async step run on "yes" that returns a problem to show, and the dialog stays
 *  open with what was typed (a wrong password), or nothing, and it closes. */
export function confirmDialog(title, text, yes = t("common.yes"), danger = false, extra = null, attempt = null) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": id("dlg") });
    const titleNode = h("h2", { id: dialog.getAttribute("aria-labelledby") }, title);
    const problem = notice();
    const close = (value) => {
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    const confirm = async () => {
      if (!attempt) return close(true);
      yesButton.disabled = true;
      const wrong = await attempt();
      yesButton.disabled = false;
      if (!wrong) return close(true);
      say(problem, wrong);
      const input = dialog.querySelector("input");
      input?.setAttribute("aria-invalid", "true");
      (input || yesButton).focus();
    };
    const yesButton = h(
      "button",
      { type: "button", class: `btn ${danger ? "danger" : "primary"}`, onclick: confirm },
      yes,
    );
    dialog.append(
      titleNode,
      h("p", {}, text),
      extra || "",
      problem,
      h(
        "div",
        { class: "row end" },
        h("button", { type: "button", class: "btn ghost", onclick: () => close(false) }, t("common.cancel")),
        yesButton,
      ),
    );
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A single-choice row of big buttons (radio semantics). onChange(value). An option's text may be pieces. */
export function choice(label, options, value, onChange, className = "") {
  const group = h("div", { class: `choice ${className}`, role: "radiogroup", "aria-label": label });
  const buttons = options.map(([val, text, sub]) =>
    h(
      "button",
      {
        type: "button",
        role: "radio",
        "aria-checked": String(val === value),
        "data-value": String(val),
        onclick: () => set(val),
      },
      h("span", { class: "choice-main" }, text),
      sub ? h("span", { class: "choice-sub" }, sub) : null,
    ),
  );
  function set(val) {
    value = val;
    for (const b of buttons) b.setAttribute("aria-checked", String(b.dataset.value === String(val)));
    onChange(val);
  }
  group.append(...buttons);
  group.addEventListener("keydown", (event) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0 || !["ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"].includes(event.key)) return;
    event.preventDefault();
    const next =
      buttons[
        (i + (event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : buttons.length - 1)) % buttons.length
      ];
    next.focus();
    next.click();
  });
  group.reset = () => {
    value = null;
    for (const b of buttons) b.setAttribute("aria-checked", "false");
  };
  group.select = set; // as if that option were tapped
  return group;
}

export function section(title, ...children) {
  const headingId = id("sec");
  // A title made of pieces (words and a <bdi> name) stays one flex item of the heading.
  const text = Array.isArray(title) ? h("span", {}, ...title) : title;
  return h("section", { class: "card", "aria-labelledby": headingId }, h("h2", { id: headingId }, text), ...children);
}

export const words = (text) => (text.trim() ? text.trim().split(/\s+/).length : 0);
