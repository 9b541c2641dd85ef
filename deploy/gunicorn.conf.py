"""gunicorn settings for Hearth: `gunicorn --config deploy/gunicorn.conf.py "backend:create_app()"`.

Every value can be changed from the environment (the systemd unit's EnvironmentFile, or the platform's
settings for the Procfile), so this file stays the same on every host. See docs/deploy.md.
"""
import multiprocessing
import os
import sys

# Where to listen: HEARTH_BIND, else $PORT on every interface (Procfile platforms), else loopback for a
# TLS proxy on the same host.
if os.environ.get("HEARTH_BIND"):
    bind = os.environ["HEARTH_BIND"]
elif os.environ.get("PORT"):
    bind = f"0.0.0.0:{os.environ['PORT']}"
else:
    bind = "127.0.0.1:8000"

# Processes x threads = requests served at once. Each thread may hold one database connection.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# A sync does at most 100 mutations and 500 changes: anything near 30 s is stuck, not slow.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))  # SIGTERM: finish requests first
keepalive = 5  # the proxy reuses its connections
max_requests = 20000  # recycle workers now and then: memory stays flat over months
max_requests_jitter = 2000

# Logs to stdout/stderr: journald (systemd) or the platform collects them. The access log carries the
# client address the proxy saw and the time taken in seconds.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(b)s %(L)ss "%(a)s"'

# gunicorn trusts X-Forwarded-Proto only from these addresses (the TLS proxy); the app's PROXY_FIX_*
# settings then take the browser's host and address from the same proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Each worker builds its own app and database pool (a pool must not cross a fork).
preload_app = False

# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl, shared by every gunicorn of that user
# and not writable under systemd's ProtectHome: systemctl reload (HUP) is all Hearth needs.
control_socket_disable = True


def on_starting(server):
    """Several workers each counting rate limits in their own memory would multiply every limit: refuse
    to start unless the store is shared (RATELIMIT_STORAGE_URI=redis://…). backend/limiter_store.py."""
    from backend.config import Config
    from backend.limiter_store import problem
    message = problem(server.cfg.workers, Config.RATELIMIT_STORAGE_URI, Config.RATELIMIT_ENABLED)
    if message:
        server.log.error(message)
        sys.exit(1)
