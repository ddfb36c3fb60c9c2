"""Every platform adapter against the stand-in platforms over real HTTP: the count, a
stream that is not live, each way a platform answers wrong (a count as a string, a
missing field, empty data, 401, 403, 429 with its headers, 500, malformed JSON), a
server that never answers and a port nobody listens on. Each gives its reading and
nothing raises; no key or token reaches a detail or a log record."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest

from console.models.viewers import Destination, Platform, Reading, ViewerState, check_destination
from console.platforms import youtube
from console.platforms.registry import Adapters
from console.platforms.standin import Fault, StandIn, StandInThread
from console.platforms.twitch import NOT_LIVE, TwitchAdapter
from console.platforms.zoom import ZoomAdapter
from tests.helpers.loops import LoopRunner
from tests.helpers.platforms import (
    POLLED,
    SECRETS,
    SHORT_TIMEOUT_S,
    TARGETS,
    Platforms,
    closed_port,
)

LIVE, OFFLINE, HIDDEN, ERROR = (ViewerState.LIVE, ViewerState.OFFLINE, ViewerState.HIDDEN,
                                ViewerState.ERROR)
CREDENTIALS, RATE_LIMITED = ViewerState.CREDENTIALS, ViewerState.RATE_LIMITED

# The variables a refusal (401, 403) names, per platform.
CHECKED = {
    Platform.YOUTUBE: "check the credentials (YOUTUBE_API_KEY)",
    Platform.TWITCH: "check the credentials (TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET)",
    Platform.OWNCAST: "the server wants credentials, and this platform takes none",
    Platform.ZOOM: "check the credentials (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)",
    Platform.FACEBOOK: "check the credentials (FACEBOOK_ACCESS_TOKEN)",
    Platform.JSON: "check the credentials (VIEWERS_JSON_TOKEN)",
}
# Where a platform's answer has no count: its state and the start of its detail.
MISSING_FIELD = {
    Platform.YOUTUBE: (HIDDEN, "live, but YouTube gives no viewer count"),
    Platform.TWITCH: (ERROR, "data[0].viewer_count is missing"),
    Platform.OWNCAST: (HIDDEN, "live, without viewerCount"),
    Platform.ZOOM: (ERROR, "total_records is missing"),
    Platform.FACEBOOK: (ERROR, "live_views is missing"),
    Platform.JSON: (ERROR, "/stats/viewers names nothing: no 'viewers' at /stats"),
}
EMPTY_DATA = {
    Platform.YOUTUBE: (OFFLINE, "not a live video or not found"),
    Platform.TWITCH: (OFFLINE, NOT_LIVE),
    Platform.OWNCAST: (ERROR, "online is missing"),
    Platform.ZOOM: (ERROR, "total_records is missing"),
    Platform.FACEBOOK: (ERROR, "status is missing"),
    Platform.JSON: (ERROR, "/stats/viewers names nothing: no 'stats' at the top"),
}
NOT_LIVE_STATES = {
    Platform.YOUTUBE: (OFFLINE, "the broadcast has ended"),
    Platform.TWITCH: (OFFLINE, NOT_LIVE),
    Platform.OWNCAST: (OFFLINE, "the server is not streaming"),
    Platform.ZOOM: (OFFLINE, "the webinar is not live, or no such webinar (Zoom 3001"),
    Platform.FACEBOOK: (OFFLINE, "the live video's status is LIVE_STOPPED"),
    # a document has no "offline": the count is simply not there
    Platform.JSON: (ERROR, "/stats/viewers names nothing"),
}
# What each platform wants when nothing is set.
MISSING_CREDENTIALS = {
    Platform.YOUTUBE: "set YOUTUBE_API_KEY (environment or keyring)",
    Platform.TWITCH: "set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET (environment or keyring) "
                     "(or TWITCH_ACCESS_TOKEN instead of TWITCH_CLIENT_SECRET)",
    Platform.ZOOM: "set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (environment or "
                   "keyring)",
    Platform.FACEBOOK: "set FACEBOOK_ACCESS_TOKEN (environment or keyring)",
}


def expect(reading: Reading, state: ViewerState, detail_start: str) -> None:
    assert reading.state is state, reading
    assert reading.detail.startswith(detail_start), reading.detail


@pytest.mark.parametrize("platform", POLLED)
def test_the_count(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    assert platforms.read_one(platform) == Reading(LIVE, 1234)
    platforms.standin.set_count(platform, TARGETS[platform], 0)
    if platform is Platform.OWNCAST:  # Go's omitempty leaves a zero out
        expect(platforms.read_one(platform), *MISSING_FIELD[platform])
    else:
        assert platforms.read_one(platform) == Reading(LIVE, 0)


@pytest.mark.parametrize("platform", POLLED)
def test_a_stream_that_is_not_live_has_no_count(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], None)
    expect(platforms.read_one(platform), *NOT_LIVE_STATES[platform])


@pytest.mark.parametrize("platform", POLLED)
def test_a_count_written_as_a_string_is_read(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.COUNT_AS_STRING)
    assert platforms.read_one(platform) == Reading(LIVE, 1234)


@pytest.mark.parametrize("platform", POLLED)
def test_a_missing_count(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.MISSING_FIELD)
    expect(platforms.read_one(platform), *MISSING_FIELD[platform])


@pytest.mark.parametrize("platform", POLLED)
def test_empty_data(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.EMPTY_DATA)
    expect(platforms.read_one(platform), *EMPTY_DATA[platform])


@pytest.mark.parametrize("fault", [Fault.HTTP_401, Fault.HTTP_403])
@pytest.mark.parametrize("platform", POLLED)
def test_a_refusal_is_the_credentials(platforms: Platforms, platform: Platform,
                                      fault: Fault) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], fault)
    reading = platforms.read_one(platform)
    expect(reading, CREDENTIALS, CHECKED[platform])
    assert f"HTTP {fault.value} from {platforms.standin.url.removeprefix('http://')}" in \
        reading.detail


@pytest.mark.parametrize("platform", POLLED)
def test_a_rate_limit_says_how_long_to_wait(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.HTTP_429, retry_after_s=120)
    reading = platforms.read_one(platform)
    assert reading.state is RATE_LIMITED
    assert reading.retry_after_s == 120.0  # Ratelimit-Reset, Retry-After or Graph's usage


@pytest.mark.parametrize("platform", POLLED)
def test_a_server_error(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.HTTP_500)
    host = platforms.standin.url.removeprefix("http://")
    assert platforms.read_one(platform) == Reading(ERROR, detail=f"HTTP 500 from {host}")


@pytest.mark.parametrize("platform", POLLED)
def test_malformed_json(platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.MALFORMED_JSON)
    expect(platforms.read_one(platform), ERROR, "the answer is not valid JSON (")


@pytest.mark.parametrize("platform", POLLED)
def test_a_server_that_never_answers_is_an_error_after_the_timeout(
        platforms: Platforms, platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    platforms.standin.fail(platform, TARGETS[platform], Fault.NEVER_ANSWERS)
    host = platforms.standin.url.removeprefix("http://")
    reading = platforms.read_one(platform, timeout_s=SHORT_TIMEOUT_S)
    assert reading == Reading(ERROR, detail=f"no answer from {host} within {SHORT_TIMEOUT_S} s")


@pytest.mark.parametrize("platform", POLLED)
def test_a_port_nobody_listens_on(platforms: Platforms, platform: Platform) -> None:
    port = closed_port()
    if platform in (Platform.OWNCAST, Platform.JSON):
        destination = check_destination(platform, f"http://127.0.0.1:{port}/x",
                                        pointer="/stats/viewers" if platform is Platform.JSON
                                        else None)
    else:
        mount = platforms.standin.base_url(platform).removeprefix(platforms.standin.url)
        destination = check_destination(platform, TARGETS[platform],
                                        base_url=f"http://127.0.0.1:{port}{mount}")
    [reading] = platforms.read(platforms.adapter(platform), [destination])
    expect(reading, ERROR, f"cannot reach 127.0.0.1:{port} (")


@pytest.mark.parametrize("platform", sorted(MISSING_CREDENTIALS))
def test_missing_credentials_are_said_without_asking_anyone(platforms: Platforms,
                                                            platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 1234)
    reading = platforms.read_one(platform, secrets={})
    assert reading == Reading(CREDENTIALS, detail=MISSING_CREDENTIALS[platform])
    assert platforms.standin.received == 0


def test_json_without_its_token_says_which_to_set(platforms: Platforms) -> None:
    platforms.standin.set_count(Platform.JSON, TARGETS[Platform.JSON], 5)
    expect(platforms.read_one(Platform.JSON, secrets={}), CREDENTIALS,
           "the server wants credentials: set VIEWERS_JSON_TOKEN (environment or keyring)")


def test_a_wrong_key_is_the_credentials(platforms: Platforms) -> None:
    reading = platforms.read_one(Platform.YOUTUBE, secrets={"YOUTUBE_API_KEY": "wrong-key-123"})
    expect(reading, CREDENTIALS, "check the credentials (YOUTUBE_API_KEY); HTTP 400")
    assert "API key not valid" in reading.detail


# --- YouTube ---------------------------------------------------------------------------


def test_youtube_reads_fifty_videos_a_call_in_the_order_asked(platforms: Platforms) -> None:
    ids = [f"video{n:06d}" for n in range(51)]
    for n, video in enumerate(ids):
        platforms.standin.set_count(Platform.YOUTUBE, video, n if n % 10 else None)
    destinations = [platforms.destination(Platform.YOUTUBE, v) for v in [*ids, "unknown0001"]]
    readings = platforms.read(platforms.adapter(Platform.YOUTUBE), destinations)
    assert [r.viewers for r in readings] == [n if n % 10 else None for n in range(51)] + [None]
    assert [r.state for r in readings[::10]] == [OFFLINE] * 6
    assert readings[-1] == Reading(OFFLINE, detail=youtube.NOT_FOUND)
    assert platforms.standin.requests[Platform.YOUTUBE] == 2


def test_a_used_up_youtube_quota_waits_for_midnight_pacific(platforms: Platforms) -> None:
    platforms.standin.fail(Platform.YOUTUBE, TARGETS[Platform.YOUTUBE], Fault.QUOTA_EXCEEDED)
    reading = platforms.read_one(Platform.YOUTUBE)
    assert reading.state is RATE_LIMITED
    assert reading.retry_after_s == 3600.0  # the fixed clock reads 23:00 in California


def test_a_destination_that_is_no_video_id_is_an_error_of_its_own(platforms: Platforms) -> None:
    platforms.standin.set_count(Platform.YOUTUBE, "good_video1", 8)
    destinations = [Destination(Platform.YOUTUBE, "a,b", base_url=platforms.standin.base_url(
        Platform.YOUTUBE)), platforms.destination(Platform.YOUTUBE, "good_video1")]
    first, second = platforms.read(platforms.adapter(Platform.YOUTUBE), destinations)
    expect(first, ERROR, "'a,b' is not a YouTube video id")
    assert second == Reading(LIVE, 8)


# --- Twitch and Zoom: tokens ---------------------------------------------------------------


@pytest.mark.parametrize("platform", [Platform.TWITCH, Platform.ZOOM])
def test_an_app_token_is_fetched_once_and_again_when_refused(platforms: Platforms,
                                                             platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 40)
    adapter = platforms.adapter(platform)
    assert isinstance(adapter, TwitchAdapter | ZoomAdapter)
    destination = platforms.destination(platform)
    for _ in range(3):
        assert platforms.read(adapter, [destination]) == [Reading(LIVE, 40)]
    assert platforms.standin.tokens_issued[platform] == 1
    platforms.standin.expire_tokens(platform)  # revoked early: Helix and Zoom answer 401
    assert platforms.read(adapter, [destination]) == [Reading(LIVE, 40)]
    assert platforms.standin.tokens_issued[platform] == adapter.tokens_fetched == 2


@pytest.mark.parametrize("platform", [Platform.TWITCH, Platform.ZOOM])
def test_an_expired_app_token_is_replaced_before_it_is_used(platforms: Platforms,
                                                            platform: Platform) -> None:
    platforms.standin.set_count(platform, TARGETS[platform], 40)
    adapter = platforms.adapter(platform)
    destination = platforms.destination(platform)
    assert platforms.read(adapter, [destination]) == [Reading(LIVE, 40)]
    platforms.clock.now += 3600
    assert platforms.read(adapter, [destination]) == [Reading(LIVE, 40)]
    assert platforms.standin.tokens_issued[platform] == 2
    assert platforms.standin.requests[platform] == 2  # no request with the old token


def test_twitch_with_a_wrong_client_secret(platforms: Platforms) -> None:
    secrets = {**platforms.standin.secrets(), "TWITCH_CLIENT_SECRET": "not-the-secret-42"}
    reading = platforms.read_one(Platform.TWITCH, secrets=secrets)
    expect(reading, CREDENTIALS, "check the credentials (TWITCH_CLIENT_ID, TWITCH_CLIENT_SECRET); "
                                 "the token endpoint")
    assert "invalid client secret" in reading.detail


def test_zoom_with_a_wrong_account(platforms: Platforms) -> None:
    secrets = {**platforms.standin.secrets(), "ZOOM_ACCOUNT_ID": "not-the-account-42"}
    expect(platforms.read_one(Platform.ZOOM, secrets=secrets), CREDENTIALS,
           "check the credentials (ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET)")


def test_twitch_with_an_access_token_of_its_own(platforms: Platforms) -> None:
    platforms.standin.set_count(Platform.TWITCH, "conference_en", 9)
    token = platforms.standin.issue_token(Platform.TWITCH)
    secrets = {"TWITCH_CLIENT_ID": SECRETS["TWITCH_CLIENT_ID"], "TWITCH_ACCESS_TOKEN": token}
    assert platforms.read_one(Platform.TWITCH, secrets=secrets) == Reading(LIVE, 9)
    platforms.standin.expire_tokens(Platform.TWITCH)  # nothing to renew it with
    expect(platforms.read_one(Platform.TWITCH, secrets=secrets), CREDENTIALS,
           "check the credentials (TWITCH_CLIENT_ID, TWITCH_ACCESS_TOKEN)")
    assert platforms.standin.tokens_issued[Platform.TWITCH] == 1  # the test's own


def test_twitch_matches_logins_whatever_their_case_a_hundred_a_call(platforms: Platforms) -> None:
    logins = [f"Channel_{n:03d}" for n in range(101)]
    for n, login in enumerate(logins):
        platforms.standin.set_count(Platform.TWITCH, login.lower(), n if n % 2 else None)
    readings = platforms.read(platforms.adapter(Platform.TWITCH),
                              [platforms.destination(Platform.TWITCH, login) for login in logins])
    assert [r.viewers for r in readings] == [n if n % 2 else None for n in range(101)]
    assert readings[0] == Reading(OFFLINE, detail=NOT_LIVE)
    assert platforms.standin.requests[Platform.TWITCH] == 2


def test_an_empty_twitch_bucket_holds_the_next_request_until_it_refills(
        platforms: Platforms) -> None:
    platforms.standin.set_count(Platform.TWITCH, "conference_en", 12)
    platforms.standin.fail(Platform.TWITCH, "conference_en", Fault.BUCKET_EMPTY, retry_after_s=45)
    adapter = platforms.adapter(Platform.TWITCH)
    destination = platforms.destination(Platform.TWITCH)
    assert platforms.read(adapter, [destination]) == [Reading(LIVE, 12, retry_after_s=45.0)]
    platforms.standin.clear(Platform.TWITCH, "conference_en")
    platforms.clock.now += 15
    assert platforms.read(adapter, [destination]) == [
        Reading(RATE_LIMITED, detail="Twitch's rate limit: waiting for its bucket to refill",
                retry_after_s=30.0)]
    assert platforms.standin.requests[Platform.TWITCH] == 1  # held, not sent
    platforms.clock.now += 30
    assert platforms.read(adapter, [destination]) == [Reading(LIVE, 12)]


# --- all together ----------------------------------------------------------------------------


def test_adapters_read_every_platform_in_the_order_given(platforms: Platforms) -> None:
    destinations = []
    for n, platform in enumerate(POLLED):
        platforms.standin.set_count(platform, TARGETS[platform], 100 + n)
        destinations.append(platforms.destination(platform))
    destinations.append(platforms.destination(Platform.YOUTUBE, "other_video"))
    platforms.standin.set_count(Platform.YOUTUBE, "other_video", 7)
    adapters = Adapters(platforms.standin.secrets(), clock=platforms.clock)
    readings = platforms.aio.run(adapters.read(platforms.http, destinations[::-1]))
    assert [r.viewers for r in readings] == [7, *range(105, 99, -1)]
    assert platforms.standin.requests[Platform.YOUTUBE] == 1  # both videos in one call


def test_no_key_or_token_reaches_a_detail_or_the_log(platforms: Platforms,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    details = []
    for platform in POLLED:
        platforms.standin.set_count(platform, TARGETS[platform], 3)
        for fault in [*Fault, None]:
            platforms.standin.fail(platform, TARGETS[platform], fault)
            details.append(platforms.read_one(platform, timeout_s=SHORT_TIMEOUT_S).detail)
        platforms.standin.expire_tokens(platform)
    for platform, secrets in [(p, {n: v[::-1] for n, v in SECRETS.items()}) for p in POLLED]:
        details.append(platforms.read_one(platform, secrets={
            **platforms.standin.secrets(), **secrets}).detail)
    secrets = [*SECRETS.values(), *platforms.standin.issued_tokens]
    assert len(platforms.standin.issued_tokens) >= 10
    records = [record.getMessage() for record in caplog.records]
    assert any(records), "the adapters' debug log is empty: this test would see nothing"
    for secret in secrets:
        assert not [d for d in details if secret in d]
        assert not [r for r in records if secret in r]


@pytest.mark.parametrize("platform", POLLED)
def test_a_hanging_request_ends_when_the_stand_in_stops(aio: LoopRunner,
                                                        platform: Platform) -> None:
    async def scenario() -> Reading:
        standin = StandIn(secrets=SECRETS, json_token=True)
        await standin.start()
        standin.set_count(platform, TARGETS[platform], 1)
        standin.fail(platform, TARGETS[platform], Fault.NEVER_ANSWERS)
        adapters = Adapters(standin.secrets(), timeout_s=10.0)
        async with aiohttp.ClientSession() as http:
            asking = asyncio.ensure_future(adapters.read(
                http, [standin.destination(platform, TARGETS[platform])]))
            while not standin.requests[platform]:
                await asyncio.sleep(0.01)
            await standin.stop()
            [reading] = await asking
        return reading

    reading = aio.run(scenario())
    assert reading.state is ERROR  # the server went away; no task is left behind (aio checks)


# --- the demo's stand-in --------------------------------------------------------------------


def test_demo_destinations_rotate_the_platforms_with_counts_that_move(
        platforms: Platforms) -> None:
    languages = ["ar", "en", "fr", "es", "tr", "ur", "ms"]
    destinations = platforms.standin.demo_destinations(languages)
    assert [d.language for d in destinations] == languages
    assert [d.platform for d in destinations] == [
        Platform.YOUTUBE, Platform.TWITCH, Platform.OWNCAST, Platform.FACEBOOK, Platform.JSON,
        Platform.YOUTUBE, Platform.TWITCH]
    assert destinations[1].label == "Twitch (en)"
    adapters = Adapters(platforms.standin.secrets(), clock=platforms.clock)
    first = platforms.aio.run(adapters.read(platforms.http, destinations))
    second = platforms.aio.run(adapters.read(platforms.http, destinations))
    assert {r.state for r in first + second} == {LIVE}
    assert [r.viewers for r in first] != [r.viewers for r in second]


def test_the_stand_in_in_a_thread_of_its_own(aio: LoopRunner) -> None:
    thread = StandInThread(StandIn(seed=3))
    thread.start()
    try:
        [destination] = thread.standin.demo_destinations(["de"])
        thread.standin.set_count(Platform.YOUTUBE, destination.target, 77)

        async def read() -> list[Reading]:
            async with aiohttp.ClientSession() as http:
                return await Adapters(thread.standin.secrets()).read(http, [destination])

        assert aio.run(read()) == [Reading(LIVE, 77)]
    finally:
        thread.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        aio.run(_get(thread.standin.url))


async def _get(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status
