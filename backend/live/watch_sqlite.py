"""SQLite (one host, no NOTIFY): every tick, one query reads the counters and couple of every user with
an open stream (store.counters, in chunks of ids); the hub wakes the streams whose cursor moved.
Sessions that ended are found by the service's sweep (app.py)."""

import asyncio
import logging

log = logging.getLogger("hearth.live")


async def watch(service):
    while True:
        await asyncio.sleep(service.tick_every)
        users = service.hub.user_ids()
        if not users:
            continue
        try:
            await service.refresh(users)
        except Exception as exc:  # a locked or missing database: the next tick tries again
            log.warning("live: tick failed: %s", exc)
