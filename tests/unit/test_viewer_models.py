"""Viewer destinations as entered, readings, poll intervals and what goes into the as-run log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.models.errors import InvalidValue
from console.models.viewer_ledger import PEAK_EVERY, ViewerLedger
from console.models.viewers import (
    BACKOFF_MAX_S,
    Destination,
    Platform,
    Reading,
    ViewerSample,
    ViewerState,
    backoff_s,
    check_destination,
    check_viewers,
    youtube_interval,
)

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_destination_is_checked_field_by_field() -> None:
    youtube = check_destination("youtube", " dQw4w9WgXcQ ", language="en", label="Main EN")
    assert (youtube.platform, youtube.target, youtube.language) == (
        Platform.YOUTUBE, "dQw4w9WgXcQ", "en")
    assert youtube.url_prefix == "https://www.googleapis.com/youtube/v3"
    local = check_destination("twitch", "confchannel", base_url="http://127.0.0.1:9/helix/")
    assert local.url_prefix == "http://127.0.0.1:9/helix"
    owncast = check_destination("owncast", "https://watch.example.org")
    assert owncast.url_prefix is None
    assert owncast.polled
    assert not check_destination("manual", "Hall screen").polled


@pytest.mark.parametrize(("fields", "field"), [
    ({"platform": "myspace", "target": "x"}, "platform"),
    ({"platform": "youtube", "target": ""}, "target"),
    ({"platform": "youtube", "target": "https://youtube.com/watch?v=abc"}, "target"),
    ({"platform": "owncast", "target": "watch.example.org"}, "target"),
    ({"platform": "twitch", "target": "a\x00b"}, "target"),
    ({"platform": "json", "target": "http://x/y"}, "pointer"),
    ({"platform": "json", "target": "http://x/y", "pointer": "stats"}, "pointer"),
    ({"platform": "json", "target": "http://x/y", "pointer": "/a~2"}, "pointer"),
    ({"platform": "twitch", "target": "a", "pointer": "/a"}, "pointer"),
    ({"platform": "twitch", "target": "a", "base_url": "ftp://x"}, "base_url"),
    ({"platform": "twitch", "target": "a", "language": "English"}, "language"),
    ({"platform": "twitch", "target": "a", "label": "x" * 301}, "label"),
])
def test_a_refusal_names_the_field(fields: dict[str, str], field: str) -> None:
    platform, target = fields.pop("platform"), fields.pop("target")
    with pytest.raises(InvalidValue) as refused:
        check_destination(platform, target, **fields)
    assert refused.value.field == field


@pytest.mark.parametrize("value", [-1, True, 1.5, "12", float("nan"), 10**11])
def test_a_count_is_a_whole_number_in_range(value: object) -> None:
    with pytest.raises(InvalidValue):
        check_viewers(value)
    assert check_viewers(1200.0) == 1200


def test_a_reading_has_a_count_only_when_live() -> None:
    assert Reading(ViewerState.LIVE, 5).viewers == 5
    with pytest.raises(ValueError, match="offline"):
        Reading(ViewerState.OFFLINE, 0)  # offline is not zero
    with pytest.raises(ValueError, match="live"):
        Reading(ViewerState.LIVE)


def test_youtube_polls_so_that_the_day_fits_the_quota() -> None:
    # 1 unit a call, 10,000 a day, 80 % of it for polling.
    day = youtube_interval(8, timedelta(days=2))
    assert day == 30.0  # 2,880 calls a day at the 30 s floor: within 8,000
    many = youtube_interval(1000, timedelta(days=2))  # 20 calls a poll
    assert 86400 / many * 20 <= 8000
    assert youtube_interval(1000, timedelta(hours=2)) < many  # a short show may ask faster


def test_backoff_doubles_and_is_capped() -> None:
    assert backoff_s(0, 15) == 15
    assert backoff_s(1, 15) == 15
    assert backoff_s(2, 15) == 30
    assert backoff_s(50, 15) == BACKOFF_MAX_S


def _sample(destination: Destination, minutes: float, state: ViewerState,
            viewers: int | None = None) -> ViewerSample:
    assert destination.id is not None
    return ViewerSample(destination.id, T0 + timedelta(minutes=minutes), state, viewers)


def test_the_ledger_logs_state_changes_outages_and_peaks() -> None:
    en = Destination(Platform.YOUTUBE, "v1", label="EN", language="en", id=1)
    fr = Destination(Platform.TWITCH, "conf_fr", label="FR", language="fr", id=2)
    ledger = ViewerLedger()
    first = ledger.observe(en, _sample(en, 0, ViewerState.LIVE, 100))
    assert [e.details.get("state") for e in first] == ["live", None]
    assert first[1].details == {"peak": 100, "total": True}
    assert ledger.observe(en, _sample(en, 1, ViewerState.LIVE, 120)) == []  # peak waits
    assert ledger.observe(fr, _sample(fr, 2, ViewerState.OFFLINE))[0].language == "fr"
    down = ledger.observe(en, _sample(en, 3, ViewerState.ERROR))
    assert down[0].details["previous"] == "live"
    assert down[0].details["state"] == "error"
    back = ledger.observe(en, _sample(en, 5, ViewerState.LIVE, 90))
    assert back[0].details["without_count_s"] == 120.0
    later = ledger.observe(en, _sample(en, 1 + PEAK_EVERY.total_seconds() / 60, ViewerState.LIVE,
                                       95))
    assert [e.details for e in later] == [{"peak": 120, "total": True}]
    assert later[0].at_utc == T0 + timedelta(minutes=1)  # when the peak was reached
    assert ledger.total == 95


def test_the_last_peak_is_logged_at_the_end() -> None:
    en = Destination(Platform.OWNCAST, "http://x", id=1)
    ledger = ViewerLedger()
    ledger.observe(en, _sample(en, 0, ViewerState.LIVE, 10))
    ledger.observe(en, _sample(en, 1, ViewerState.LIVE, 50))
    final = ledger.final_peak()
    assert final is not None
    assert final.details["peak"] == 50
    assert ledger.final_peak() is None
