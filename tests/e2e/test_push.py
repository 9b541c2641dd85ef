"""Push in the PWA: the worker shows pushes (delivered over CDP), a click routes the page, the
Settings switch subscribes and unsubscribes, the app re-sends its subscription at start.

Headless Chromium has no push service here: a real pushManager.subscribe() rejects at once in an
incognito context ("Registration failed - permission denied") and never answers in a profile on
disk (it waits for FCM). So the subscription-posting tests replace PushManager's two methods with a
stand-in that returns a PushSubscription-like object; the test of the real call checks the error state.
"""

import base64
import json
import os
import uuid
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, select

from backend.extensions import db
from backend.models import PushSubscription, utcnow

from .e2e_support import artifacts, log_out, open_app, seed, wait_synced, wait_until

pytestmark = pytest.mark.e2e

IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def fake_push_manager(endpoint, fresh_after_unsubscribe=False):
    """An init script: PushManager.subscribe/getSubscription backed by localStorage, as a browser
    with a reachable push service would behave. Keys are a real P-256 point and a 16-byte secret.
    With fresh_after_unsubscribe, a subscribe after an unsubscribe gets a new endpoint, as real ones do."""
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    settings = {
        "endpoint": endpoint,
        "p256dh": b64url(point),
        "auth": b64url(os.urandom(16)),
        "fresh": fresh_after_unsubscribe,
    }
    return """(() => {
      const S = %s;
      const make = (saved) => ({ endpoint: saved.endpoint, expirationTime: null,
        options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(saved.key).buffer },
        toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: { p256dh: S.p256dh, auth: S.auth } }),
        unsubscribe: async () => { localStorage.removeItem("fake-push"); localStorage.setItem("fake-push-off", saved.endpoint); return true; } });
      if (typeof PushManager === "undefined") return;
      PushManager.prototype.getSubscription = async function () {
        const saved = localStorage.getItem("fake-push");
        return saved ? make(JSON.parse(saved)) : null;
      };
      PushManager.prototype.subscribe = async function (options) {
        const off = localStorage.getItem("fake-push-off");
        const endpoint = S.fresh && off ? `${off}-fresh` : S.endpoint;
        const saved = { endpoint, key: Array.from(new Uint8Array(options.applicationServerKey)) };
        localStorage.setItem("fake-push", JSON.stringify(saved));
        return make(saved);
      };
    })();""" % json.dumps(settings)


@pytest.fixture
def push_keys(live_server, tmp_path):
    """`flask push init` into a fresh key file; returns the public key the server hands out."""
    app = live_server.app
    before = app.config["VAPID_KEY_FILE"], app.config.get("VAPID_PRIVATE_KEY")
    app.config["VAPID_KEY_FILE"], app.config["VAPID_PRIVATE_KEY"] = str(tmp_path / "vapid.pem"), None
    result = app.test_cli_runner().invoke(args=["push", "init"])
    assert result.exit_code == 0, result.output
    with app.test_client() as client:
        yield client.get("/api/push/key").get_json()["public_key"]
    app.config["VAPID_KEY_FILE"], app.config["VAPID_PRIVATE_KEY"] = before


@pytest.fixture
def no_push_keys(live_server, tmp_path):
    app = live_server.app
    before = app.config["VAPID_KEY_FILE"], app.config.get("VAPID_PRIVATE_KEY")
    app.config["VAPID_KEY_FILE"], app.config["VAPID_PRIVATE_KEY"] = str(tmp_path / "missing.pem"), None
    yield
    app.config["VAPID_KEY_FILE"], app.config["VAPID_PRIVATE_KEY"] = before


def subscriptions(server):
    return [tuple(row) for row in server.query(select(PushSubscription.user_id, PushSubscription.endpoint))]


def push_to(page, server, payload):
    """Delivers `payload` to the page's service worker the way a push service would, over CDP."""
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    wait_until(page, "() => true")
    for _ in range(50):
        mine = [r for r in registrations if r["scopeURL"] == server.url + "/" and not r["isDeleted"]]
        if mine:
            break
        page.wait_for_timeout(100)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": server.url, "registrationId": mine[-1]["registrationId"], "data": json.dumps(payload)},
    )
    return cdp


