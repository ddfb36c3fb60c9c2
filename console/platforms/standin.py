"""A stand-in for every polled platform, on this machine, for the demo and for tests.

One aiohttp server on 127.0.0.1 (a free port) answers at each platform's documented
path, under a prefix that a destination's base URL points at::

    {url}/youtube/v3/videos              YouTube Data API videos.list
    {url}/helix/streams                  Twitch Helix Get Streams
    {url}/oauth2/token                   Twitch's client credentials grant
    {url}/owncast/<name>/api/status      an Owncast server per name
    {url}/zoom/v2/metrics/webinars/<id>/participants, {url}/zoom/oauth/token
    {url}/facebook/v19.0/<id>            a Facebook live video
    {url}/json/<name>                    a JSON document, the count at /stats/viewers

with the documented answers, and checks the credentials of :meth:`StandIn.secrets`
as each platform does. A count per (platform, target) is set by the caller
(:meth:`~StandIn.set_count`; None is a stream that is not live), or moves by itself
(:meth:`~StandIn.walk`: a seeded random walk around a level, one step per answer).
:meth:`~StandIn.fail` makes a target answer with a :class:`Fault` until cleared.
For Owncast and JSON the target is the name in the path.

``StandIn`` runs on the caller's loop; :class:`StandInThread` runs one on a loop of its
own (the demo's process, command-line tests). Its setters are safe from any thread.
"""

from __future__ import annotations

import asyncio
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from secrets import token_urlsafe
from typing import Any

from aiohttp import web

from console.models.viewers import URL_TARGETS, Destination, Platform, check_destination
from console.platforms import credentials as names
from console.platforms.exchange import basic_auth
from console.platforms.standin_answers import (
    STARTED_AT,
    WHOLE_ANSWER,
    Fault,
    Stream,
    count,
    google_error,
    graph_error,
    rate_limit,
    refusal,
    step,
    twitch_stream,
    youtube_video,
)

__all__ = ["Fault", "StandIn", "StandInThread"]

HOST = "127.0.0.1"
MOUNTS: dict[Platform, str] = {
    Platform.YOUTUBE: "/youtube/v3",
    Platform.TWITCH: "/helix",
    Platform.OWNCAST: "/owncast",
    Platform.ZOOM: "/zoom/v2",
    Platform.FACEBOOK: "/facebook/v19.0",
    Platform.JSON: "/json",
}
TOKEN_PATHS: dict[Platform, str] = {Platform.TWITCH: "/oauth2/token",
                                    Platform.ZOOM: "/zoom/oauth/token"}
JSON_POINTER = "/stats/viewers"
DEMO_PLATFORMS = (Platform.YOUTUBE, Platform.TWITCH, Platform.OWNCAST, Platform.FACEBOOK,
                  Platform.JSON)
_LABELS = {Platform.YOUTUBE: "YouTube", Platform.TWITCH: "Twitch", Platform.OWNCAST: "Owncast",
           Platform.ZOOM: "Zoom", Platform.FACEBOOK: "Facebook", Platform.JSON: "Website"}


