// The first run (issue 14, item 6): about a minute of calm screens after signing up on this phone (for
// one who joined from an invite, after joining): you can always pass, nothing is scored, private stays
// yours; the depth dial; the nudge time; the six-week path on Today. Skippable at every step; the step
// is kept (first-run.js), so closing the app resumes here; once done or skipped it is never shown again.
import { store } from "../store.js";
import * as api from "../api.js";
import * as firstRun from "../first-run.js";
import { h, field, notice, say } from "../ui.js";
import { t } from "../i18n.js";
import { depthDial } from "../parts/depth-dial.js";

const STEPS = ["calm", "depth", "nudge", "path"];
const PROMISES = ["pass", "score", "private"];

export function mount(root, { navigate }) {
  const userId = store.user.id;
  let at = Math.min(firstRun.stepOf(userId), STEPS.length - 1);
  let leave = null; // the step's own work before moving on (the nudge time is saved then)

  const end = (how) => {
    firstRun.finish(userId, how);
    navigate("/", { replace: true });
  };
  const go = async (to) => {
    if (leave && to > at && !(await leave())) return;
    at = to;
    firstRun.goTo(userId, at);
    show();
  };

  function show() {
    const step = STEPS[at];
    leave = null;
    const title = h("h1", { id: "first-run-title", tabindex: "-1" }, t(`onboard.first_run.${step}.title`));
    const last = at === STEPS.length - 1;
    const next = h(
      "button",
      { type: "button", class: "btn primary wide", onclick: () => (last ? end("done") : go(at + 1)) },
      t(last ? "onboard.first_run.begin" : "onboard.first_run.next"),
    );
    root.replaceChildren(
      h(
        "section",
        { class: "first-run", "aria-labelledby": title.id, "data-step": step },
        h("p", { class: "first-run-count muted" }, t("onboard.first_run.count", { n: at + 1, total: STEPS.length })),
        title,
        h("p", { class: "first-run-lead" }, t(`onboard.first_run.${step}.lead`)),
        body(step),
        next,
        h(
          "div",
          { class: "first-run-more" },
          at > 0
            ? h("button", { type: "button", class: "btn link", onclick: () => go(at - 1) }, t("onboard.first_run.back"))
            : null,
          last
            ? null
            : h(
                "button",
                { type: "button", class: "btn link", onclick: () => end("skipped") },
                t("onboard.first_run.skip"),
              ),
        ),
      ),
    );
    title.focus({ preventScroll: true });
  }

  function body(step) {
    if (step === "calm") {
      return h(
        "ul",
        { class: "first-run-promises" },
        PROMISES.map((key) =>
          h(
            "li",
            {},
            h("strong", {}, t(`onboard.first_run.calm.${key}`)),
            h("span", { class: "muted" }, t(`onboard.first_run.calm.${key}_means`)),
          ),
        ),
      );
    }
    if (step === "depth") return depthDial();
    if (step === "nudge") return nudgeTime();
    return h("p", { class: "card soft" }, t("onboard.first_run.path.where"));
  }

  function nudgeTime() {
    const input = h("input", { type: "time", name: "nudge_time", value: store.user.nudge_time || "20:00" });
    const message = notice();
    leave = async () => {
      if (!input.value || input.value === store.user.nudge_time) return true;
      try {
        await store.savePrefs({ nudge_time: input.value });
        return true;
      } catch (err) {
        say(message, api.explain(err));
        return false;
      }
    };
    return h("div", {}, field(t("onboard.first_run.nudge.label"), input, t("onboard.first_run.nudge.hint")), message);
  }

  show();
}
