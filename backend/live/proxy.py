"""For `make run` only: the live service in front of Flask's server, so the app and /api/live share one
origin. Every other request goes to Flask as it came (method, path and query, body, headers with the
Host and cookies), and its answer comes back as it went (status, headers with every Set-Cookie, body
streamed, never decompressed). In production the TLS proxy routes /api/live instead (deploy/Caddyfile).

X-Forwarded-For: passed on untouched, and the client's address appended only when the app trusts one
proxy hop (PROXY_FIX_X_FOR), as it would behind Caddy; otherwise Flask sees this proxy's 127.0.0.1.
"""

import aiohttp
from aiohttp import web

from ..config import Config

# RFC 9110 §7.6.1: meant for one connection, never forwarded.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class Proxy:
    def __init__(self, upstream):
        self.upstream = upstream.rstrip("/")
        self.session = None

    def install(self, app):
        app.router.add_route("*", "/{tail:.*}", self.handle)
        app.on_startup.append(self._open)
        app.on_cleanup.append(self._close)

    async def _open(self, _app):
        self.session = aiohttp.ClientSession(
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),  # the browser's cookies pass through; none are kept here
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=10),
        )

    async def _close(self, _app):
        await self.session.close()

    async def handle(self, request):
        headers = [(k, v) for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP]
        if Config.PROXY_FIX_X_FOR and request.remote:
            forwarded = request.headers.get("X-Forwarded-For")
            headers = [(k, v) for k, v in headers if k.lower() != "x-forwarded-for"]
            headers.append(("X-Forwarded-For", f"{forwarded}, {request.remote}" if forwarded else request.remote))
        body = request.content if request.body_exists else None
        try:
            upstream = await self.session.request(
                request.method,
                self.upstream + request.rel_url.raw_path_qs,
                headers=headers,
                data=body,
                allow_redirects=False,
                skip_auto_headers=("Accept-Encoding", "User-Agent", "Content-Type"),
            )
        except aiohttp.ClientError:
            return web.Response(status=502, text="the app server does not answer")
        async with upstream:
            response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
            for name, value in upstream.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    response.headers.add(name, value)
            await response.prepare(request)
            async for chunk in upstream.content.iter_any():
                await response.write(chunk)
            await response.write_eof()
        return response
