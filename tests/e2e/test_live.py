"""The live stream on the phone (frontend/js/live.js), through the live service in front of the app
(`live_front`): the partner's share appears on an open Today by itself, with no refocus and no reload;
one stream per browser however many tabs; hidden, the stream closes; the phone reconnects and catches up.

Every page counts its EventSources with an init script (window.__sources), so "how many streams are open"
is read from the browsers themselves."""

import os
import sys

import pytest

from backend.models import utcnow
from servers import Processes, free_port, wait_healthy

from .conftest import PHONE
from .e2e_support import controlled, keys_handed, seed, tab, wait_synced, wait_until
from .test_screens import watch

pytestmark = pytest.mark.e2e

COUNT_SOURCES = """(() => {
  const Real = window.EventSource;
  const made = (window.__sources = []);
  window.EventSource = class extends Real {
    constructor(...args) {
      super(...args);
      made.push(this);
    }
  };
})();"""
OPEN_STREAMS = "() => (window.__sources || []).filter((s) => s.readyState === 1).length"
LIVE_SOURCES = "() => (window.__sources || []).filter((s) => s.readyState !== 2).length"
APPEARS = 5_000  # ms: "within a few seconds", on a shared 2-core machine; the bench measures the real figure


@pytest.fixture
def phone(browser, request):
    """Browser contexts on the live service's origin (the whole app plus /api/live), one per person:
    the test's own (`own_front`) if it has one, else the shared `live_front`."""
    made = []
    front = request.getfixturevalue("own_front" if "own_front" in request.fixturenames else "live_front")

    def make():
        context = browser.new_context(base_url=front.url, viewport=PHONE, locale="en-US")
        context.hearth_language = "en"
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)
        context.add_init_script(COUNT_SOURCES)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


