"""PostgreSQL: ONE connection per live process LISTENs on hearth_live (services/live_signal.py); every
notification is applied to the hub at once. When the connection is lost it is opened again, and then
every connected user's counters and sessions are read once, so nothing sent meanwhile is missed."""

import asyncio
import logging

import psycopg
from sqlalchemy.engine import make_url

from ..services.live_signal import CHANNEL

log = logging.getLogger("hearth.live")


def conninfo(database_url):
    """The SQLAlchemy URL (postgresql+psycopg://…) as psycopg's own."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def watch(service):
    delay = 0.5
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(conninfo(service.database_url), autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                delay = 0.5
                service.reread(service.hub.user_ids())  # whatever moved while nobody listened
                async for notify in conn.notifies():
                    service.apply(notify.payload)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("live: LISTEN connection lost (%s); again in %.1fs", exc, delay)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 10.0)
