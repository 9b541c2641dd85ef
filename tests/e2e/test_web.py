"""The Flask side of the PWA: shell routes, headers, and a worker version made from content hashes."""

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from backend.web import INSTALL_ONLY

pytestmark = pytest.mark.e2e

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def fetch(server, path):
    try:
        with urllib.request.urlopen(server.url + path) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def worker_constants(server):
    _, _, body = fetch(server, "/service-worker.js")
    source = body.decode()
    version = re.search(r'const VERSION = "([0-9a-f]+)";', source).group(1)
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source).group(1))
    return version, precache


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/bids",
        "/join?code=HEARTH-AAAA-BBBB",
        "/manifest.json",
        "/service-worker.js",
        "/frontend/js/main.js",
        "/api/me",
    ],
)
def test_every_response_has_the_security_headers(live_server, path):
    _, headers, _ = fetch(live_server, path)
    assert headers["Content-Security-Policy"] == CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain http here


@pytest.mark.parametrize("path", ["/", "/today", "/join", "/more", "/reset", "/forgot"])
def test_app_routes_serve_the_shell(live_server, path):
    status, headers, body = fetch(live_server, path)
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'<script type="module" src="/frontend/js/main.js">' in body
    assert b"<script>" not in body and b" style=" not in body  # nothing inline for the CSP to refuse


def test_unknown_api_paths_stay_json_404(live_server):
    status, headers, body = fetch(live_server, "/api/no-such-thing")
    assert status == 404 and json.loads(body)["code"] == 404


@pytest.mark.parametrize("path", ["/frontend/icons/make_icons.py", "/frontend/nope.js", "/nope.js"])
def test_private_or_missing_files_are_404(live_server, path):
    assert fetch(live_server, path)[0] == 404


def test_service_worker_is_served_for_the_whole_scope(live_server):
    status, headers, body = fetch(live_server, "/service-worker.js")
    assert status == 200
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Service-Worker-Allowed"] == "/"
    assert headers["Cache-Control"] == "no-cache"
    assert b"__VERSION__" not in body and b"__PRECACHE__" not in body


def test_precache_lists_every_shell_file(live_server, web_root):
    _, precache = worker_constants(live_server)
    expected = {
        "/frontend/" + p.relative_to(web_root / "frontend").as_posix()
        for p in (web_root / "frontend").rglob("*")
        if p.suffix in {".js", ".css", ".png"} and "screenshots" not in p.parts and p.name not in INSTALL_ONLY
    }
    assert expected <= set(precache)
    assert "/" in precache and "/manifest.json" in precache
    assert not any("screenshots" in url or url.endswith(".py") for url in precache)
    for url in precache:
        assert fetch(live_server, url)[0] == 200, url


# A question's words (locales/questions/, kept offline but not precached) make a new version too.
@pytest.mark.parametrize("name", ["js/questions.js", "locales/questions/en.json"])
def test_changing_a_frontend_file_makes_a_new_worker_version(live_server, web_root, name):
    before, _ = worker_constants(live_server)
    assert worker_constants(live_server)[0] == before  # stable while nothing changes
    path = web_root / "frontend" / name
    original = path.read_text()
    try:
        path.write_text(original + "\n// changed\n")
        changed, _ = worker_constants(live_server)
        assert changed != before
    finally:
        path.write_text(original)
    assert worker_constants(live_server)[0] == before  # content hashes, not timestamps


def test_manifest_is_installable_shape(live_server):
    status, headers, body = fetch(live_server, "/manifest.json")
    manifest = json.loads(body)
    assert headers["Content-Type"].startswith("application/manifest+json")
    for key in ("name", "short_name", "id", "start_url", "scope", "theme_color", "background_color"):
        assert manifest[key]
    assert manifest["display"] == "standalone"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert {s["form_factor"] for s in manifest["screenshots"]} == {"narrow", "wide"}
    for image in manifest["icons"] + manifest["screenshots"]:
        status, headers, _ = fetch(live_server, image["src"])
        assert status == 200 and headers["Content-Type"] == "image/png", image["src"]


IMPORT = re.compile(r"""^\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']""", re.M)
LINKED = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/frontend/[^"]+)"')


def static_graph(server, entry):
    """entry and every module it imports statically, as URLs (dynamic import() loads later)."""
    seen, stack = set(), [entry]
    while stack:
        url = stack.pop()
        if url in seen:
            continue
        seen.add(url)
        source = fetch(server, url)[2].decode()
        for match in IMPORT.finditer(source):
            spec = match.group(1) or match.group(2)
            stack.append(urllib.parse.urljoin(url, spec))
    return seen


def test_first_screen_shell_is_under_150_kb_gzipped(live_server):
    """The shell a first screen needs, compressed as a server would: index.html, what it links (CSS, the icons,
    main.js) and main.js's static import graph, and one language file (the larger: Russian)."""
    import gzip

    _, precache = worker_constants(live_server)
    html = fetch(live_server, "/")[2]
    linked = set(LINKED.findall(html.decode()))
    shell = {"/"} | linked | static_graph(live_server, "/frontend/js/main.js")
    languages = ["/frontend/locales/en.json", "/frontend/locales/ru.json"]
    largest = max(languages, key=lambda url: len(gzip.compress(fetch(live_server, url)[2], 9)))
    shell.add(largest)
    assert "/frontend/js/i18n.js" in shell and "/frontend/css/app.css" in shell
    assert set(shell) - {"/", largest} <= set(precache), "the shell is all precached"
    total = sum(len(gzip.compress(fetch(live_server, url)[2], 9)) for url in shell)
    assert total < 150 * 1024, f"{total / 1024:.1f} KB"


def test_the_catalogues_are_kept_one_at_a_time_not_precached(live_server, web_root):
    """The precache holds no catalogue (the page asks for its own language); a changed word still makes a
    new worker version, which fetches the kept languages afresh."""
    before, precache = worker_constants(live_server)
    assert not [url for url in precache if url.startswith("/frontend/locales/")]
    path = web_root / "frontend" / "locales" / "ru.json"
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original.replace("Сегодня", "Сегодня!", 1), encoding="utf-8")
        assert worker_constants(live_server)[0] != before
    finally:
        path.write_text(original, encoding="utf-8")
    assert worker_constants(live_server)[0] == before


def test_a_russian_phone_keeps_its_language_offline_and_only_that_one(new_context, people, live_server):
    """First visit online, then offline: the app still opens in Russian from the worker's cache, which
    holds ru.json and not en.json (one language loaded, as the shell budget counts it)."""
    from e2e.e2e_support import open_app, wait_until

    phone = new_context(locale="ru-RU")
    people.signup(phone, "Alex")
    page = open_app(phone, "/")
    wait_until(page, "() => document.documentElement.lang === 'ru'")
    cached = wait_until(
        page,
        """async () => {
            for (const name of await caches.keys()) {
                const urls = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
                if (urls.includes('/frontend/locales/ru.json')) return urls;
            }
            return null;
        }""",
    )
    assert "/frontend/locales/en.json" not in cached
    phone.set_offline(True)
    page.reload()
    wait_until(page, "() => document.querySelector('#tabbar span')?.textContent === 'Сегодня'")
    assert page.evaluate("document.documentElement.lang") == "ru"
    phone.set_offline(False)
