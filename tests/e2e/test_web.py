"""The Flask side of the PWA: shell routes, headers, and a worker version made from content hashes."""
import json
import re
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.e2e

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; manifest-src 'self'; worker-src 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'")


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


@pytest.mark.parametrize("path", ["/", "/bids", "/join?code=HEARTH-AAAA-BBBB", "/manifest.json",
                                  "/service-worker.js", "/frontend/js/main.js", "/api/me"])
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
    expected = {"/frontend/" + p.relative_to(web_root / "frontend").as_posix()
                for p in (web_root / "frontend").rglob("*")
                if p.suffix in {".js", ".css", ".png"} and "screenshots" not in p.parts}
    assert expected <= set(precache)
    assert "/" in precache and "/manifest.json" in precache
    assert not any("screenshots" in url or url.endswith(".py") for url in precache)
    for url in precache:
        assert fetch(live_server, url)[0] == 200, url


def test_changing_a_frontend_file_makes_a_new_worker_version(live_server, web_root):
    before, _ = worker_constants(live_server)
    assert worker_constants(live_server)[0] == before  # stable while nothing changes
    path = web_root / "frontend" / "js" / "questions.js"
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


def test_first_screen_shell_is_under_150_kb_gzipped(live_server):
    """HTML, every module, the CSS and the icons a first screen can need, compressed as a server would."""
    import gzip
    _, precache = worker_constants(live_server)
    first_screen = [url for url in precache if not url.endswith("512.png")]
    total = sum(len(gzip.compress(fetch(live_server, url)[2], 9)) for url in first_screen)
    assert total < 150 * 1024, f"{total / 1024:.1f} KB"