class StandIn:
    """The stand-in server. ``secrets`` fixes the credentials it accepts (by variable
    name); the ones not given are made up. ``json_token`` makes the JSON documents
    want ``VIEWERS_JSON_TOKEN``."""

    def __init__(self, *, seed: int = 0, clock: Callable[[], float] = time.time,
                 secrets: Mapping[str, str] | None = None, json_token: bool = False,
                 token_lifetime_s: int = 3600) -> None:
        self._seed = seed
        self._clock = clock
        given = dict(secrets or {})
        wanted = [names.YOUTUBE_API_KEY, names.TWITCH_CLIENT_ID, names.TWITCH_CLIENT_SECRET,
                  names.ZOOM_ACCOUNT_ID, names.ZOOM_CLIENT_ID, names.ZOOM_CLIENT_SECRET,
                  names.FACEBOOK_ACCESS_TOKEN] + ([names.VIEWERS_JSON_TOKEN] if json_token else [])
        self._secrets = {name: given.get(name) or token_urlsafe(18) for name in wanted}
        self._token_lifetime_s = token_lifetime_s
        self._lock = threading.Lock()
        self._streams: dict[tuple[Platform, str], Stream] = {}
        self._tokens: dict[str, tuple[Platform, float]] = {}
        self.requests: Counter[Platform] = Counter()  # API calls past their credentials
        self.received = 0  # every request, whatever it asked
        self.tokens_issued: Counter[Platform] = Counter()
        self.issued_tokens: list[str] = []  # every token handed out, expired or not
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None
        self._port: int | None = None

    # --- running ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._counted])
        routes = [
            web.get(MOUNTS[Platform.YOUTUBE] + "/videos", self._youtube),
            web.get(MOUNTS[Platform.TWITCH] + "/streams", self._twitch),
            web.post(TOKEN_PATHS[Platform.TWITCH], self._twitch_token),
            web.get(MOUNTS[Platform.OWNCAST] + "/{name}/api/status", self._owncast),
            web.post(TOKEN_PATHS[Platform.ZOOM], self._zoom_token),
            web.get(MOUNTS[Platform.ZOOM] + "/metrics/webinars/{id}/participants", self._zoom),
            web.get(MOUNTS[Platform.FACEBOOK] + "/{id}", self._facebook),
            web.get(MOUNTS[Platform.JSON] + "/{name}", self._json),
        ]
        app.add_routes(routes)
        # No access log: YouTube's key and Facebook's token are in the query.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await runner.setup()
        site = web.TCPSite(runner, HOST, 0)
        await site.start()
        self._stopping = asyncio.Event()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop answering; requests waiting (``NEVER_ANSWERS``) end first."""
        if self._runner is None:
            return
        assert self._stopping is not None
        self._stopping.set()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    @web.middleware
    async def _counted(self, request: web.Request,
                       handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                       ) -> web.StreamResponse:
        with self._lock:
            self.received += 1
        return await handler(request)

    @property
    def url(self) -> str:
        if self._port is None:
            raise RuntimeError("the stand-in is not started")
        return f"http://{HOST}:{self._port}"

    def base_url(self, platform: Platform) -> str:
        """The prefix a destination's base URL is set to (for Owncast and JSON, the one
        the names go under: :meth:`target_url`)."""
        return self.url + MOUNTS[platform]

    def target_url(self, platform: Platform, name: str) -> str:
        """An Owncast server's or a JSON document's URL, the target of its destination."""
        return f"{self.base_url(platform)}/{name}"

    def token_url(self, platform: Platform) -> str:
        return self.url + TOKEN_PATHS[platform]

    def secrets(self) -> dict[str, str]:
        """The credentials it accepts and its token URLs, by variable name: what
        ``adapter_for`` takes as ``secrets``."""
        return {**self._secrets, names.TWITCH_AUTH_URL: self.token_url(Platform.TWITCH),
                names.ZOOM_AUTH_URL: self.token_url(Platform.ZOOM)}

    # --- what it answers -----------------------------------------------------------------

    def set_count(self, platform: Platform, target: str, viewers: int | None) -> None:
        """``target`` has ``viewers`` from now on; None: not live. Stops a walk."""
        with self._lock:
            stream = self._stream(platform, target)
            stream.viewers, stream.level, stream.rng = viewers, None, None

    def walk(self, platform: Platform, target: str, level: int) -> None:
        """``target``'s count moves by itself around ``level``, one step per answer."""
        with self._lock:
            stream = self._stream(platform, target)
            stream.viewers, stream.level = level, level
            stream.rng = random.Random(f"{self._seed}/{platform.value}/{target}")

    def fail(self, platform: Platform, target: str, fault: Fault | None, *,
             retry_after_s: int = 30) -> None:
        """``target`` answers with ``fault`` (None: as it should) from now on; a rate
        limit says to wait ``retry_after_s``."""
        with self._lock:
            stream = self._stream(platform, target)
            stream.fault, stream.retry_after_s = fault, retry_after_s

    def clear(self, platform: Platform, target: str) -> None:
        self.fail(platform, target, None)

    def expire_tokens(self, platform: Platform) -> None:
        """Every token issued for ``platform`` is refused from now on (as if revoked)."""
        with self._lock:
            self._tokens = {t: v for t, v in self._tokens.items() if v[0] is not platform}

    def issue_token(self, platform: Platform) -> str:
        """A valid token, as the token endpoint gives (a TWITCH_ACCESS_TOKEN for tests)."""
        token = token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (platform, self._clock() + self._token_lifetime_s)
            self.tokens_issued[platform] += 1
            self.issued_tokens.append(token)
        return token

    def destination(self, platform: Platform, target: str, *, label: str = "",
                    language: str | None = None) -> Destination:
        """A destination of ``target`` on this stand-in."""
        if platform in URL_TARGETS:
            return check_destination(platform, self.target_url(platform, target), label=label,
                                     language=language,
                                     pointer=JSON_POINTER if platform is Platform.JSON else None)
        return check_destination(platform, target, label=label, language=language,
                                 base_url=self.base_url(platform))

    def demo_destinations(self, languages: Iterable[str]) -> list[Destination]:
        """One destination per language, the platforms in turn (YouTube, Twitch, Owncast,
        Facebook, JSON), each with a count that moves around its own level."""
        destinations = []
        for index, language in enumerate(languages):
            platform = DEMO_PLATFORMS[index % len(DEMO_PLATFORMS)]
            slug = re.sub(r"[^a-z0-9]+", "_", language.lower())
            target = (str(1_000_000_000_000 + index) if platform is Platform.FACEBOOK
                      else f"demo_{slug}")
            self.walk(platform, target, level=120 + (index * 337) % 900)
            destinations.append(self.destination(
                platform, target, label=f"{_LABELS[platform]} ({language})", language=language))
        return destinations

    # --- state, under the lock --------------------------------------------------------

    def _stream(self, platform: Platform, target: str) -> Stream:
        return self._streams.setdefault(_key(platform, target), Stream())

    def _read(self, platform: Platform, targets: Sequence[str]
              ) -> list[tuple[str, Stream | None, int | None]]:
        """Each target with its stream and its count now (a walk steps once)."""
        with self._lock:
            self.requests[platform] += 1
            read = []
            for target in targets:
                stream = self._streams.get(_key(platform, target))
                read.append((target, stream, step(stream) if stream else None))
            return read

    def _valid_token(self, platform: Platform, header: str) -> bool:
        token = header.removeprefix("Bearer ")
        with self._lock:
            issued = self._tokens.get(token)
        return issued is not None and issued[0] is platform and self._clock() < issued[1]

    def _issue(self, platform: Platform) -> web.Response:
        token = self.issue_token(platform)
        return web.json_response({"access_token": token, "expires_in": self._token_lifetime_s,
                                  "token_type": "bearer"})

    async def _whole_fault(self, platform: Platform,
                           read: Sequence[tuple[str, Stream | None, int | None]]
                           ) -> web.Response | None:
        """The answer a whole-answer fault of any target asked about gives instead."""
        for _, stream, _ in read:
            if stream is not None and stream.fault in WHOLE_ANSWER:
                answer = await self._fault_answer(platform, stream.fault, stream.retry_after_s)
                if answer is not None:
                    return answer
        return None

    async def _fault_answer(self, platform: Platform, fault: Fault | None,
                            retry_after_s: int) -> web.Response | None:
        match fault:
            case Fault.NEVER_ANSWERS:
                assert self._stopping is not None
                await self._stopping.wait()
                return web.Response(status=503, text="stopping")
            case Fault.MALFORMED_JSON:
                return web.Response(text='{"data": [{"user_login": "', status=200,
                                    content_type="application/json")
            case Fault.HTTP_500:
                return web.Response(status=500, text="500 Internal Server Error")
            case Fault.HTTP_401 | Fault.HTTP_403:
                return refusal(platform, 401 if fault is Fault.HTTP_401 else 403)
            case Fault.HTTP_429 | Fault.QUOTA_EXCEEDED:
                return rate_limit(platform, fault, retry_after_s, self._clock())
        return None

    # --- the platforms ------------------------------------------------------------------

    async def _youtube(self, request: web.Request) -> web.Response:
        key = request.query.get("key") or request.headers.get("X-Goog-Api-Key")
        if key != self._secrets[names.YOUTUBE_API_KEY]:
            return google_error(400, "API key not valid. Please pass a valid API key.",
                                 "badRequest", "API_KEY_INVALID")
        ids = [i for i in request.query.get("id", "").split(",") if i]
        if "liveStreamingDetails" not in request.query.get("part", "") or len(ids) > 50:
            return google_error(400, "The request is not valid.", "badRequest")
        read = self._read(Platform.YOUTUBE, ids)
        if (whole := await self._whole_fault(Platform.YOUTUBE, read)) is not None:
            return whole
        items = [] if any(s and s.fault is Fault.EMPTY_DATA for _, s, _ in read) else [
            youtube_video(video_id, stream, viewers) for video_id, stream, viewers in read
            if stream is not None]
        return web.json_response({"kind": "youtube#videoListResponse", "etag": "standin",
                                  "items": items,
                                  "pageInfo": {"totalResults": len(items),
                                               "resultsPerPage": len(items)}})

    async def _twitch_token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if form.get("client_id") != self._secrets[names.TWITCH_CLIENT_ID]:
            return web.json_response({"status": 400, "message": "invalid client"}, status=400)
        if form.get("client_secret") != self._secrets[names.TWITCH_CLIENT_SECRET]:
            return web.json_response({"status": 403, "message": "invalid client secret"},
                                     status=403)
        if form.get("grant_type") != "client_credentials":
            return web.json_response({"status": 400, "message": "invalid grant type"},
                                     status=400)
        return self._issue(Platform.TWITCH)

    async def _twitch(self, request: web.Request) -> web.Response:
        if request.headers.get("Client-Id") != self._secrets[names.TWITCH_CLIENT_ID] or \
                not self._valid_token(Platform.TWITCH, request.headers.get("Authorization", "")):
            return web.json_response({"error": "Unauthorized", "status": 401,
                                      "message": "Invalid OAuth token"}, status=401)
        logins = request.query.getall("user_login", [])
        if len(logins) > 100:
            return web.json_response({"error": "Bad Request", "status": 400,
                                      "message": "The maximum number of 'user_login' "
                                                 "parameters is 100"}, status=400)
        read = self._read(Platform.TWITCH, logins)
        if (whole := await self._whole_fault(Platform.TWITCH, read)) is not None:
            return whole
        bucket = next((s.retry_after_s for _, s, _ in read
                       if s and s.fault is Fault.BUCKET_EMPTY), None)
        reset = int(self._clock()) + (bucket if bucket is not None else 60)
        data = [] if any(s and s.fault is Fault.EMPTY_DATA for _, s, _ in read) else [
            twitch_stream(login, stream, viewers) for login, stream, viewers in read
            if stream is not None and viewers is not None]
        return web.json_response({"data": data, "pagination": {}}, headers={
            "Ratelimit-Limit": "800", "Ratelimit-Remaining": "0" if bucket is not None else "799",
            "Ratelimit-Reset": str(reset)})

    async def _owncast(self, request: web.Request) -> web.Response:
        read = self._read(Platform.OWNCAST, [request.match_info["name"]])
        if (whole := await self._whole_fault(Platform.OWNCAST, read)) is not None:
            return whole
        [(_, stream, viewers)] = read
        if stream is None:
            return web.Response(status=404, text="404 page not found")
        status: dict[str, Any] = {
            "serverTime": STARTED_AT, "lastConnectTime": STARTED_AT if viewers is not None
            else None, "lastDisconnectTime": None, "versionNumber": "0.1.3",
            "streamTitle": "Stand-in", "online": viewers is not None}
        if stream.fault is Fault.EMPTY_DATA:
            status = {}
        elif viewers and stream.fault is not Fault.MISSING_FIELD:  # Go's omitempty
            status["viewerCount"] = count(viewers, stream)
        return web.json_response(status)

    async def _zoom_token(self, request: web.Request) -> web.Response:
        expected = basic_auth(self._secrets[names.ZOOM_CLIENT_ID],
                              self._secrets[names.ZOOM_CLIENT_SECRET])
        if request.headers.get("Authorization") != expected:
            return web.json_response({"reason": "Invalid client_id or client_secret",
                                      "error": "invalid_client"}, status=400)
        if request.query.get("grant_type") != "account_credentials" or \
                request.query.get("account_id") != self._secrets[names.ZOOM_ACCOUNT_ID]:
            return web.json_response({"reason": "Invalid request : Invalid account_id.",
                                      "error": "invalid_request"}, status=400)
        return self._issue(Platform.ZOOM)

    async def _zoom(self, request: web.Request) -> web.Response:
        if not self._valid_token(Platform.ZOOM, request.headers.get("Authorization", "")):
            return web.json_response({"code": 124, "message": "Invalid access token."},
                                     status=401)
        webinar = request.match_info["id"]
        read = self._read(Platform.ZOOM, [webinar])
        if (whole := await self._whole_fault(Platform.ZOOM, read)) is not None:
            return whole
        [(_, stream, viewers)] = read
        if stream is None or viewers is None or request.query.get("type") != "live":
            return web.json_response({"code": 3001,
                                      "message": f"Webinar does not exist: {webinar}."},
                                     status=404)
        answer: dict[str, Any] = {"page_count": viewers, "page_size": 1,
                                  "next_page_token": "", "participants": []}
        if stream.fault is Fault.EMPTY_DATA:
            answer = {}
        elif stream.fault is not Fault.MISSING_FIELD:
            answer["total_records"] = count(viewers, stream)
        return web.json_response(answer)

    async def _facebook(self, request: web.Request) -> web.Response:
        if request.query.get("access_token") != self._secrets[names.FACEBOOK_ACCESS_TOKEN]:
            return graph_error(400, 190, "Invalid OAuth access token - Cannot parse access "
                                          "token")
        video = request.match_info["id"]
        read = self._read(Platform.FACEBOOK, [video])
        if (whole := await self._whole_fault(Platform.FACEBOOK, read)) is not None:
            return whole
        [(_, stream, viewers)] = read
        if stream is None:
            return graph_error(400, 100, f"Unsupported get request. Object with ID "
                                          f"'{video}' does not exist")
        answer: dict[str, Any] = {"status": "LIVE" if viewers is not None else "LIVE_STOPPED",
                                  "id": video, "live_views": 0}
        if viewers is not None:
            answer["live_views"] = count(viewers, stream)
        if stream.fault is Fault.MISSING_FIELD:
            del answer["live_views"]
        return web.json_response({} if stream.fault is Fault.EMPTY_DATA else answer)

    async def _json(self, request: web.Request) -> web.Response:
        token = self._secrets.get(names.VIEWERS_JSON_TOKEN)
        if token is not None and request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        read = self._read(Platform.JSON, [request.match_info["name"]])
        if (whole := await self._whole_fault(Platform.JSON, read)) is not None:
            return whole
        [(name, stream, viewers)] = read
        if stream is None:
            return web.json_response({"error": "not found"}, status=404)
        if stream.fault is Fault.EMPTY_DATA:
            return web.json_response({})
        stats: dict[str, Any] = {}
        if viewers is not None and stream.fault is not Fault.MISSING_FIELD:
            stats["viewers"] = count(viewers, stream)
        return web.json_response({"stream": name, "live": viewers is not None, "stats": stats})


