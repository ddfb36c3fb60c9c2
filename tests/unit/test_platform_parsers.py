"""The platforms' pure parts: each documented answer read into readings, the answers all
platforms share (statuses, rate-limit headers), counts checked where they enter, the
credentials' lookup and the registry. The adapters against a server over real HTTP are
in tests/integration/test_platform_adapters.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from console import logs
from console.models.viewers import Destination, Platform, Reading, ViewerState, check_destination
from console.platforms import (
    credentials,
    exchange,
    facebook,
    json_pointer,
    oauth,
    owncast,
    twitch,
    youtube,
    zoom,
)
from console.platforms.exchange import Answer, Unreadable
from console.platforms.registry import NotPolled, adapter_for, batches
from tests.helpers.loops import LoopRunner
from tests.helpers.platforms import Clock

NOW = datetime(2026, 12, 5, 7, 0, tzinfo=UTC).timestamp()  # 23:00 the day before in California


def body(document: Any) -> bytes:
    return json.dumps(document).encode()


def answer(status: int, document: Any = None, headers: dict[str, str] | None = None,
           host: str = "api.example.org") -> Answer:
    raw = b"" if document is None else body(document)
    return Answer(status, exchange.lower_headers(headers or {}), raw, host)


# --- counts, text and headers, as every platform reads them ---------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (0, 0), (1234, 1234), ("1234", 1234), ("0", 0), (12.0, 12), (10_000_000_000, 10_000_000_000),
])
def test_a_whole_number_of_viewers_is_read(value: object, expected: int) -> None:
    assert exchange.viewers_from(value, "viewers") == expected


@pytest.mark.parametrize("value", [
    True, False, 12.5, -3, "-3", "12 viewers", "1,234", " 12", "", None, [], {}, float("nan"),
    10_000_000_001, "1" * 30,
])
def test_anything_else_is_refused_naming_the_field(value: object) -> None:
    with pytest.raises(Unreadable) as refused:
        exchange.viewers_from(value, "data[0].viewer_count")
    assert refused.value.field == "data[0].viewer_count"
    assert str(refused.value).startswith("data[0].viewer_count ")


def test_text_from_a_server_loses_control_characters_length_and_secrets() -> None:
    logs.register_secret("tok-SECRET-9f8e7d")
    text = exchange.server_text("bad\x1b[31m token tok-SECRET-9f8e7d\u202e" + "x" * 500)
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "tok-SECRET-9f8e7d" not in text
    assert len(text) <= exchange.MAX_SERVER_TEXT
    assert exchange.server_text(42) == "(int)"


def test_a_detail_is_at_most_one_message_long() -> None:
    assert len(exchange.error("x" * 5000).detail) == 500


def test_host_of_a_url_is_never_its_query_or_credentials() -> None:
    assert exchange.host_of("https://user:pw@api.twitch.tv/helix/streams?key=k") == "api.twitch.tv"
    assert exchange.host_of("http://127.0.0.1:8123/youtube/v3/videos") == "127.0.0.1:8123"


@pytest.mark.parametrize(("headers", "expected"), [
    ({"Ratelimit-Reset": str(int(NOW) + 42)}, 42.0),  # Twitch: the epoch second it refills
    ({"ratelimit-reset": "17"}, 17.0),  # a small number is a delay
    ({"Retry-After": "30"}, 30.0),
    ({"Retry-After": "Sat, 05 Dec 2026 07:02:00 GMT"}, 120.0),
    ({"Retry-After": "2026-12-05T08:00:00Z"}, 3600.0),  # Zoom's daily limit
    ({"Retry-After": str(int(NOW) - 5)}, exchange.MAX_RETRY_AFTER_S),  # capped at a day
    ({"Ratelimit-Reset": str(int(NOW) - 5)}, 0.0),  # already refilled
    ({"Retry-After": "soon"}, None),
    ({}, None),
])
def test_the_wait_a_rate_limit_asks_for(headers: dict[str, str], expected: float | None) -> None:
    assert exchange.retry_after_s(headers, NOW) == expected


@pytest.mark.parametrize(("status", "expected"), [
    (200, None), (204, None), (401, ViewerState.CREDENTIALS), (403, ViewerState.CREDENTIALS),
    (429, ViewerState.RATE_LIMITED), (500, ViewerState.ERROR), (503, ViewerState.ERROR),
    (404, ViewerState.ERROR),
])
def test_statuses_every_platform_shares(status: int, expected: ViewerState | None) -> None:
    reading = exchange.status_reading(answer(status, host="api.twitch.tv"),
                                      variables=("TWITCH_CLIENT_ID",), now=NOW)
    assert (reading.state if reading else None) is expected
    if status in (401, 403):
        assert reading is not None
        assert "check the credentials (TWITCH_CLIENT_ID)" in reading.detail
    if status == 503:
        assert reading is not None
        assert reading.detail == "HTTP 503 from api.twitch.tv"


def test_a_429_carries_the_wait_its_headers_give() -> None:
    reading = exchange.status_reading(answer(429, headers={"Retry-After": "12"}),
                                      variables=(), now=NOW)
    assert reading == Reading(ViewerState.RATE_LIMITED, detail="rate limited by api.example.org",
                              retry_after_s=12.0)


@pytest.mark.parametrize("raw", [b"{\"items\": [", b"\xff\xfe", b"[" * 100_000, b"",
                                 b"1" * 5000])
def test_an_answer_that_is_not_json_is_unreadable(raw: bytes) -> None:
    with pytest.raises(Unreadable) as refused:
        exchange.parse_json(raw)
    assert refused.value.field == "the answer"


# --- YouTube ---------------------------------------------------------------------------

# videos.list?part=liveStreamingDetails, as documented: concurrentViewers is a string,
# present while live and public, gone once actualEndTime is set.
YOUTUBE_ANSWER = {
    "kind": "youtube#videoListResponse",
    "etag": "x",
    "items": [
        {"kind": "youtube#video", "etag": "a", "id": "liveVideo01",
         "liveStreamingDetails": {"actualStartTime": "2026-12-05T06:00:00Z",
                                  "scheduledStartTime": "2026-12-05T06:00:00Z",
                                  "concurrentViewers": "1234",
                                  "activeLiveChatId": "chat"}},
        {"kind": "youtube#video", "etag": "b", "id": "hiddenVid01",
         "liveStreamingDetails": {"actualStartTime": "2026-12-05T06:00:00Z"}},
        {"kind": "youtube#video", "etag": "c", "id": "endedVideo1",
         "liveStreamingDetails": {"actualStartTime": "2026-12-05T05:00:00Z",
                                  "actualEndTime": "2026-12-05T06:30:00Z"}},
        {"kind": "youtube#video", "etag": "d", "id": "uploaded001"},
        {"kind": "youtube#video", "etag": "e", "id": "scheduled01",
         "liveStreamingDetails": {"scheduledStartTime": "2026-12-06T06:00:00Z"}},
    ],
    "pageInfo": {"totalResults": 5, "resultsPerPage": 5},
}


def test_youtube_videos_each_read_as_documented() -> None:
    ids = ["liveVideo01", "hiddenVid01", "endedVideo1", "uploaded001", "scheduled01", "gone0000001"]
    readings = youtube.parse_videos(body(YOUTUBE_ANSWER), ids)
    assert readings[0] == Reading(ViewerState.LIVE, 1234)
    assert [r.state for r in readings[1:]] == [
        ViewerState.HIDDEN, ViewerState.OFFLINE, ViewerState.OFFLINE, ViewerState.OFFLINE,
        ViewerState.OFFLINE]
    assert readings[2].detail == "the broadcast has ended"
    assert readings[3].detail == youtube.NOT_FOUND == readings[5].detail
    assert readings[4].detail == "scheduled, not started yet"


def test_youtube_readings_follow_the_ids_asked_not_the_answer() -> None:
    readings = youtube.parse_videos(body(YOUTUBE_ANSWER), ["gone0000001", "liveVideo01",
                                                            "liveVideo01"])
    assert [r.viewers for r in readings] == [None, 1234, 1234]


def test_youtube_no_items_is_every_video_offline() -> None:
    readings = youtube.parse_videos(body({"kind": "youtube#videoListResponse", "items": []}),
                                    ["a", "b"])
    assert {r.state for r in readings} == {ViewerState.OFFLINE}


@pytest.mark.parametrize(("concurrent", "problem"), [
    ("12.5", "items[0].liveStreamingDetails.concurrentViewers is '12.5'"),
    (-4, "items[0].liveStreamingDetails.concurrentViewers is -4"),
    (True, "items[0].liveStreamingDetails.concurrentViewers is true"),
])
def test_a_youtube_count_that_is_not_a_count_is_an_error_naming_the_field(
        concurrent: object, problem: str) -> None:
    document = {"items": [{"id": "v", "liveStreamingDetails": {"concurrentViewers": concurrent}},
                          {"id": "w", "liveStreamingDetails": {"concurrentViewers": "7"}}]}
    readings = youtube.parse_videos(body(document), ["v", "w"])
    assert readings[0].state is ViewerState.ERROR
    assert readings[0].detail.startswith(problem)
    assert readings[1] == Reading(ViewerState.LIVE, 7)  # the others still read


@pytest.mark.parametrize(("document", "field"), [
    ({"kind": "youtube#videoListResponse"}, "items is missing"),
    ({"items": {"id": "v"}}, "items is an object, not a list"),
    ([1, 2], "the answer is a list, not an object"),
    ({"items": [{"liveStreamingDetails": {}}]}, "items[0].id is missing"),
])
def test_a_youtube_answer_of_another_shape_is_an_error_naming_the_field(
        document: object, field: str) -> None:
    readings = youtube.parse_videos(body(document), ["v"])
    assert readings == [Reading(ViewerState.ERROR, detail=readings[0].detail)]
    assert readings[0].detail.startswith(field)


def test_youtube_requests_at_most_fifty_ids_with_the_key_in_the_query() -> None:
    url, params = youtube.videos_request("https://www.googleapis.com/youtube/v3", ["a", "b"], "K")
    assert url == "https://www.googleapis.com/youtube/v3/videos"
    assert params == [("part", "liveStreamingDetails"), ("id", "a,b"), ("key", "K")]
    with pytest.raises(ValueError, match="1 to 50"):
        youtube.videos_request("https://x", [str(i) for i in range(51)], "K")


def google_error(status: int, reason: str, message: str = "m") -> dict[str, Any]:
    return {"error": {"code": status, "message": message,
                      "errors": [{"message": message, "domain": "youtube.quota",
                                  "reason": reason}]}}


def test_a_used_up_youtube_quota_waits_for_midnight_in_california() -> None:
    reading = youtube.youtube_refusal(answer(403, google_error(403, "quotaExceeded")), NOW)
    assert reading.state is ViewerState.RATE_LIMITED
    assert reading.retry_after_s == 3600.0  # 23:00 PST to midnight
    assert "quota" in reading.detail


def test_youtube_quota_resets_at_pacific_midnight_in_summer_too() -> None:
    july = datetime(2026, 7, 1, 6, 30, tzinfo=UTC).timestamp()  # 23:30 PDT
    assert youtube.until_quota_reset(july) == 1800.0


@pytest.mark.parametrize(("status", "document", "expected"), [
    (400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                     "errors": [{"reason": "badRequest"}],
                     "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                  "reason": "API_KEY_INVALID"}]}}, ViewerState.CREDENTIALS),
    (400, google_error(400, "keyInvalid"), ViewerState.CREDENTIALS),
    (403, google_error(403, "forbidden"), ViewerState.CREDENTIALS),
    (403, google_error(403, "rateLimitExceeded"), ViewerState.RATE_LIMITED),
    (400, google_error(400, "invalidFilters"), ViewerState.ERROR),
    (500, google_error(500, "backendError"), ViewerState.ERROR),
    (503, None, ViewerState.ERROR),
])
def test_youtube_errors(status: int, document: object, expected: ViewerState) -> None:
    reading = youtube.youtube_refusal(answer(status, document), NOW)
    assert reading.state is expected
    if expected is ViewerState.CREDENTIALS:
        assert "YOUTUBE_API_KEY" in reading.detail


# --- Twitch ------------------------------------------------------------------------------

# Get Streams, as documented: live channels only, viewer_count a number.
TWITCH_ANSWER = {
    "data": [
        {"id": "40952121085", "user_id": "101051819", "user_login": "afro", "user_name": "Afro",
         "game_id": "32982", "game_name": "Grand Theft Auto V", "type": "live",
         "title": "Jacob: Digital Den Laptops & Routers", "tags": ["English"],
         "viewer_count": 1490, "started_at": "2021-03-10T03:18:11Z", "language": "en",
         "thumbnail_url": "https://x/{width}x{height}.jpg", "tag_ids": [], "is_mature": False},
        {"id": "40952121086", "user_id": "2", "user_login": "cohhcarnage", "type": "live",
         "viewer_count": 0},
    ],
    "pagination": {},
}


def test_twitch_channels_each_read_as_documented() -> None:
    readings = twitch.parse_streams(body(TWITCH_ANSWER), ["Afro", "cohhcarnage", "lana_lux"])
    assert readings[:2] == [Reading(ViewerState.LIVE, 1490), Reading(ViewerState.LIVE, 0)]
    assert readings[2] == Reading(ViewerState.OFFLINE, detail=twitch.NOT_LIVE)  # not zero


def test_empty_twitch_data_is_offline_not_zero() -> None:
    readings = twitch.parse_streams(body({"data": [], "pagination": {}}), ["afro", "b"])
    assert readings == [Reading(ViewerState.OFFLINE, detail=twitch.NOT_LIVE)] * 2


def test_a_twitch_count_written_as_a_string_is_read() -> None:
    document = {"data": [{"user_login": "afro", "type": "live", "viewer_count": "1490"}]}
    assert twitch.parse_streams(body(document), ["afro"]) == [Reading(ViewerState.LIVE, 1490)]


@pytest.mark.parametrize(("stream", "problem"), [
    ({"user_login": "afro", "type": "live"}, "data[0].viewer_count is missing"),
    ({"user_login": "afro", "type": "live", "viewer_count": 3.5}, "data[0].viewer_count is 3.5"),
    ({"user_login": "afro", "type": "", "viewer_count": 3}, "data[0].type is ''"),
])
def test_a_twitch_stream_of_another_shape_is_an_error_naming_the_field(
        stream: dict[str, Any], problem: str) -> None:
    [reading] = twitch.parse_streams(body({"data": [stream]}), ["afro"])
    assert reading.state is ViewerState.ERROR
    assert reading.detail.startswith(problem)


def test_twitch_asks_for_a_hundred_logins_a_page() -> None:
    url, params = twitch.streams_request("https://api.twitch.tv/helix", ["a", "b"])
    assert url == "https://api.twitch.tv/helix/streams"
    assert params == [("user_login", "a"), ("user_login", "b"), ("first", "100")]
    with pytest.raises(ValueError, match="1 to 100"):
        twitch.streams_request("https://x", ["a"] * 101)


def test_helix_error_message_is_read() -> None:
    raw = body({"error": "Unauthorized", "status": 401, "message": "Invalid OAuth token"})
    assert twitch.helix_message(raw) == "Invalid OAuth token"
    assert twitch.helix_message(b"<html>") == ""


# --- tokens ------------------------------------------------------------------------------


def test_a_token_answer_is_read_and_its_token_scrubbed_from_logs() -> None:
    # Twitch's client credentials answer, as documented.
    token = oauth.parse_token(body({"access_token": "jostpf5q0uzmxmkba9iyug38kjtgh",
                                    "expires_in": 5011271, "token_type": "bearer"}))
    assert token == oauth.Token("jostpf5q0uzmxmkba9iyug38kjtgh", oauth.MAX_TOKEN_LIFETIME_S)
    assert "jostpf5q0uzmxmkba9iyug38kjtgh" not in logs.scrub("x jostpf5q0uzmxmkba9iyug38kjtgh")
    # Zoom's account credentials answer, as documented.
    assert oauth.parse_token(body({"access_token": "eyJzv", "token_type": "bearer",
                                   "expires_in": 3599, "scope": "dashboard_webinars:read:admin",
                                   })).expires_in_s == 3599.0
    assert oauth.parse_token(body({"access_token": "t0k"})).expires_in_s == 3600.0


@pytest.mark.parametrize("document", [{"token": "x"}, {"access_token": ""},
                                      {"access_token": "a b"}, {"access_token": 5}, ["x"]])
def test_a_token_answer_without_a_token_is_unreadable(document: object) -> None:
    with pytest.raises(Unreadable):
        oauth.parse_token(body(document))


@pytest.mark.parametrize(("status", "document", "expected"), [
    (403, {"status": 403, "message": "invalid client secret"}, ViewerState.CREDENTIALS),
    (400, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
     ViewerState.CREDENTIALS),
    (429, None, ViewerState.RATE_LIMITED),
    (502, None, ViewerState.ERROR),
])
def test_a_token_endpoint_refusal(status: int, document: object, expected: ViewerState) -> None:
    reading = oauth.token_refusal(answer(status, document), variables=("A_ID", "A_SECRET"),
                                  now=NOW)
    assert reading.state is expected
    if expected is ViewerState.CREDENTIALS:
        assert "check the credentials (A_ID, A_SECRET)" in reading.detail
        assert isinstance(document, dict)
        assert (document.get("message") or document["reason"]) in reading.detail


def fetcher(values: list[str], lifetime: float = 3600.0) -> Callable[[], Any]:
    async def fetch() -> oauth.Token:
        values.append(f"token-{len(values)}")
        return oauth.Token(values[-1], lifetime)

    return fetch


def test_a_token_is_kept_until_shortly_before_it_expires(aio: LoopRunner) -> None:
    clock = Clock(datetime.fromtimestamp(NOW, UTC))
    cache = oauth.TokenCache(clock)
    fetched: list[str] = []
    assert aio.run(cache.get(fetcher(fetched))) == "token-0"
    assert aio.run(cache.get(fetcher(fetched))) == "token-0"
    clock.now += 3600 - oauth.EXPIRY_MARGIN_S
    assert aio.run(cache.get(fetcher(fetched))) == "token-1"
    cache.forget("token-1")
    assert aio.run(cache.get(fetcher(fetched))) == "token-2"
    assert cache.fetched == 3


def test_reads_waiting_for_a_token_share_one_fetch(aio: LoopRunner) -> None:
    cache = oauth.TokenCache(Clock())
    fetched: list[str] = []

    async def many() -> list[str | Reading]:
        return list(await asyncio.gather(*(cache.get(fetcher(fetched)) for _ in range(5))))

    assert aio.run(many()) == ["token-0"] * 5
    assert fetched == ["token-0"]


# --- Owncast -----------------------------------------------------------------------------

# /api/status, as Owncast writes it (viewerCount has omitempty).
OWNCAST_LIVE = {"serverTime": "2026-12-05T07:00:00Z", "lastConnectTime": "2026-12-05T06:00:00Z",
                "lastDisconnectTime": None, "versionNumber": "0.1.3", "streamTitle": "Day 1",
                "viewerCount": 57, "online": True}


def test_owncast_status_as_documented() -> None:
    assert owncast.parse_status(body(OWNCAST_LIVE)) == Reading(ViewerState.LIVE, 57)
    offline = {**OWNCAST_LIVE, "online": False}
    del offline["viewerCount"]
    assert owncast.parse_status(body(offline)).state is ViewerState.OFFLINE
    no_count = {k: v for k, v in OWNCAST_LIVE.items() if k != "viewerCount"}
    assert owncast.parse_status(body(no_count)) == Reading(ViewerState.HIDDEN,
                                                           detail=owncast.NO_COUNT)


@pytest.mark.parametrize(("document", "problem"), [
    ({"viewerCount": 3}, "online is missing"),
    ({"online": "yes", "viewerCount": 3}, "online is not true or false"),
    ({"online": True, "viewerCount": "many"}, "viewerCount is 'many'"),
])
def test_an_owncast_status_of_another_shape_is_an_error(document: object, problem: str) -> None:
    reading = owncast.parse_status(body(document))
    assert reading.state is ViewerState.ERROR
    assert reading.detail.startswith(problem)


def test_owncast_status_url() -> None:
    assert owncast.status_url("https://watch.example.org/") == \
        "https://watch.example.org/api/status"
    assert owncast.status_url("https://watch.example.org/api/status") == \
        "https://watch.example.org/api/status"


# --- Zoom --------------------------------------------------------------------------------

# GET /metrics/webinars/{webinarId}/participants?type=live, as documented (Dashboards).
ZOOM_ANSWER = {"next_page_token": "Tva2CuIdTgsv8wAnhyAdU3m06Y2HuLQtlh3", "page_count": 213,
               "page_size": 1, "total_records": 213,
               "participants": [{"id": "d52f19c548b88490b5d16fcbd38", "user_name": "Jill Chill",
                                 "device": "WIN", "join_time": "2026-12-05T06:05:00Z"}]}


def test_zoom_live_participants_as_documented() -> None:
    assert zoom.parse_participants(body(ZOOM_ANSWER)) == Reading(ViewerState.LIVE, 213)
    missing = zoom.parse_participants(body({"page_size": 1, "participants": []}))
    assert missing.state is ViewerState.ERROR
    assert missing.detail == "total_records is missing"


def test_a_zoom_webinar_that_is_not_live_is_offline() -> None:
    reading = zoom.zoom_refusal(answer(404, {"code": 3001, "message":
                                             "Webinar does not exist: 93201235621."}), NOW)
    assert reading.state is ViewerState.OFFLINE
    assert "Zoom 3001: Webinar does not exist" in reading.detail


@pytest.mark.parametrize(("status", "document", "expected"), [
    (401, {"code": 124, "message": "Invalid access token."}, ViewerState.CREDENTIALS),
    (400, {"code": 300, "message": "Invalid webinar id."}, ViewerState.ERROR),
    (429, {"code": 429, "message": "You have reached the maximum daily rate limit"},
     ViewerState.RATE_LIMITED),
])
def test_zoom_errors(status: int, document: object, expected: ViewerState) -> None:
    reading = zoom.zoom_refusal(answer(status, document, {"Retry-After": "60"}), NOW)
    assert reading.state is expected
    assert "Zoom" in reading.detail
    if expected is ViewerState.RATE_LIMITED:
        assert reading.retry_after_s == 60.0


def test_zoom_requests() -> None:
    url, params = zoom.participants_request("https://api.zoom.us/v2", "93201235621")
    assert url == "https://api.zoom.us/v2/metrics/webinars/93201235621/participants"
    assert params == [("type", "live"), ("page_size", "1")]
    assert zoom.participants_request("https://x", "a+b=")[0].endswith("/a%2Bb%3D/participants")
    assert zoom.token_request("https://zoom.us/oauth/token", "acc") == (
        "https://zoom.us/oauth/token", [("grant_type", "account_credentials"),
                                        ("account_id", "acc")])


# --- Facebook ----------------------------------------------------------------------------


def test_facebook_live_video_as_documented() -> None:
    raw = body({"live_views": 42, "status": "LIVE", "id": "10158000000000001"})
    assert facebook.parse_live_video(raw) == Reading(ViewerState.LIVE, 42)
    for status in ("LIVE_STOPPED", "VOD", "SCHEDULED_UNPUBLISHED", "UNPUBLISHED"):
        reading = facebook.parse_live_video(body({"status": status, "id": "1"}))
        assert reading == Reading(ViewerState.OFFLINE,
                                  detail=f"the live video's status is {status}")
    missing = facebook.parse_live_video(body({"status": "LIVE", "id": "1"}))
    assert missing.state is ViewerState.ERROR
    assert missing.detail == "live_views is missing"


def graph(code: int, message: str = "m") -> dict[str, Any]:
    return {"error": {"message": message, "type": "OAuthException", "code": code,
                      "fbtrace_id": "AbC"}}


@pytest.mark.parametrize(("code", "expected"), [
    (190, ViewerState.CREDENTIALS), (200, ViewerState.CREDENTIALS), (10, ViewerState.CREDENTIALS),
    (4, ViewerState.RATE_LIMITED), (17, ViewerState.RATE_LIMITED), (32, ViewerState.RATE_LIMITED),
    (613, ViewerState.RATE_LIMITED), (80001, ViewerState.RATE_LIMITED),
    (100, ViewerState.ERROR), (1, ViewerState.ERROR),
])
def test_graph_errors(code: int, expected: ViewerState) -> None:
    reading = facebook.graph_refusal(answer(400, graph(code, "said so")), NOW)
    assert reading is not None
    assert reading.state is expected
    assert f"Graph API error {code}: said so" in reading.detail


def test_a_graph_rate_limit_waits_as_the_usage_header_says() -> None:
    usage = json.dumps({"1122": [{"type": "pages", "call_count": 100, "total_cputime": 25,
                                  "total_time": 25, "estimated_time_to_regain_access": 19}]})
    reading = facebook.graph_refusal(answer(400, graph(32), {"X-Business-Use-Case-Usage": usage}),
                                     NOW)
    assert reading is not None
    assert reading.retry_after_s == 19 * 60.0


def test_a_graph_answer_without_an_error_is_no_refusal() -> None:
    assert facebook.graph_refusal(answer(200, {"live_views": 1, "status": "LIVE"}), NOW) is None
    reading = facebook.graph_refusal(answer(502, None), NOW)
    assert reading is not None
    assert reading.state is ViewerState.ERROR


# --- any JSON with a pointer ---------------------------------------------------------------


def test_json_pointers_resolve_as_rfc_6901_says() -> None:
    # RFC 6901, section 5's document.
    document = {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5,
                "k\"l": 6, " ": 7, "m~n": 8}
    assert json_pointer.resolve(document, "") == document
    assert json_pointer.resolve(document, "/foo/0") == "bar"
    assert json_pointer.resolve(document, "/") == 0
    assert json_pointer.resolve(document, "/a~1b") == 1
    assert json_pointer.resolve(document, "/m~0n") == 8
    assert json_pointer.resolve(document, "/ ") == 7


@pytest.mark.parametrize(("pointer", "problem"), [
    ("/stats/watchers", "/stats/watchers names nothing: no 'watchers' at /stats"),
    ("/list/2", "/list/2 names nothing: the list at /list has 2 entries"),
    ("/list/01", "/list/01 names nothing: '01' is not an index of the list at /list"),
    ("/list/-", "/list/- names nothing: '-' is not an index"),
    ("/stats/viewers/x", "/stats/viewers/x names nothing: at /stats/viewers is a value"),
])
def test_a_pointer_that_names_nothing_says_where(pointer: str, problem: str) -> None:
    document = {"stats": {"viewers": 5}, "list": [1, 2]}
    reading = json_pointer.parse_count(body(document), pointer)
    assert reading.state is ViewerState.ERROR
    assert reading.detail.startswith(problem)


@pytest.mark.parametrize(("value", "expected"), [(1234, 1234), ("1234", 1234), (0, 0), (12.0, 12)])
def test_a_json_count_is_a_whole_number(value: object, expected: int) -> None:
    reading = json_pointer.parse_count(body({"stats": {"viewers": value}}), "/stats/viewers")
    assert reading == Reading(ViewerState.LIVE, expected)


@pytest.mark.parametrize("value", [True, 12.5, -3, "1,234", None, "-3", [3]])
def test_a_json_count_that_is_not_one_is_refused_naming_the_pointer(value: object) -> None:
    reading = json_pointer.parse_count(body({"stats": {"viewers": value}}), "/stats/viewers")
    assert reading.state is ViewerState.ERROR
    assert reading.detail.startswith("/stats/viewers is ")


# --- credentials -------------------------------------------------------------------------


def test_a_secret_comes_from_the_environment_before_the_keyring() -> None:
    asked: list[str] = []

    def keyring(name: str) -> str | None:
        asked.append(name)
        return {"FACEBOOK_ACCESS_TOKEN": "fb-from-keyring-1a2b3c"}.get(name)

    environ = {"YOUTUBE_API_KEY": " yt-from-env-4d5e6f \n"}
    assert credentials.find_secret("YOUTUBE_API_KEY", environ=environ,
                                   keyring_lookup=keyring) == "yt-from-env-4d5e6f"
    assert asked == []
    assert credentials.find_secret("FACEBOOK_ACCESS_TOKEN", environ=environ,
                                   keyring_lookup=keyring) == "fb-from-keyring-1a2b3c"
    assert credentials.find_secret("ZOOM_CLIENT_SECRET", environ=environ,
                                   keyring_lookup=keyring) is None
    for secret in ("yt-from-env-4d5e6f", "fb-from-keyring-1a2b3c"):
        assert logs.scrub(f"a {secret} b") == f"a {logs.REDACTED} b"


def test_a_platforms_secrets_and_settings() -> None:
    environ = {"TWITCH_CLIENT_ID": "cid-7g8h9i", "TWITCH_AUTH_URL": "http://127.0.0.1:9/oauth2/token",
               "YOUTUBE_API_KEY": "not-twitchs"}
    found = credentials.platform_secrets(Platform.TWITCH, environ=environ,
                                         keyring_lookup=lambda name: None)
    assert found == {"TWITCH_CLIENT_ID": "cid-7g8h9i",
                     "TWITCH_AUTH_URL": "http://127.0.0.1:9/oauth2/token"}
    # A setting is not a secret: the log keeps URLs.
    assert logs.scrub("http://127.0.0.1:9/oauth2/token") == "http://127.0.0.1:9/oauth2/token"


def test_a_value_that_is_not_one_line_is_no_secret() -> None:
    assert credentials.find_secret("VIEWERS_JSON_TOKEN", environ={"VIEWERS_JSON_TOKEN": "a\nb"},
                                   keyring_lookup=lambda name: None) is None


def test_what_a_missing_credential_says() -> None:
    assert credentials.missing_hint(["YOUTUBE_API_KEY"]) == \
        "set YOUTUBE_API_KEY (environment or keyring)"
    assert credentials.missing_hint(["A", "B", "C"]) == "set A, B and C (environment or keyring)"


# --- the registry --------------------------------------------------------------------------


def test_each_polled_platform_has_its_adapter_and_manual_none() -> None:
    for platform in Platform:
        if platform is Platform.MANUAL:
            with pytest.raises(NotPolled, match="typed by an operator"):
                adapter_for(platform, {})
        else:
            assert adapter_for(platform, {}).platform is platform


def test_destinations_are_batched_by_platform_and_prefix() -> None:
    a = check_destination("youtube", "aaa")
    b = check_destination("twitch", "bbb")
    c = check_destination("youtube", "ccc", base_url="http://127.0.0.1:9/youtube/v3")
    d = check_destination("youtube", "ddd")
    e = Destination(Platform.MANUAL, "hall")
    groups = batches([a, b, c, d, e])
    assert [(g.platform, g.url_prefix, g.indices) for g in groups] == [
        (Platform.YOUTUBE, "https://www.googleapis.com/youtube/v3", (0, 3)),
        (Platform.TWITCH, "https://api.twitch.tv/helix", (1,)),
        (Platform.YOUTUBE, "http://127.0.0.1:9/youtube/v3", (2,)),
    ]
    assert groups[0].destinations == (a, d)
