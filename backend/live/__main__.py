"""`python -m backend.live --host 127.0.0.1 --port 5000 [--proxy-to http://127.0.0.1:5001]`

Serves GET /api/live (and /healthz) on the app's database (DATABASE_URL, backend/config.py). With
--proxy-to it also forwards every other request to that Flask server (`make run`: one origin).
"""

import argparse
import logging
import resource
from datetime import datetime

from aiohttp import web

from ..config import Config
from ..models import base as model_base
from .app import LiveService, make_app


def _raise_descriptor_limit():
    """Each stream holds a socket: take the hard limit (systemd's LimitNOFILE) as the soft one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m backend.live", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--proxy-to", help="forward every other request to this server (make run)")
    parser.add_argument("--ping", type=float, default=20.0, help="seconds between heartbeat comments")
    parser.add_argument("--sweep", type=float, default=15.0, help="seconds between session checks (expiry)")
    parser.add_argument("--tick", type=float, default=0.3, help="SQLite: seconds between counter reads")
    parser.add_argument("--now", help="run the clock from this ISO 8601 instant (tests; sessions expire by it)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.now:
        model_base.clock.shift_to(datetime.fromisoformat(args.now.replace("Z", "+00:00")))
    _raise_descriptor_limit()
    service = LiveService(
        Config.SQLALCHEMY_DATABASE_URI, ping_every=args.ping, sweep_every=args.sweep, tick_every=args.tick
    )
    app = make_app(service, proxy_to=args.proxy_to)
    web.run_app(app, host=args.host, port=args.port, access_log=None, print=None, shutdown_timeout=5)


if __name__ == "__main__":
    main()
