"""Browser tests: the real app on a live server in a thread, driven by Playwright on the system Chromium.

The server serves a copy of the frontend (WEB_ROOT), so a test can change a file and see a new
service-worker version without touching the repository.
"""

import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from backend import create_app
from backend.config import TestConfig
from backend.extensions import db
from backend.models import utcnow
from conftest import empty_tables
from push_service import SUBJECT, PushService, new_vapid_pem

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def web_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    shutil.copytree(REPO / "frontend", root / "frontend")
    shutil.copy(REPO / "manifest.json", root / "manifest.json")
    shutil.copy(REPO / "service-worker.js", root / "service-worker.js")
    return root


class LiveServer:
    def __init__(self, app, url):
        self.app, self.url = app, url

    def query(self, statement):
        with self.app.app_context():
            return db.session.execute(statement).all()

    def entries(self, **where):
        from backend.models import Entry

        with self.app.app_context():
            rows = db.session.scalars(select(Entry).filter_by(**where)).all()
            db.session.expunge_all()
            return rows


@pytest.fixture(scope="session")
def live_server(database_url, web_root):
    config = type(
        "E2EConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False, "WEB_ROOT": str(web_root)},
    )
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_front(database_url, live_server, tmp_path_factory):
    """The live service (backend/live) in front of live_server, as `make run` puts it: /api/live on the
    e2e database, every other request proxied to live_server. A context made with base_url=live_front.url
    gets the whole app plus /api/live on one origin. Its clock starts from the run's instant, so the
    sessions the tests make are live by it. Exposes .url (and .process, .log_path)."""
    from servers import LiveProcess, Processes

    processes = Processes()
    front = LiveProcess(
        processes,
        database_url,
        tmp_path_factory.mktemp("live") / "live.log",
        now=utcnow(),
        extra=("--proxy-to", live_server.url),
    )
    yield front
    processes.stop_all()


@pytest.fixture
def encryption_on(live_server):
    """The server's end-to-end setting on for one test (config E2E_ENCRYPTION; /api/me tells the phones), then
    back to the run's own setting: on by default, while HEARTH_E2E=0 in the environment turns it off for every
    browser test (the live server's config inherits Config's, which reads it at import), so the suite can run
    both ways."""
    before = live_server.app.config["E2E_ENCRYPTION"]
    live_server.app.config["E2E_ENCRYPTION"] = True
    yield
    live_server.app.config["E2E_ENCRYPTION"] = before


@pytest.fixture
def encryption_off(live_server):
    """The server's end-to-end setting off for one test (an operator's HEARTH_E2E=0): the phones keep words as
    typed, as on a server from before the setting. Then back to the run's own setting."""
    before = live_server.app.config["E2E_ENCRYPTION"]
    live_server.app.config["E2E_ENCRYPTION"] = False
    yield
    live_server.app.config["E2E_ENCRYPTION"] = before


@pytest.fixture
def sending(live_server):
    """The live app with a VAPID key and a loopback push service (tests/push_service.py): what the server sends
    to a subscribed test device arrives there, for the test to decrypt with the device's own key."""
    app = live_server.app
    keys = ("VAPID_PRIVATE_KEY", "VAPID_SUBJECT")
    before = {k: app.config.get(k) for k in keys}
    app.config.update(VAPID_PRIVATE_KEY=new_vapid_pem(), VAPID_SUBJECT=SUBJECT)
    service = PushService()
    yield service
    service.close()
    app.config.update(before)


@pytest.fixture(autouse=True)
def clean_tables(request):
    """Every browser test starts from empty tables, and with the run's own end-to-end setting: a test that
    changed it and left it changed (a monkeypatch undone after encryption_on's restore once left it on for
    every later test) makes the next one fail, saying so, instead of running it the other way unseen."""
    if "live_server" in request.fixturenames:
        app = request.getfixturevalue("live_server").app
        empty_tables(app)
        if app.config["E2E_ENCRYPTION"] != TestConfig.E2E_ENCRYPTION:
            app.config["E2E_ENCRYPTION"] = TestConfig.E2E_ENCRYPTION
            pytest.fail("the test before this one left the server's end-to-end setting changed (E2E_ENCRYPTION)")
    yield


@pytest.fixture(scope="session")
def playwright_instance():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Fresh browser contexts (one per person); all closed after the test."""
    made = []

    def make(**options):
        options.setdefault("locale", "en-US")  # the app follows navigator.languages; tests name theirs
        context = browser.new_context(base_url=live_server.url, viewport=PHONE, **options)
        context.hearth_language = options["locale"][:2]  # People.signup: the account speaks it too
        context.clock.set_system_time(utcnow())  # the test's instant, as the server's clock reads it
        context.set_default_timeout(20_000)  # a shared 2-core machine can be slow
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def persistent_context(playwright_instance, live_server, tmp_path):
    """A browser profile on disk, for tests where a restart or the install state matters."""
    made = []

    def make(**options):
        options.setdefault("locale", "en-US")
        context = playwright_instance.chromium.launch_persistent_context(
            str(tmp_path / f"profile-{len(made)}"),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            base_url=live_server.url,
            viewport=PHONE,
            **options,
        )
        context.clock.set_system_time(utcnow())
        context.set_default_timeout(20_000)  # a shared 2-core machine can be slow
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


class People:
    """Accounts made through the API in a browser context, so the context holds the session cookie."""

    def __init__(self, server):
        self.server, self.count = server, 0

    def signup(self, context, name):
        self.count += 1
        email = f"{name.lower()}{self.count}@example.com"
        response = context.request.post(
            f"{self.server.url}/api/auth/signup",
            data={
                "email": email,
                "password": PASSWORD,
                "display_name": name,
                "timezone": "Europe/Berlin",
                # As the phone would: a Russian phone's account speaks Russian (pushes, default rituals).
                "language": getattr(context, "hearth_language", "en"),
            },
        )
        assert response.status == 201, response.text()
        return response.json()["user"]

    def pair(self, first, second):
        """(first's user, second's user), paired: first creates the couple, second joins."""
        a, b = self.signup(first, "Alex"), self.signup(second, "Sam")
        invite = first.request.post(f"{self.server.url}/api/couple", data={}).json()["invite"]
        joined = second.request.post(f"{self.server.url}/api/couple/join", data={"code": invite["code"]})
        assert joined.status == 200, joined.text()
        return a, b


@pytest.fixture
def people(live_server):
    return People(live_server)
