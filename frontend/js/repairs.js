// Repair phrases: one tap during tension sends one to the partner (a `repair` entry holding only the
// phrase's id). The table is the server's too (backend/schemas/bodies.py REPAIR_PHRASES; tests/test_repair.py
// checks both agree); the words are repair.group.<group> and repair.phrase.<id> in the catalogues. It imports
// nothing and needs no DOM, so node can read it.

/** [group, [phrase ids]]: the groups in the order the phone offers them, each phrase's variants. */
export const REPAIR_GROUPS = [
  ["feel", ["feel_flooded", "feel_hurt", "feel_blamed", "feel_unheard"]],
  ["sorry", ["sorry_badly", "sorry_harsh", "sorry_my_part", "sorry_start_over"]],
  ["yes", ["yes_part", "yes_common", "yes_both", "yes_us_first"]],
  ["calm", ["calm_break", "calm_slower", "calm_listen", "calm_hand"]],
  ["stop", ["stop_pause", "stop_off_track", "stop_later", "stop_step_back"]],
  ["appreciate", ["appreciate_trying", "appreciate_love", "appreciate_team", "appreciate_point"]],
];

/** The one-tap answers the partner gives a repair phrase (reaction values; words cards.reaction.<value>). */
export const REPAIR_ANSWERS = ["thanks", "pause"];

/** How long a repair stays on the tension and time-out screens (ms): it belongs to the moment. */
export const REPAIR_FRESH_MS = 6 * 3600 * 1000;

/** Good news (a disclosure category) gets active, constructive reply starters (goodnews.starter.<id>);
 *  the server's list is backend/schemas/bodies.py GOOD_NEWS_CATEGORIES. */
export const GOOD_NEWS_CATEGORIES = ["good_news"];
export const GOOD_NEWS_STARTERS = ["tell_more", "how_felt", "celebrate", "best_part"];
