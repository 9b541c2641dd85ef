// App state and change events. Views read from here and listen for "change";
// everything in it comes from IndexedDB, so the first screen never waits for the network.
import * as db from "./db.js";
import * as api from "./api.js";
import { t, language } from "./i18n.js";
import { alwaysPrivate } from "./kinds.js";

const KEY_WAIT = "hearth-key-wait"; // "<couple id> waiting|mismatch" (keyWait)

class Store extends EventTarget {
  constructor() {
    super();
    this.user = null;
    this.couple = null;
    this.parting = null; // how the last couple ended, while in none (GET /api/me; screens/parting.js)
    this.encryption = false; // whether this server's phones seal words (GET /api/me; docs/encryption.md)
    this.entries = []; // not deleted, newest first
    this.held = 0;
    this.ids = new Map(); // this.entries by id
    this.refs = new Map(); // ref_id → the entries that refer to it, newest first
    this.pending = 0; // outbox size
    this.failures = [];
    this.setAside = []; // entries whose words did not open on this phone (never shown)
    this.notSent = []; // writes for a former couple, never sent (sync.coupleChanged)
    this.sync = { state: "idle", message: "" };
    this.seenAt = null;
    this.channel = "BroadcastChannel" in self ? new BroadcastChannel("hearth") : null;
    if (this.channel) this.channel.onmessage = () => this.reload(); // another tab wrote or synced
  }

  emit(what) {
    this.dispatchEvent(new CustomEvent("change", { detail: what }));
  }
  announce() {
    if (this.channel) this.channel.postMessage("changed");
  }

  async load() {
    const me = await db.getMeta("me");
    this.user = me ? me.user : null;
    this.couple = me ? me.couple : null;
    this.parting = me?.parting || null;
    this.encryption = me?.encryption === true; // the server's phones seal words (docs/encryption.md)
    this.seenNews = (await db.getMeta("seen_news")) || null;
    this.seenAt = (await db.getMeta("seen_at")) || null;
    this.pendingPrefs = (await db.getMeta("prefs_pending")) || null;
    await this.reload();
  }

  async reload() {
    const [entries, pending, failures, notSent] = await db.tx(
      ["entries", "outbox", "failures", "notsent"],
      "readonly",
      (s) =>
        Promise.all([
          db.req(s.entries.getAll()),
          db.req(s.outbox.count()),
          db.req(s.failures.getAll()),
          db.req(s.notsent.getAll()),
        ]),
    );
    // Kept out of sight: an entry this phone has no key for yet (`sealed`: opened once the key comes), and one
    // that did not open (`tampered`: set aside for good; the phone says so, never shows it). sync.js.
    const live = entries
      .filter((e) => !e.deleted && !e.sealed && !e.tampered)
      .sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    this.held = entries.length; // every record this phone holds (sync.js redraws a long pull by it)
    this.setAside = entries.filter((e) => e.tampered && !e.deleted);
    this.all = live; // every entry on this phone, own ones from former couples too (screens/mine.js)
    this.entries = live.filter((e) => this.current(e));
    // answersTo() and byId() by lookup, not a scan each: a screen asks them per entry it draws.
    this.ids = new Map(this.entries.map((e) => [e.id, e]));
    this.refs = new Map();
    for (const e of this.entries) {
      if (!e.ref_id) continue;
      if (this.refs.has(e.ref_id)) this.refs.get(e.ref_id).push(e);
      else this.refs.set(e.ref_id, [e]);
    }
    this.pending = pending;
    this.failures = failures;
    this.notSent = notSent;
    this.emit("entries");
  }

