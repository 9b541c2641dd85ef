"""The PWA: the shell's files, /manifest.json, /service-worker.js, and security headers.

The worker's version and precache list come from the files themselves: a sha256 over
every shell file, recomputed whenever a file's size or mtime changes. No hand-kept number.
"""

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_from_directory
from werkzeug.routing import PathConverter

bp = Blueprint("web", __name__)

REPO = Path(__file__).resolve().parent.parent
# Only these file types are served from frontend/ (the icon script and the like stay private).
SERVED = {".html", ".js", ".css", ".png", ".svg", ".json", ".ico", ".txt", ".woff2"}
# Served, but not precached: screenshots are not needed offline; the catalogues (locales/) are kept one
# at a time, the person's own language, when the page loads it (service-worker.js, KEEP_LANGUAGE).
NOT_PRECACHED = {"screenshots", "locales"}
# The large install icons: the browser fetches them when it installs the app, which needs the network anyway.
INSTALL_ONLY = {"icon-512.png", "maskable-512.png"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

_worker = (None, None)  # (stat key, rendered service-worker.js), replaced as one tuple


class PageConverter(PathConverter):
    """An app route such as /today or /join: anything outside /api without a file extension."""

    regex = r"(?!api(?:/|$))[^.]+"


@bp.record_once
def _register_converter(state):
    state.app.url_map.converters["page"] = PageConverter


def web_root():
    """Where frontend/, manifest.json and service-worker.js live (tests point it at a copy)."""
    return Path(current_app.config.get("WEB_ROOT") or REPO)


def shell_files(root):
    front = root / "frontend"
    files = []
    for path in sorted(front.rglob("*")):
        parts = path.relative_to(front).parts
        if (
            path.is_file()
            and path.suffix in SERVED
            and not NOT_PRECACHED & set(parts)
            and path.name not in INSTALL_ONLY
        ):
            files.append(path)
    return files


def render_worker(root):
    """service-worker.js with VERSION and PRECACHE filled in; cached until a file changes."""
    global _worker
    sources = shell_files(root) + [root / "manifest.json", root / "service-worker.js"]
    # The catalogues (and the question library, locales/questions/) are not precached, but a changed word
    # must still make a new version, which fetches the languages kept before afresh.
    languages = sorted((root / "frontend" / "locales").rglob("*.json"))
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sources + languages)
    cached_key, text = _worker
    if cached_key == key:
        return text
    digest = hashlib.sha256()
    for path in sources + languages:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    urls = ["/", "/manifest.json"] + [
        "/frontend/" + p.relative_to(root / "frontend").as_posix() for p in sources[:-2] if p.name != "index.html"
    ]
    text = (root / "service-worker.js").read_text(encoding="utf-8")
    text = text.replace('"__VERSION__"', json.dumps(digest.hexdigest()[:20]), 1)
    text = text.replace("[] /* __PRECACHE__ */", json.dumps(urls), 1)
    _worker = (key, text)
    return text


def no_cache(response):
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/")
@bp.get("/<page:path>")
def shell(path=""):
    """Every app screen is the same page; the client-side router picks the view."""
    return no_cache(send_from_directory(web_root() / "frontend", "index.html", max_age=0))


@bp.get("/frontend/<path:filename>")
def asset(filename):
    if Path(filename).suffix not in SERVED:
        abort(404)
    # no-cache: the browser revalidates by ETag; offline copies live in the worker's cache.
    return no_cache(send_from_directory(web_root() / "frontend", filename, max_age=0))


@bp.get("/manifest.json")
def manifest():
    response = send_from_directory(web_root(), "manifest.json", max_age=0)
    response.mimetype = "application/manifest+json"
    return no_cache(response)


@bp.get("/service-worker.js")
def service_worker():
    response = Response(render_worker(web_root()), mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return no_cache(response)


@bp.after_app_request
def security_headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.path == "/api" or request.path.startswith(("/api/", "/healthz")):
        # Private answers (and errors about them) never sit in a browser, proxy or shared-device cache.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response
