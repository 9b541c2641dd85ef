// Today: a 10-second visit. Partner's news, one honest thing, a check-in, today's question.
import { store } from "../store.js";
import { bdi, h } from "../ui.js";
import { greeting } from "../time.js";
import { feed } from "../parts/feed.js";
import { disclosure } from "../parts/disclose.js";
import { checkin } from "../parts/checkin.js";
import { question } from "../parts/question.js";
import { timeoutCard } from "../parts/timeout-card.js";
import { followUpCard } from "../parts/follow-up-card.js";
import { prepareCard } from "../parts/prepare-card.js";
import { todayLinks } from "../parts/today-links.js";
import { notSentNotice } from "./not-sent.js";
import { togetherBanner } from "../parts/together-banner.js";
import { installOffer } from "../parts/install-offer.js";
import { formatDate, t, tp } from "../i18n.js";

export function mount(root, { navigate }) {
  const date = formatDate(new Date(), { weekday: "long", day: "numeric", month: "long" });
  root.append(
    h(
      "div",
      { class: "page-head" },
      h("h1", {}, tp("today.greeting", { greeting: greeting(), name: bdi(store.user.display_name) })),
      h("p", {}, date),
    ),
  );
  if (store.couple && store.couple.members.length < 2) {
    root.append(
      h(
        "div",
        { class: "card soft" },
        h("p", {}, t("today.alone")),
        h("a", { class: "btn primary", href: "/pair", "data-link": true }, t("today.invite")),
      ),
    );
  }
  const notSent = notSentNotice();
  if (notSent) root.append(notSent);
  // The honest thing first, the other practices folded to one line each, then the partner's news: a
  // first sync that fills the feed grows it downwards and moves nothing already on screen.
  const practices = new Set();
  const parts = [
    togetherBanner(navigate),
    timeoutCard(),
    prepareCard(),
    disclosure(),
    checkin(practices),
    question(practices),
    feed(store.seenAt),
    followUpCard(),
    todayLinks(),
    installOffer(),
  ];
  root.append(...parts);
  const markSeen = () => store.markSeen();
  const onHide = () => {
    if (document.visibilityState === "hidden") markSeen();
  };
  document.addEventListener("visibilitychange", onHide);
  return () => {
    document.removeEventListener("visibilitychange", onHide);
    markSeen();
    for (const part of parts) part.cleanup();
  };
}