  async setMe(answer) {
    let me = answer;
    // Someone else's queued writes and entries must never mix with this account's.
    const owner = await db.getMeta("owner");
    if (owner && owner !== me.user.id) {
      await db.clearAll();
      this.pendingPrefs = null;
      await this.reload();
    }
    // Settings chosen here while offline hold over the server's older copy until they are sent (savePrefs).
    if (this.pendingPrefs) me = { ...me, user: { ...me.user, ...this.pendingPrefs } };
    if (owner !== me.user.id) await db.setMeta("owner", me.user.id);
    const shape = (user, couple) => [user?.id, couple?.id, couple?.members.length].join();
    const sameCouple = shape(this.user, this.couple) === shape(me.user, me.couple);
    this.user = me.user;
    this.couple = me.couple;
    // Only /api/me says it; other answers (a pairing's) leave it as it was.
    if (me.encryption !== undefined) this.encryption = me.encryption === true;
    // A pairing's own answer has no `parting`: in a couple there is none; alone, the last one holds.
    this.parting = me.couple ? null : me.parting === undefined ? this.parting : me.parting;
    await db.setMeta("me", { user: me.user, couple: me.couple, parting: this.parting, encryption: this.encryption });
    if (!sameCouple) await this.reload(); // which entries are this couple's
    this.emit(sameCouple ? "me" : "couple");
    // The account's language is what the phone speaks (its own choice, else navigator.languages), so
    // pushes and emails match the screen. A server that doesn't carry the field yet is left alone.
    // Once per language and visit, so a server that keeps another value cannot start a loop.
    if (me.user.language && me.user.language !== language() && this.toldLanguage !== language())
      this.tellLanguage(language());
  }

  /** PATCH /api/me {language}; a refusal (422 until the server knows it) or no connection changes nothing
   *  here: the phone's choice holds, and the next start or change sends it again. */
  tellLanguage(value) {
    this.toldLanguage = value;
    return api.patch("/api/me", { language: value }).then(
      (answer) => (answer?.user && this.user ? this.setUser(answer.user) : null),
      () => null,
    );
  }

  async setUser(user) {
    await this.setMe({ user, couple: this.couple });
  }

  /** PATCH /api/me with settings chosen on this phone (the depth dial, the nudge time). They show at
   *  once; with no connection (or a server error) they wait here and go with the next start or when the
   *  phone is back online (flushPrefs). Resolves "saved" or "queued"; a refusal (422) throws the ApiError
   *  and the server's copy wins. */
  async savePrefs(fields) {
    this.pendingPrefs = { ...(this.pendingPrefs || {}), ...fields };
    await db.setMeta("prefs_pending", this.pendingPrefs);
    await this.setUser(this.user);
    return this.flushPrefs();
  }

  async flushPrefs() {
    const sending = this.pendingPrefs;
    if (!sending || !this.user) return "saved";
    let answer;
    try {
      answer = await api.patch("/api/me", sending);
    } catch (err) {
      if (err.offline || err.status >= 500) return "queued";
      this.pendingPrefs = null;
      await db.del("meta", "prefs_pending");
      await this.refreshMe();
      throw err;
    }
    if (this.pendingPrefs === sending) {
      this.pendingPrefs = null; // nothing newer was chosen while this one travelled
      await db.del("meta", "prefs_pending");
    }
    if (answer?.user && this.user) await this.setUser(answer.user);
    return "saved";
  }

  /** News about the couple itself that this phone has not shown yet: the partner stepped away (or
   *  you did, while the undo lasts), or the partner came back. A key per event, or null. */
  coupleNews() {
    const p = this.parting;
    if (p && !this.couple) {
      if (p.by_me) return p.undo_until && Date.parse(p.undo_until) > Date.now() ? `left:${p.at}` : null;
      return `parting:${p.at}`;
    }
    const back = this.couple?.came_back;
    return back && back.by !== this.user?.id ? `back:${back.at}` : null;
  }

