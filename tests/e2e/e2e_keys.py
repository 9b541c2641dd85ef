"""Helpers for the browser tests of end-to-end encryption (issue 15): two phones holding the couple key, a
content key read back from a phone's keystore, and everything a database holds as bytes (where a marker must
never appear)."""

import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from .e2e_support import open_app, wait_until

RING = "() => import('/frontend/js/crypto/keyring.js').then((m) => m.state())"
KEY_HEX = """async (id) => { const K = await import('/frontend/js/crypto/keystore.js');
  const P = await import('/frontend/js/crypto/primitives.js'); const key = await K.contentKey(id);
  return key ? [...(await P.exportRaw(key))].map((b) => b.toString(16).padStart(2, '0')).join('') : null; }"""


def ready(page, timeout=45_000):
    wait_until(page, f"() => ({RING})().then((s) => s === 'ready')", timeout=timeout)


def paired_and_ready(new_context, people, sam_locale="en-US"):
    """Two phones of a couple, both holding the couple key: Alex's phone comes first and makes it; Sam's
    registers and waits; Alex opens the app again and wraps it for Sam's phone."""
    alex, sam = new_context(), new_context(locale=sam_locale)
    people.pair(alex, sam)
    a = open_app(alex)
    ready(a)
    s = open_app(sam)
    wait_until(s, f"() => ({RING})().then((s) => s === 'waiting' || s === 'ready')", timeout=30_000)
    a.reload()  # Alex opens the app again: her phone sees Sam's waiting and wraps the couple key for it
    ready(a)
    ready(s)
    return alex, sam, a, s


def database_bytes(url):
    """Everything the database holds, as bytes: the SQLite files (with the write-ahead log), or pg_dump."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        base = Path(parsed.database)
        return b"".join(p.read_bytes() for p in (base, Path(f"{base}-wal"), Path(f"{base}-shm")) if p.exists())
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--data-only", plain], capture_output=True, check=True, timeout=60).stdout