class OwnFront:
    """A live service of the test's own, in front of the e2e server, that can be stopped and started
    again on the same port (the page's origin), as a deploy or a crash restarts it."""

    def __init__(self, database_url, proxy_to, log_path):
        self.processes, self.port = Processes(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.argv = [
            sys.executable,
            "-m",
            "backend.live",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--proxy-to",
            proxy_to,
            "--tick",
            "0.1",
            "--sweep",
            "1",
            "--now",
            utcnow().isoformat(),  # the run's instant, as live_front's clock: the tests' sessions are live by it
        ]
        self.env = {**os.environ, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        self.env.pop("HEARTH_TEST_NOW", None)
        self.log_path, self.process = log_path, None

    def start(self):
        self.process = self.processes.start(self.argv, self.env, self.log_path)
        wait_healthy(self.url, timeout=30, process=self.process)

    def stop(self):
        self.processes.stop(self.process)


@pytest.fixture
def own_front(database_url, live_server, tmp_path):
    front = OwnFront(database_url, live_server.url, tmp_path / "live.log")
    front.start()
    yield front
    front.processes.stop_all()


def open_live(context, path="/"):
    """A page of the app with its sync done and its stream open (this tab or another leads)."""
    page = context.new_page()
    problems = watch(page)
    page.goto(path)
    wait_synced(page)
    keys_handed(page)
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloads
    return page, problems


def streams(*pages):
    return sum(page.evaluate(OPEN_STREAMS) for page in pages)


def wait_streams(pages, count, timeout=10_000):
    """Until exactly `count` streams are open across `pages`."""
    waited = 0
    while streams(*pages) != count:
        if waited > timeout:
            raise AssertionError(f"{streams(*pages)} streams open, expected {count}")
        pages[0].wait_for_timeout(100)
        waited += 100


def hide(page, hidden=True):
    """What switching apps does to a page: document.hidden and a visibilitychange event."""
    page.evaluate(
        """(hidden) => {
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
        document.dispatchEvent(new Event('visibilitychange'));
      }""",
        hidden,
    )


def share_disclosure(page, text):
    another = page.get_by_role("button", name="Share another")
    if another.count():
        another.click()
    page.get_by_label("What's true for you today?").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("What's true for you today?").wait_for(state="detached")


def appreciate(page, text):
    tab(page, "/appreciate")
    page.get_by_label("Something you appreciate about Sam").fill(text)
    page.get_by_role("button", name="Send appreciation").click()


def test_the_partners_share_appears_on_an_open_today_by_itself(phone, people):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    mine, mine_problems = open_live(alex)
    theirs, their_problems = open_live(sam)
    wait_streams([mine], 1)
    wait_streams([theirs], 1)

    share_disclosure(mine, "The garden looks lovely today")
    theirs.get_by_text("The garden looks lovely today").wait_for(timeout=APPEARS)
    appreciate(mine, "Thank you for the soup")
    theirs.get_by_text("Thank you for the soup").wait_for(timeout=APPEARS)
    assert theirs.evaluate("() => window.__sameDocument === true")  # no reload, no navigation
    tab(mine, "/")

    # Sam's journal line is Sam's alone: Alex's open page hears nothing of it, then does hear the next share.
    tab(theirs, "/journal")
    theirs.get_by_label("Write freely").fill("Journal: tired of the commute")
    theirs.get_by_role("button", name="Save to journal").click()
    wait_synced(theirs)
    tab(theirs, "/")
    share_disclosure(theirs, "Shared: booked the dentist")
    mine.get_by_text("Shared: booked the dentist").wait_for(timeout=APPEARS)
    for path in ("/", "/journal", "/mine"):
        tab(mine, path)
        assert "tired of the commute" not in mine.evaluate("() => document.body.innerText"), path
    stored = mine.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open('hearth');
        open.onsuccess = () => {
          const req = open.result.transaction('entries').objectStore('entries').getAll();
          req.onsuccess = () => resolve(JSON.stringify(req.result));
        };
      })""")
    assert "tired of the commute" not in stored and "booked the dentist" in stored
    assert mine_problems == [] and their_problems == []


def test_a_write_costs_one_sync_though_the_stream_and_background_sync_hear_of_it_too(phone, people):
    """The writer's own stream tells the new cursor while its flush is under way, and Background Sync
    fires as the write registers it: neither adds a second POST /api/sync."""
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    page, problems = open_live(alex)
    controlled(page)
    wait_streams([page], 1)
    syncs = []
    page.on("request", lambda r: syncs.append(r.url) if r.url.endswith("/api/sync") else None)
    for n in range(3):
        sent = len(syncs)
        before = page.evaluate("() => Date.now()")
        appreciate(page, f"Thank you, number {n}")
        wait_synced(page, after=before)
        page.wait_for_timeout(1_500)  # a second round, if any, has gone by now
        assert len(syncs) - sent == 1, n
    assert problems == []


def test_two_tabs_share_one_stream_and_the_next_tab_takes_over(phone, people, live_front):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    first, _ = open_live(sam)
    second, problems = open_live(sam)
    wait_streams([first, second], 1)
    second.wait_for_timeout(1_000)  # a second stream, if any, would have opened by now
    assert streams(first, second) == 1
    assert first.evaluate(LIVE_SOURCES) + second.evaluate(LIVE_SOURCES) == 1
    leader, follower = (first, second) if first.evaluate(OPEN_STREAMS) else (second, first)

    writer, _ = open_live(alex)
    share_disclosure(writer, "Both tabs hear this")
    leader.get_by_text("Both tabs hear this").wait_for(timeout=APPEARS)
    follower.get_by_text("Both tabs hear this").wait_for(timeout=APPEARS)

    leader.close()  # the lock passes: the other tab opens the one stream
    wait_streams([follower], 1)
    share_disclosure(writer, "Heard after the first tab closed")
    follower.get_by_text("Heard after the first tab closed").wait_for(timeout=APPEARS)
    assert problems == []


def test_without_web_locks_each_visible_tab_opens_its_own(phone, people):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    sam.add_init_script("Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined });")
    first, _ = open_live(sam)
    second, problems = open_live(sam)
    wait_streams([first, second], 2)
    writer, _ = open_live(alex)
    share_disclosure(writer, "Heard without a leader")
    first.get_by_text("Heard without a leader").wait_for(timeout=APPEARS)
    second.get_by_text("Heard without a leader").wait_for(timeout=APPEARS)
    assert problems == []


def test_a_hidden_page_closes_its_stream_and_catches_up_when_shown(phone, people):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    writer, _ = open_live(alex)
    page, problems = open_live(sam)
    controlled(page)  # the worker is in charge of the page's requests from here on
    answers = []
    page.on("response", lambda r: answers.append(r) if r.url.endswith("/api/live") else None)
    wait_streams([page], 1)

    hide(page)
    wait_until(page, f"() => ({LIVE_SOURCES})() === 0")
    share_disclosure(writer, "Written while Sam looked away")
    page.wait_for_timeout(1_500)
    assert page.get_by_text("Written while Sam looked away").count() == 0  # hidden: no stream, no sync
    assert page.evaluate(LIVE_SOURCES) == 0

    hide(page, False)
    wait_streams([page], 1)
    page.get_by_text("Written while Sam looked away").wait_for(timeout=APPEARS)
    assert answers and not any(r.from_service_worker for r in answers)  # the worker leaves the stream alone
    assert problems == []


def test_the_phone_reconnects_after_the_live_service_restarts_and_catches_up(own_front, phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    page, _ = open_live(sam)
    wait_streams([page], 1)

    own_front.stop()  # the stream drops; the phone backs off (1 s, 2 s, ...) and tries again
    wait_until(page, f"() => ({OPEN_STREAMS})() === 0")
    seed(live_server, alex, "appreciation", {"text": "Written while the live service was down"})
    page.wait_for_timeout(1_500)
    own_front.start()
    page.get_by_text("Written while the live service was down").wait_for(timeout=15_000)  # at most ~8 s of backoff
    wait_streams([page], 1)
    assert page.evaluate("() => window.__sameDocument === true")


def test_a_session_ended_elsewhere_stops_the_stream_until_the_next_login(own_front, phone, people, live_server):
    alex, sam = phone(), phone()
    people.pair(alex, sam)
    page, problems = open_live(sam)
    wait_streams([page], 1)
    asked = []
    page.on("request", lambda r: asked.append(r) if r.url.endswith("/api/live") else None)

    assert sam.request.post(f"{live_server.url}/api/auth/logout", data={}).status == 204  # as another device would
    page.get_by_role("button", name="Log in").wait_for(timeout=15_000)  # the phone learns it by itself
    wait_until(page, f"() => ({LIVE_SOURCES})() === 0")
    tries = len(asked)
    page.wait_for_timeout(4_000)
    assert len(asked) == tries  # no more tries while logged out
    assert page.evaluate("() => window.__sameDocument === true")


def test_without_a_live_service_the_phone_waits_quietly(new_context, people):
    """The Flask app alone (no live service in front) answers /api/live with 204: the phone asks once
    (the stream, then one fetch to learn why it closed), waits its longest backoff, and says nothing."""
    alex, sam = new_context(), new_context()
    people.pair(alex, sam)
    page = sam.new_page()
    problems = watch(page)
    asked = []
    page.on("request", lambda r: asked.append(r.resource_type) if r.url.endswith("/api/live") else None)
    page.goto("/")
    wait_synced(page)
    page.wait_for_timeout(5_000)  # a normal backoff would have tried again by now (1 s, then 2 s)
    assert asked == ["eventsource", "fetch"]
    assert problems == []
