"""The live service: `GET /api/live` answers Server-Sent Events telling a logged-in phone its sync cursor
whenever it moves, so the phone syncs at once. aiohttp on one event loop; every database read runs in
one thread beside it, batched for all streams (store.py). docs/deploy.md describes how it is deployed.

The stream: `retry: 3000`, then at once `event: changed` / `data: {"cursor": "C.O"}` with the user's
position now (C: their couple's seq, 0 without a couple; O: their own_seq), then one such event whenever
either moves (moves close together are coalesced: the latest is sent), and `: ping` every `ping_every`
seconds. It ends when the session does. Nothing else is ever sent: no content, no ids.
"""

import asyncio
import json
import logging
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web

from .. import i18n
from ..config import Config
from ..errors import error_body
from ..services import accounts, live_signal
from . import store
from .hub import Hub, Stream

log = logging.getLogger("hearth.live")

RETRY_MS = 3000
STREAM_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",
}


class LiveService:
    def __init__(self, database_url, ping_every=20.0, sweep_every=15.0, tick_every=0.3):
        self.database_url = database_url
        self.postgres = database_url.startswith("postgresql")
        self.ping_every, self.sweep_every, self.tick_every = ping_every, sweep_every, tick_every
        self.hub = Hub()
        self.db = store.engine(database_url)
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="live-db")  # one: reads never pile up
        self._checks = {}  # session id -> futures waiting for its row (the next batched read)
        self._checks_due = None
        self._reread = set()  # user ids to read again (a notification said so, or they just connected)
        self._reread_due = None
        self._tasks = []

    async def read(self, function, *args):
        return await asyncio.get_running_loop().run_in_executor(self.executor, function, self.db, *args)

    # --- the service's own tasks -------------------------------------------------------------------

    async def start(self, _app=None):
        self._checks_due, self._reread_due = asyncio.Event(), asyncio.Event()
        loops = [self._check_loop(), self._reread_loop(), self._heartbeat_loop(), self._sweep_loop()]
        if self.postgres:
            from .watch_pg import watch

            loops.append(watch(self))
        else:
            from .watch_sqlite import watch

            loops.append(watch(self))
        self._tasks = [asyncio.create_task(_logged(loop)) for loop in loops]

    async def stop(self, _app=None):
        for user_id in self.hub.user_ids():
            self.hub.end_user(user_id)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.db.dispose()

    async def _heartbeat_loop(self):
        while True:
            await asyncio.sleep(self.ping_every)
            self.hub.ping_all()

    async def _sweep_loop(self):
        """Expired sessions (and, on SQLite, ended ones) end their streams: one query for all."""
        while True:
            await asyncio.sleep(self.sweep_every)
            checked = self.hub.session_ids()
            try:
                if checked:
                    self.hub.keep_sessions(await self.read(store.live_sessions, checked), checked)
            except Exception as exc:  # the database is away: the next sweep tries again
                log.warning("live: session sweep failed: %s", exc)

    async def check_session(self, session_id):
        """(user id, couple id, couple seq, own seq) of a live session, else None; read in a batch with
        every other stream connecting meanwhile."""
        future = asyncio.get_running_loop().create_future()
        self._checks.setdefault(session_id, []).append(future)
        self._checks_due.set()
        return await future

    async def _check_loop(self):
        while True:
            await self._checks_due.wait()
            self._checks_due.clear()
            waiting, self._checks = self._checks, {}
            try:
                found = await self.read(store.open_sessions, list(waiting))
            except Exception as exc:  # the database is away: these connections fail, later ones retry
                log.warning("live: session check failed: %s", exc)
                for futures in waiting.values():
                    for future in futures:
                        if not future.done():
                            future.set_exception(exc)
                continue
            for session_id, futures in waiting.items():
                for future in futures:
                    if not future.done():
                        future.set_result(found.get(session_id))

    def reread(self, user_ids):
        self._reread.update(user_ids)
        if self._reread_due is not None:
            self._reread_due.set()

    async def _reread_loop(self):
        while True:
            await self._reread_due.wait()
            self._reread_due.clear()
            users, self._reread = self._reread, set()
            users = [u for u in users if u in self.hub.by_user]
            if not users:
                continue
            try:
                await self.refresh(users, sessions=True)
            except Exception as exc:
                log.warning("live: re-read failed, trying again: %s", exc)
                self.reread(users)
                await asyncio.sleep(1)

    async def refresh(self, user_ids, sessions=False):
        """The users' counters (and couples) from the database; a user gone ends their streams.
        With sessions=True their streams' sessions are checked too."""
        found = await self.read(store.counters, user_ids)
        for user_id in user_ids:
            if user_id in found:
                self.hub.counters(user_id, *found[user_id])
            else:
                self.hub.end_user(user_id)
        if sessions:
            checked = self.hub.sessions_of(user_ids)
            if checked:
                self.hub.keep_sessions(await self.read(store.live_sessions, checked), checked)

    def apply(self, payload):
        """A notification's messages (services/live_signal.py)."""
        for message in live_signal.parse(payload):
            letter = message[0]
            if letter == "c":
                self.hub.couple_moved(message[1], message[2])
            elif letter == "u":
                self.hub.own_moved(message[1], message[2])
            elif letter == "r":
                self.reread([message[1]])
            elif letter == "e":
                self.hub.end_session(message[1])

    # --- the endpoint ------------------------------------------------------------------------------

    async def handle_live(self, request):
        token = request.cookies.get(Config.SESSION_COOKIE_NAME)
        row = await self.check_session(accounts.token_id(token)) if token else None
        if row is None:
            lang = i18n.header_language(request.headers.get("Accept-Language", ""))
            # Byte for byte what Flask's jsonify writes for login_required (sorted keys, compact, ASCII).
            body = json.dumps(error_body(401, "login_required", lang=lang), sort_keys=True, separators=(",", ":"))
            return web.Response(
                status=401,
                body=body.encode() + b"\n",
                headers={"Content-Type": "application/json", "Cache-Control": "no-store"},
            )
        user_id, couple_id, couple_seq, own_seq = row
        response = web.StreamResponse(headers=STREAM_HEADERS)
        await response.prepare(request)
        stream = Stream(user_id, accounts.token_id(token), couple_id, couple_seq, own_seq)
        self.hub.add(stream)
        if self.postgres:
            self.reread([user_id])  # a move between the check and add() would be missed otherwise
        try:
            await response.write(f"retry: {RETRY_MS}\n\n".encode())
            while True:
                await stream.event.wait()
                stream.event.clear()
                if stream.closed:
                    break
                cursor = stream.cursor()
                if cursor != stream.sent:
                    stream.sent = cursor
                    await response.write(f'event: changed\ndata: {{"cursor": "{cursor}"}}\n\n'.encode())
                elif stream.ping:
                    await response.write(b": ping\n\n")
                stream.ping = False
        except (ConnectionResetError, ConnectionError):
            pass
        finally:
            self.hub.remove(stream)
        return response

    async def handle_health(self, _request):
        await self.read(store.ping)
        return web.json_response({"status": "ok"})


async def _logged(coroutine):
    try:
        await coroutine
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("live: a background task failed")
        raise


def make_app(service, proxy_to=None):
    app = web.Application()
    app.router.add_get("/api/live", service.handle_live)
    app.router.add_get("/healthz", service.handle_health)
    app.on_startup.append(service.start)
    app.on_shutdown.append(service.stop)
    if proxy_to:
        from .proxy import Proxy

        Proxy(proxy_to).install(app)
    return app
