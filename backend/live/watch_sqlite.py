"""SQLite (one host, no NOTIFY): every tick, PRAGMA data_version tells whether anyone committed since the
last tick; if so, one query reads the counters and couple of every user with an open stream
(store.counters, in chunks of ids) and the hub wakes the streams whose cursor moved. Sessions that ended
are found by the service's sweep (app.py)."""

import asyncio
import logging
from functools import partial

from . import store

log = logging.getLogger("hearth.live")


async def watch(service):
    version = None
    while True:
        await asyncio.sleep(service.tick_every)
        users = service.hub.user_ids()
        if not users:
            continue
        try:
            if version is None:
                version = await service.read(store.DataVersion)
            joined, service.joined = service.joined, False
            # A stream that just joined was read before it joined: a commit in between is read now.
            if await service.read(_moved, version) or joined:
                await service.refresh(users, read=partial(_counters, version=version))
        except Exception as exc:  # a locked or missing database: the next tick tries again
            log.warning("live: tick failed: %s", exc)
            version = None


def _moved(_db, version):
    return version.moved()


def _counters(_db, user_ids, version):
    return version.counters(user_ids)