NOTIFICATIONS = """async () => (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
    title: n.title, body: n.body, tag: n.tag, url: n.data && n.data.url, renotify: n.renotify,
    icon: n.icon, badge: n.badge, actions: n.actions.map((a) => a.action + ':' + a.title) }))"""

NUDGE = {
    "type": "nudge",
    "title": "Hearth",
    "body": "One small, honest thing to share today?",
    "url": "/#/today",
    "tag": "nudge",
}


def granted(new_context, live_server, **options):
    context = new_context(**options)
    context.grant_permissions(["notifications"], origin=live_server.url)
    return context


def switch(page):
    return page.get_by_role("switch", name="Notifications on this phone")


def test_a_push_becomes_a_notification_with_title_tag_and_share_action(new_context, people, live_server):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    push_to(page, live_server, NUDGE)
    shown = wait_until(page, NOTIFICATIONS)
    assert shown == [
        {
            "title": "Hearth",
            "body": NUDGE["body"],
            "tag": "nudge",
            "url": "/#/today",
            "renotify": False,
            "icon": f"{live_server.url}/frontend/icons/icon-192.png",
            "badge": f"{live_server.url}/frontend/icons/icon-192.png",
            "actions": ["share:Share now"],
        }
    ]


def test_a_partner_push_has_no_share_action_and_makes_the_page_sync(new_context, people, live_server):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/appreciate")
    wait_synced(page)
    seed(live_server, sam, "appreciation", {"text": "Thanks for the soup"})  # no sync trigger in the page
    push_to(
        page,
        live_server,
        {
            "type": "appreciation",
            "title": "Hearth",
            "body": "Sam sent you an appreciation",
            "url": "/#/appreciate",
            "tag": "partner-appreciation",
        },
    )
    page.get_by_text("Thanks for the soup").wait_for()  # FLUSH from the worker
    shown = wait_until(page, NOTIFICATIONS)
    assert [(n["title"], n["tag"], n["actions"]) for n in shown] == [("Hearth", "partner-appreciation", [])]


@pytest.mark.parametrize("action, path", [("", "/bids"), ("share", "/")])
def test_a_notification_click_routes_the_open_page(new_context, people, live_server, action, path):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/more")
    payload = (
        NUDGE
        if action
        else {
            "type": "bid",
            "title": "Hearth",
            "body": "Sam reached out to you",
            "url": "/#/bids",
            "tag": "partner-bid",
        }
    )
    push_to(page, live_server, payload)
    wait_until(page, NOTIFICATIONS)
    worker = alex.service_workers[0]
    # A script-made click: waitUntil refuses an untrusted event, but the handler's work still runs.
    worker.evaluate(
        """async (action) => {
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action }));
      }""",
        action,
    )
    wait_until(page, "(path) => location.pathname === path", path)
    if action == "share":
        composer = page.get_by_role("textbox", name="What's true for you today?")
        composer.wait_for()
        assert composer.evaluate("(node) => node === document.activeElement")
        assert page.evaluate("() => location.search") == ""
    else:
        page.get_by_role("heading", name="Bids", level=1).wait_for()


@pytest.mark.parametrize("payload, label", [({**NUDGE, "share": "Поделиться"}, "Поделиться"), (NUDGE, "Поделиться")])
def test_the_share_button_speaks_the_payloads_language_else_the_phones(
    new_context, people, live_server, payload, label
):
    """The server writes the nudge's button label in the recipient's language; a payload without one
    (queued before) falls back to the phone's language: the worker has no catalogue."""
    alex, sam = granted(new_context, live_server, locale="ru-RU"), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    push_to(page, live_server, payload)
    [shown] = wait_until(page, NOTIFICATIONS)
    assert shown["actions"] == [f"share:{label}"]


def test_share_now_opens_the_composer_after_a_first_share_too(new_context, people, live_server):
    """push.js asks the disclosure card to compose (no button is found by its words)."""
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    today = utcnow().astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
    seed(
        live_server,
        alex,
        "disclosure",
        {"text": "Already shared one", "category": "feeling", "feelings": [], "local_date": today},
    )
    page = open_app(alex, "/more")
    wait_synced(page)
    push_to(page, live_server, NUDGE)
    wait_until(page, NOTIFICATIONS)
    alex.service_workers[0].evaluate("""async () => {
        const [notification] = await self.registration.getNotifications();
        self.dispatchEvent(new NotificationEvent('notificationclick', { notification, action: 'share' }));
      }""")
    composer = page.get_by_role("textbox", name="What's true for you today?")
    composer.wait_for()
    assert composer.evaluate("(node) => node === document.activeElement")


