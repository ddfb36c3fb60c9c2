"""A take that happened is always recorded: the show's database on a full 1 MB filesystem.

The take goes on air (OBS confirms it), the window says loudly that storage is failing,
the live state stays in memory, and once the disk has room again the as-run row and the
live state are written. The lower third's PNG, refused by the same full disk, never
undoes or hides the take.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from console.app import AppOptions, ConsoleApp
from console.models.asrun import AsRunKind
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage
from console.obs.private_obs import PrivateObs
from console.store.asrun import read_asrun
from console.store.database import open_database
from console.store.live_state import load_live_state
from console.store.shows import save_show
from tests.helpers.loops import LoopRunner, until
from tests.helpers.mounts import private_tmpfs
from tests.helpers.obs import bare_client, ensure_scenes

pytestmark = [pytest.mark.obs,
              pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")]
SCENE = "Full disk"


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    with private_tmpfs(tmp_path / "small", "1m", "a 1 MB one to fill") as folder:
        yield folder


def fill(folder: Path) -> Path:
    """Fill the filesystem of ``folder`` to the last byte; return the file doing it."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        for size in (4096, 1):  # big steps, then byte by byte to the last one
            with contextlib.suppress(OSError):
                while True:
                    handle.write(b"\0" * size)
    with pytest.raises(OSError, match="No space left") as refused:
        (folder / "one-more-byte").write_bytes(b"\0")
    assert refused.value.errno == errno.ENOSPC
    return filler


def one_segment_show() -> Show:
    segment = Segment(id="full-1", kind=SegmentKind.TALK, title="On a full disk",
                      planned_start=datetime(2026, 12, 5, 9, tzinfo=UTC),
                      planned_duration=timedelta(minutes=20), scene=SCENE,
                      speakers=(Speaker("ليلى حداد", "ar"),))  # a PNG lower third
    return Show(name="Full", timezone="UTC", floor_language="ar", stages=(
        Stage("Main", (Day(date(2026, 12, 5), (Session("One", (segment,)),)),)),))


@pytest.mark.expected_log("console.store.writer", "console.services.show_runner",
                          "console.services.interpretation")  # no booth inputs: alarms
def test_a_take_on_a_full_disk_is_on_air_and_recorded_once_there_is_room(
    qloop: LoopRunner, shared_obs: PrivateObs, small_filesystem: Path, qtbot: Any
) -> None:
    db = small_filesystem / "show.sqlite"
    database = open_database(db)
    save_show(database, one_segment_show())
    database.conn.close()
    other = bare_client(shared_obs)
    ensure_scenes(other, SCENE, "Full disk idle")
    other.send("SetStudioModeEnabled", {"studioModeEnabled": False})
    other.send("SetCurrentProgramScene", {"sceneName": "Full disk idle"})
    options = AppOptions(db_path=db, obs_url=shared_obs.url, console_name="full-disk",
                         settings_path=small_filesystem.parent / "w.ini", lower_third_s=0)

    async def scenario() -> None:
        console = ConsoleApp(options, shared_obs.password)
        console.start()
        try:
            await until(lambda: console.mirror.snapshot.connected, 15, "connected")
            filler = fill(small_filesystem)
            answer = await console.handoff.take()
            assert answer["segment_id"] == "full-1"
            assert "lower third not shown" in answer["lower_third_error"]
            program = other.send("GetCurrentProgramScene", raw=True)
            assert program["currentProgramSceneName"] == SCENE  # on air
            assert console.runner.live.live is not None
            await until(lambda: console.storage.problem is not None, 10, "storage failure seen")
            band = console.bands.storage
            assert band.isVisibleTo(console.window)
            assert "STORAGE FAILING" in band.label.text()
            filler.unlink()  # room again
            await until(lambda: console.storage.problem is None, 15, "written once there is room")
            assert not band.isVisibleTo(console.window)
        finally:
            console.window.close()
            await console.close()

    try:
        qloop.run(scenario(), 60)
    finally:
        other.disconnect()
    database = open_database(db)
    try:
        takes = read_asrun(database, kinds=[AsRunKind.TAKE])
        live = load_live_state(database, "Main").live
    finally:
        database.conn.close()
    assert [take.segment_id for take in takes] == ["full-1"]
    assert takes[0].actual is not None
    assert live is not None
    assert live.segment_id == "full-1"
    assert live.started_at == takes[0].actual