  /** The news to show now: the undo stays on while it lasts; the rest once, until "Continue". */
  /** "waiting" (this phone waits for the partner's phone to hand it the couple key) or "mismatch" (it refused
   *  the invite link's key: the link and the server disagree) for the current couple, else null. Kept in
   *  localStorage so the first screen knows at once (crypto/sync-keys.js, screens/key-wait.js). */
  keyWait() {
    if (!this.encryption || !this.couple) return null;
    const kept = localStorage.getItem(KEY_WAIT)?.split(" ") || [];
    return kept[0] === this.couple.id ? kept[1] : null;
  }

  setKeyWait(coupleId, why) {
    const next = coupleId && why ? `${coupleId} ${why}` : null;
    if (next === localStorage.getItem(KEY_WAIT)) return;
    if (next) localStorage.setItem(KEY_WAIT, next);
    else localStorage.removeItem(KEY_WAIT);
    this.emit("keywait");
  }

  unseenNews() {
    const news = this.coupleNews();
    return news && (news.startsWith("left:") || news !== this.seenNews) ? news : null;
  }

  markNewsSeen() {
    this.seenNews = this.coupleNews();
    return db.setMeta("seen_news", this.seenNews);
  }

  /** GET /api/me; offline keeps the cached copy. Returns false when the session is gone. */
  async refreshMe() {
    try {
      await this.setMe(await api.get("/api/me"));
      return true;
    } catch (err) {
      if (err.status === 401) {
        await this.sessionEnded();
        return false;
      }
      return true;
    }
  }

  /** The server ended the session (expired, password changed elsewhere): log in again, but keep
   *  the queued writes; they are sent once the same person is back (setMe clears them for anyone else). */
  async sessionEnded() {
    await db.del("meta", "me");
    this.user = null;
    this.couple = null;
    this.emit("couple");
  }

  /** Logging out on purpose: nothing of this account stays on the phone. */
  async signedOut() {
    await db.clearAll();
    this.user = null;
    this.couple = null;
    this.parting = this.seenNews = this.pendingPrefs = null;
    this.announce();
    await this.reload();
    this.emit("couple");
  }

  async lostCouple() {
    await this.refreshMe();
  }

  /** Today's "new from your partner" is measured from here. */
  markSeen() {
    this.seenAt = new Date().toISOString();
    return db.setMeta("seen_at", this.seenAt);
  }

  setSync(state, message = "") {
    const at = state === "idle" && this.sync.state === "syncing" ? Date.now() : this.sync.at;
    if (this.sync.state === state && this.sync.message === message) return;
    this.sync = { state, message, at };
    this.emit("sync");
  }

  /** Belongs on the screens of the couple the user is in now: a journal line always; otherwise an
   *  entry of this couple (entries from a former couple, or written while alone, stay in "Your
   *  entries" and the export, never in a new couple's feed). Unpaired, everything of one's own. */
  current(entry) {
    if (alwaysPrivate(entry.kind) || !this.couple) return true;
    return entry.couple_id === undefined || entry.couple_id === this.couple.id;
  }

  /** The partner holds this entry now (shared, this couple's): taking it back is "Unsend". */
  reachesPartner(entry) {
    return entry.visibility === "shared" && !alwaysPrivate(entry.kind) && !!this.partner && this.current(entry);
  }

  get partner() {
    if (!this.couple || !this.user) return null;
    return this.couple.members.find((m) => m.id !== this.user.id) || null;
  }

  nameOf(authorId) {
    if (this.user && authorId === this.user.id) return t("common.you");
    const partner = this.partner;
    return partner && partner.id === authorId ? partner.display_name : t("common.your_partner");
  }

  mine(kind) {
    return this.entries.filter((e) => e.kind === kind && e.author_id === this.user.id);
  }
  theirs(kind) {
    return this.entries.filter((e) => e.kind === kind && e.author_id !== this.user.id);
  }
  answersTo(id, kind) {
    return (this.refs.get(id) || []).filter((e) => !kind || e.kind === kind);
  }
  byId(id) {
    return this.ids.get(id) || null;
  }
}

export const store = new Store();