def test_the_switch_subscribes_and_switching_off_unsubscribes(new_context, people, live_server, push_keys):
    alex, sam = granted(new_context, live_server), new_context()
    user, _ = people.pair(alex, sam)
    endpoint = f"http://127.0.0.1:9/push/{uuid.uuid4()}"
    alex.add_init_script(fake_push_manager(endpoint))
    page = open_app(alex, "/more")
    box = switch(page)
    wait_until(page, "() => document.getElementById('notify').dataset.state === 'off'")
    assert not box.is_checked()
    page.get_by_text("Your daily nudge comes at 8:00 PM", exact=False).wait_for()

    box.click()
    page.get_by_text("On for this phone.").wait_for()
    assert box.is_checked()
    assert subscriptions(live_server) == [(user["id"], endpoint)]
    used_key = page.evaluate("() => JSON.parse(localStorage.getItem('fake-push')).key")
    assert b64url(bytes(used_key)) == push_keys  # subscribed with the server's key

    page.reload()
    page.get_by_text("On for this phone.").wait_for()  # the state survives a restart
    box.click()
    page.get_by_text("Off on this phone.").wait_for()
    assert not box.is_checked()
    assert page.evaluate("() => localStorage.getItem('fake-push-off')") == endpoint
    assert subscriptions(live_server) == []


def test_a_subscription_another_signed_in_account_holds_is_replaced_by_a_fresh_one(
    new_context, people, live_server, push_keys
):
    """The server answers 409 (the endpoint is Sam's, and Sam is still signed in where it was made): the
    app drops that subscription and makes a fresh one, which is Alex's alone; Sam's row is untouched."""
    from datetime import timedelta

    from backend.models import AuthSession, utcnow

    alex, sam = granted(new_context, live_server), new_context()
    user, other = people.pair(alex, sam)
    endpoint = f"http://127.0.0.1:9/push/{uuid.uuid4()}"
    with live_server.app.app_context():
        session_id = db.session.scalar(select(AuthSession.id).where(AuthSession.user_id == other["id"]))
        assert db.session.get(AuthSession, session_id).expires_at > utcnow() + timedelta(days=1)
        db.session.add(
            PushSubscription(
                user_id=other["id"],
                session_id=session_id,
                endpoint=endpoint,
                p256dh=b64url(b"\x04" + os.urandom(64)),
                auth=b64url(os.urandom(16)),
            )
        )
        db.session.commit()
    alex.add_init_script(fake_push_manager(endpoint, fresh_after_unsubscribe=True))
    page = open_app(alex, "/more")
    switch(page).click()
    page.get_by_text("On for this phone.").wait_for()
    assert sorted(subscriptions(live_server)) == sorted([(other["id"], endpoint), (user["id"], endpoint + "-fresh")])


def test_the_app_resends_its_subscription_at_start(new_context, people, live_server, push_keys):
    alex, sam = granted(new_context, live_server), new_context()
    user, _ = people.pair(alex, sam)
    endpoint = f"http://127.0.0.1:9/push/{uuid.uuid4()}"
    alex.add_init_script(fake_push_manager(endpoint))
    page = open_app(alex, "/more")
    switch(page).click()
    page.get_by_text("On for this phone.").wait_for()
    with live_server.app.app_context():  # as if the push service had answered 410 once
        db.session.execute(delete(PushSubscription))
        db.session.commit()
    page.reload()
    for _ in range(100):
        if subscriptions(live_server):
            break
        page.wait_for_timeout(100)
    assert subscriptions(live_server) == [(user["id"], endpoint)]


def test_logging_out_unsubscribes_this_browser(new_context, people, live_server, push_keys):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    endpoint = f"http://127.0.0.1:9/push/{uuid.uuid4()}"
    alex.add_init_script(fake_push_manager(endpoint))
    page = open_app(alex, "/more")
    wait_synced(page)
    switch(page).click()
    page.get_by_text("On for this phone.").wait_for()
    log_out(page)
    assert page.evaluate("() => localStorage.getItem('fake-push-off')") == endpoint
    assert subscriptions(live_server) == []  # the server drops it with the session


