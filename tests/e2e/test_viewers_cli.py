"""``conference-console viewers``: add, list, remove, sample and count, as a script uses them,
against the stand-in platforms over real HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from console import logs
from console.cli import main
from console.models.viewers import Platform
from console.platforms.standin import Fault, StandIn, StandInThread
from tests.helpers.cli import console_environment, run_console
from tests.helpers.platforms import SECRETS

SAMPLE_KEYS = {"platform", "target", "language", "label", "viewers", "state", "detail"}


@pytest.fixture(autouse=True)
def own_logging() -> Iterator[None]:
    """``main`` sets up the command's log on the root logger: put it back afterwards."""
    level = logging.getLogger().level
    yield
    logs.reset()
    logging.getLogger().setLevel(level)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    thread = StandInThread(StandIn(seed=5, secrets=SECRETS, json_token=True))
    with thread as running:
        yield running


def _viewers(tmp_path: Path, env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return run_console(["viewers", *args, "--db", str(tmp_path / "show.sqlite")], env)


def test_destinations_are_managed_and_sampled(tmp_path: Path, standin: StandIn) -> None:
    env = console_environment(tmp_path, extra=standin.secrets())
    youtube_base = standin.base_url(Platform.YOUTUBE)
    added = _viewers(tmp_path, env, "add", "--platform", "youtube", "--target", "vidEN",
                     "--base-url", youtube_base, "--language", "en", "--label", "Main EN")
    assert added.returncode == 0, added.stderr
    assert "added destination 1" in added.stdout
    twitch = _viewers(tmp_path, env, "add", "--platform", "twitch", "--target", "conf_fr",
                      "--base-url", standin.base_url(Platform.TWITCH), "--language", "fr")
    assert twitch.returncode == 0, twitch.stderr
    owncast_url = standin.target_url(Platform.OWNCAST, "hall")
    assert _viewers(tmp_path, env, "add", "--platform", "owncast", "--target",
                    owncast_url).returncode == 0
    pointer = _viewers(tmp_path, env, "add", "--platform", "json", "--target",
                       standin.target_url(Platform.JSON, "es"), "--pointer", "/stats/viewers",
                       "--language", "es")
    assert pointer.returncode == 0, pointer.stderr
    assert _viewers(tmp_path, env, "add", "--platform", "manual", "--target",
                    "Hall B screen").returncode == 0
    standin.set_count(Platform.YOUTUBE, "vidEN", 1234)
    standin.set_count(Platform.TWITCH, "conf_fr", None)
    standin.set_count(Platform.OWNCAST, "hall", 17)
    standin.set_count(Platform.JSON, "es", 5)

    listed = _viewers(tmp_path, env, "list", "--json")
    rows = json.loads(listed.stdout)
    assert [r["platform"] for r in rows] == ["youtube", "twitch", "owncast", "json", "manual"]
    assert rows[0]["base_url"] == youtube_base

    counted = _viewers(tmp_path, env, "count", "5", "250")
    assert counted.returncode == 0, counted.stderr
    sampled = _viewers(tmp_path, env, "sample", "--json")
    assert sampled.returncode == 0, sampled.stdout
    samples = json.loads(sampled.stdout)
    assert all(set(s) >= SAMPLE_KEYS for s in samples)
    by_target = {s["target"]: s for s in samples}
    assert by_target["vidEN"]["viewers"] == 1234
    assert by_target["vidEN"]["state"] == "live"
    assert by_target["vidEN"]["language"] == "en"
    assert by_target["vidEN"]["label"] == "Main EN"
    assert by_target["conf_fr"]["viewers"] is None  # offline, not zero
    assert by_target["conf_fr"]["state"] == "offline"
    assert by_target[owncast_url]["viewers"] == 17
    assert by_target["Hall B screen"]["viewers"] == 250
    for secret in SECRETS.values():
        assert secret not in sampled.stdout + sampled.stderr

    removed = _viewers(tmp_path, env, "remove", "2")
    assert removed.returncode == 0
    after = json.loads(_viewers(tmp_path, env, "list", "--json").stdout)
    assert [r["id"] for r in after] == [1, 3, 4, 5]


def test_sample_says_which_destination_could_not_be_read(tmp_path: Path,
                                                         standin: StandIn) -> None:
    env = console_environment(tmp_path, extra={
        key: value for key, value in standin.secrets().items() if key != "YOUTUBE_API_KEY"})
    _viewers(tmp_path, env, "add", "--platform", "youtube", "--target", "v1",
             "--base-url", standin.base_url(Platform.YOUTUBE))
    _viewers(tmp_path, env, "add", "--platform", "twitch", "--target", "busy",
             "--base-url", standin.base_url(Platform.TWITCH))
    standin.fail(Platform.TWITCH, "busy", Fault.HTTP_429, retry_after_s=30)
    sampled = _viewers(tmp_path, env, "sample", "--json")
    assert sampled.returncode == 1
    states = {s["target"]: s for s in json.loads(sampled.stdout)}
    assert states["v1"]["state"] == "credentials"
    assert "YOUTUBE_API_KEY" in states["v1"]["detail"]
    assert states["busy"]["state"] == "rate_limited"


@pytest.mark.parametrize(("args", "field"), [
    (["--platform", "youtube", "--target", "https://youtu.be/x"], "target"),
    (["--platform", "json", "--target", "http://x/y"], "pointer"),
    (["--platform", "twitch", "--target", "a", "--language", "French"], "language"),
    (["--platform", "twitch", "--target", "a", "--base-url", "localhost:1"], "base_url"),
])
def test_a_refused_destination_names_the_field_and_stores_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        field: str) -> None:
    # In this process, through the same entry point: only the full flow above pays for
    # starting the command as a program.
    db = str(tmp_path / "show.sqlite")
    assert main(["viewers", "add", *args, "--db", db]) == 2
    assert f"error: {field}:" in capsys.readouterr().err
    assert main(["viewers", "list", "--json", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_unknown_ids_and_bad_counts_are_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "show.sqlite")
    assert main(["viewers", "remove", "9", "--db", db]) == 2
    assert main(["viewers", "add", "--platform", "manual", "--target", "screen",
                 "--db", db]) == 0
    capsys.readouterr()
    assert main(["viewers", "count", "1", "-5", "--db", db]) == 2
    assert "viewers" in capsys.readouterr().err
    assert main(["viewers", "count", "1", "lots", "--db", db]) == 2
