"""The rate limits hold only if every process serving the app counts in one store. With `memory://`
each process counts alone, so n gunicorn workers would let n times as many guesses through: serving
with more than one process and a per-process store is refused at start (deploy/gunicorn.conf.py's
`on_starting` hook, and create_app inside a gunicorn worker however it was started). One process
(`make run`, `flask run`) keeps the memory store."""

import sys


def per_process(storage_uri):
    """True for stores that live in one process's memory (`memory://`, `async+memory://`)."""
    scheme = storage_uri.split("://", 1)[0].lower()
    return scheme.split("+")[-1] == "memory"


def problem(processes, storage_uri, enabled=True):
    """Why serving with this many processes and this store would weaken the limits, or None."""
    if not enabled or processes <= 1 or not per_process(storage_uri):
        return None
    return (
        f"Refusing to start: {processes} worker processes with the per-process rate-limit store "
        f"{storage_uri!r} would each count logins on their own, multiplying every limit by {processes}. "
        "Set RATELIMIT_STORAGE_URI to a shared store (for example redis://127.0.0.1:6379/0), or serve "
        "with one worker (WEB_CONCURRENCY=1)."
    )


def gunicorn_workers():
    """How many workers the gunicorn running this code was configured with, or None outside gunicorn.
    gunicorn keeps no global for it; its worker, arbiter and application objects, which load the app,
    each hold the merged settings (config file, command line, GUNICORN_CMD_ARGS, WEB_CONCURRENCY)."""
    if "gunicorn" not in sys.modules:
        return None
    frame = sys._getframe(1)
    while frame is not None:
        holder = frame.f_locals.get("self")
        if type(holder).__module__.startswith("gunicorn.") and hasattr(holder, "cfg"):
            return holder.cfg.workers
        frame = frame.f_back
    return None


def check_app(config):
    """Raises at app creation inside a gunicorn with several workers and a per-process store."""
    message = problem(gunicorn_workers() or 1, config["RATELIMIT_STORAGE_URI"], config["RATELIMIT_ENABLED"])
    if message:
        raise RuntimeError(message)