def test_without_a_push_service_the_switch_says_so(new_context, people, live_server, push_keys):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    page = open_app(alex, "/more")  # the real pushManager.subscribe: no push service here
    switch(page).click()
    page.get_by_text("couldn't reach its push service", exact=False).wait_for(timeout=30_000)
    assert not switch(page).is_checked()
    assert subscriptions(live_server) == []


def test_without_server_keys_the_switch_says_so(new_context, people, live_server, no_push_keys):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    alex.add_init_script(fake_push_manager(f"http://127.0.0.1:9/push/{uuid.uuid4()}"))
    page = open_app(alex, "/more")
    switch(page).click()
    page.get_by_text("Notifications aren't set up on the server yet.").wait_for()
    assert not switch(page).is_checked()


@pytest.mark.parametrize(
    "state, setup, text",
    [
        (
            "blocked",
            "Object.defineProperty(Notification, 'permission', { get: () => 'denied' });",
            "Notifications are blocked for Hearth in this browser.",
        ),
        ("unsupported", "delete window.PushManager;", "This browser can't show notifications"),
        ("ios-install", None, "tap Share, then “Add to Home Screen”"),
    ],
)
def test_the_switch_shows_why_it_cannot_be_used(new_context, people, live_server, state, setup, text):
    options = {"user_agent": IPHONE_SAFARI} if state == "ios-install" else {}
    alex, sam = new_context(**options), new_context()
    people.pair(alex, sam)
    if setup:
        alex.add_init_script(setup)
    page = open_app(alex, "/more")
    page.get_by_text(text, exact=False).wait_for()
    assert switch(page).is_disabled()
    assert page.evaluate("() => document.getElementById('notify').dataset.state") == state
    page.evaluate(
        "() => { document.querySelector('#notify').closest('section').scrollIntoView(); window.scrollBy(0, -80); }"
    )
    page.screenshot(path=artifacts("screenshots", f"more-nudge-{state}.png"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_of_the_nudge_section(new_context, people, live_server, push_keys, scheme):
    alex, sam = granted(new_context, live_server, color_scheme=scheme), new_context()
    people.pair(alex, sam)
    alex.add_init_script(fake_push_manager(f"http://127.0.0.1:9/push/{uuid.uuid4()}"))
    page = open_app(alex, "/more")
    switch(page).click()
    page.get_by_text("On for this phone.").wait_for()
    page.evaluate(
        "() => { document.querySelector('#notify').closest('section').scrollIntoView(); window.scrollBy(0, -80); }"
    )
    page.screenshot(path=artifacts("screenshots", f"more-nudge-{scheme}.png"))


BADGE = """async () => { const hit = await (await caches.open('hearth-badge')).match('/badge');
    return hit ? Number(await hit.text()) : 0; }"""


def poll(worker, script, expected, page, timeout=10):
    for _ in range(timeout * 10):
        value = worker.evaluate(script)
        if value == expected:
            return value
        page.wait_for_timeout(100)
    return value


def test_partner_pushes_count_on_the_badge_until_the_app_is_seen(new_context, people, live_server):
    alex, sam = granted(new_context, live_server), new_context()
    people.pair(alex, sam)
    page = open_app(alex)
    worker = alex.service_workers[0]
    if not worker.evaluate("() => 'setAppBadge' in self.navigator"):
        pytest.skip("no Badging API in this Chromium's service worker")
    page.goto("about:blank")  # no page of the app is open: what arrives is unseen
    bid = {"type": "bid", "title": "Hearth", "body": "Sam reached out to you", "url": "/#/bids", "tag": "partner-bid"}
    push_to(page, live_server, bid)
    assert poll(worker, BADGE, 1, page) == 1
    push_to(page, live_server, NUDGE)  # not a partner item
    page.wait_for_timeout(500)
    assert worker.evaluate(BADGE) == 1
    push_to(page, live_server, bid)
    assert poll(worker, BADGE, 2, page) == 2
    page.goto("/")
    assert poll(worker, BADGE, 0, page) == 0  # opening the app clears it