class StandInThread:
    """A :class:`StandIn` on a loop of its own, in a thread: ``start()`` returns once it
    answers, ``stop()`` once it has stopped and its thread ended."""

    def __init__(self, standin: StandIn | None = None) -> None:
        self.standin = standin or StandIn()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError("the stand-in thread is already started")
        self._thread = threading.Thread(target=self._run, name="standin-platforms", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError(f"the stand-in platforms did not start within {timeout_s} s")
        if self._failure is not None:
            self._thread.join(timeout_s)
            raise RuntimeError("the stand-in platforms did not start") from self._failure

    def stop(self, timeout_s: float = 10.0) -> None:
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout_s)
        if thread.is_alive():
            raise TimeoutError(f"the stand-in platforms did not stop within {timeout_s} s")
        self._thread = None

    def __enter__(self) -> StandIn:
        self.start()
        return self.standin

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self.standin.start())
        except BaseException as failure:
            self._failure = failure
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            _finish(loop, self.standin.stop())


def _finish(loop: asyncio.AbstractEventLoop, stop: Awaitable[None]) -> None:
    async def stopped() -> None:
        await stop

    loop.run_until_complete(stopped())
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.run_until_complete(loop.shutdown_default_executor())
    loop.close()


def _key(platform: Platform, target: str) -> tuple[Platform, str]:
    return platform, target.lower() if platform is Platform.TWITCH else target
