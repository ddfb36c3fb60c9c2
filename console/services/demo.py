"""Getting the demo show ready: the show in the database, its scenes and audio in OBS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from console.formats.detect import CONSOLE_JSON
from console.models.channels import MAIN_OBS, ChannelConfig, ChannelPlan, default_plan
from console.models.obs_state import ConnectionState
from console.models.show import Show, find_segment, iter_segments, scene_names
from console.models.viewers import Destination
from console.obs.channel_provision import (
    AUDIO_SCENE,
    InputSpec,
    Placeholders,
    provision_channels,
)
from console.obs.connection import ObsConnection
from console.obs.gateway import ObsGateway
from console.obs.provision import ProvisionReport, provision_show
from console.services.demo_audio import write_booth_files
from console.services.show_import import (
    LiveSegmentInTheWay,
    demo_show_path,
    import_demo,
    read_schedule,
)
from console.store.database import open_database
from console.store.live_state import live_segments
from console.store.shows import load_show
from console.store.viewers import add_destination, load_destinations, remove_destination

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 30.0
SECOND_OBS = "second"  # the demo's second OBS, for the mixes past an output's six tracks
DEMO_AUTHOR = "demo"  # signs the demo's changes of viewer destinations
SILENT_BOOTH = "tr"  # its file is silence, so the silence alarm has something to show
# The second OBS carries one language's audio: a small, slow picture saves most of the
# CPU a software-rendered OBS spends (about 55% of a core at OBS's default, 9% at this).
AUDIO_ONLY_VIDEO = (320, 180, 10)  # width, height, frames a second


@dataclass(frozen=True)
class StoredShow:
    show: Show | None
    live_title: str | None  # the live segment's title (or id); None when nothing is live


def ensure_demo_show(db_path: Path, now: datetime) -> str:
    """Get the demo database ready, its show dated from ``now``; say what happened.

    - no show yet: the demo show is imported;
    - the demo show, nothing live: it is imported again, so a demo database from an
      earlier day starts a few minutes from now once more. Segment ids are the
      file's, so the as-run log still matches; edits made in the rundown are replaced;
    - the demo show with a segment live: kept as it is, old dates and all, because
      moving the plan under what is on air would change the timing of a show in
      progress (the import refuses it too, should a take land meanwhile);
    - any other show: kept; ``demo --db`` may point at someone's own database.
    """
    stored = stored_show(db_path)
    if stored.show is not None and not is_demo_show(stored.show):
        return f'using the show already in {db_path}: "{stored.show.name}"'
    if stored.live_title is not None:
        return _kept_live(db_path, f" ({stored.live_title!r})")
    try:
        summary = import_demo(db_path, now=now)
    except LiveSegmentInTheWay:
        return _kept_live(db_path, "")
    return "\n".join((summary.describe(), *summary.notes))


def _kept_live(db_path: Path, what: str) -> str:
    return (f"using the demo show in {db_path} as it is: a segment is live{what}, "
            "so its dates stay as they were")


def stored_show(db_path: Path) -> StoredShow:
    """The show in ``db_path`` and what of it is live."""
    database = open_database(db_path)
    try:
        show = load_show(database)
        live_id = next(iter(live_segments(database).values()), None)
    finally:
        database.conn.close()
    if live_id is None:
        return StoredShow(show, None)
    live = find_segment(show, live_id) if show is not None else None
    return StoredShow(show, live.title if live is not None else live_id)


def is_demo_show(show: Show) -> bool:
    """Whether ``show`` is the bundled demo, told by its segment ids, which no other
    import produces."""
    demo_ids = {seg.id for seg in iter_segments(read_schedule(demo_show_path(),
                                                              CONSOLE_JSON).show)}
    return any(seg.id in demo_ids for seg in iter_segments(show))


def _load(db_path: Path) -> Show | None:
    database = open_database(db_path)
    try:
        return load_show(database)
    finally:
        database.conn.close()


def demo_scene_names(db_path: Path) -> list[str]:
    show = _load(db_path)
    return list(scene_names(show)) if show is not None else []  # in running order


async def provision_demo_scenes(connection: ObsConnection, db_path: Path, *,
                                audio_folder: Path | None = None,
                                second: ObsConnection | None = None) -> ProvisionReport:
    """Wait for OBS, then create what the demo show needs and OBS lacks: its scenes and
    the lower-third sources, so every panel is live; with ``audio_folder``, an input per
    language looping a generated voice there (see :func:`provision_demo_audio`)."""
    await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=CONNECT_TIMEOUT_S)
    names = demo_scene_names(db_path)
    show = _load(db_path)
    if show is None:
        return ProvisionReport()
    report = await provision_show(connection, show)
    if audio_folder is not None:
        await provision_demo_audio(connection, show, audio_folder, second=second, report=report)
    if names and report.created:
        # A fresh OBS shows its empty default scene; open on the show's first scene instead.
        await ObsGateway(connection).set_program_scene(names[0])
    log.info("demo scenes ready", extra={"scenes_created": report.created,
                                          "scenes_present": report.already_there})
    return report


def demo_channel_plan(show: Show, two_obs: bool) -> ChannelPlan:
    """The default plan, its seventh mix and beyond on the second OBS when there is one
    (without it, the plan's problem says why seven mixes do not fit)."""
    return default_plan(show.floor_language, show.languages,
                        (MAIN_OBS, SECOND_OBS) if two_obs else (MAIN_OBS,))


async def provision_demo_audio(main: ObsConnection, show: Show, folder: Path, *,
                               second: ObsConnection | None = None,
                               report: ProvisionReport | None = None) -> ProvisionReport:
    """One ``ffmpeg_source`` per language, looping a generated voice (silence for
    :data:`SILENT_BOOTH`), on the tracks of the demo's plan: six on ``main``, in an audio
    scene every show scene shows; the rest on ``second``, whose program is that scene."""
    plan = demo_channel_plan(show, two_obs=second is not None)
    files = await asyncio.to_thread(
        write_booth_files, folder, [c.language for c in plan.channels], [SILENT_BOOTH])
    looping = _looping_voices(files)
    report = await provision_channels(main, plan, show.floor_language, placeholders=looping,
                                      show_scenes=scene_names(show), report=report)
    for problem in report.audio_problems:
        log.warning("demo audio: %s", problem)
    if second is not None and not report.plan_problems:
        await _provision_second_obs(second, plan, show, looping)
    log.info("demo audio ready", extra={"channels": {
        c.language: f"{c.obs}: {c.status.value}" for c in report.channels}})
    return report


async def _provision_second_obs(second: ObsConnection, plan: ChannelPlan, show: Show,
                                looping: Placeholders) -> None:
    await second.wait_for_state(ConnectionState.CONNECTED, timeout_s=CONNECT_TIMEOUT_S)
    report = await provision_channels(second, plan, show.floor_language, obs_name=SECOND_OBS,
                                      placeholders=looping)
    for problem in report.audio_problems:
        log.warning("demo audio, second OBS: %s", problem)
    gateway = ObsGateway(second)
    await gateway.set_program_scene(AUDIO_SCENE)  # its inputs are metered and mixed there
    await gateway.set_video_settings(*AUDIO_ONLY_VIDEO)
    log.info("demo second OBS ready", extra={"channels": {
        c.language: c.status.value for c in report.channels}})


def _looping_voices(files: Mapping[str, Path]) -> Placeholders:
    def looping(channel: ChannelConfig) -> InputSpec:
        return InputSpec("ffmpeg_source",
                         {"local_file": str(files[channel.language]), "looping": True})
    return looping


def demo_languages(db_path: Path) -> tuple[str, ...]:
    """The demo show's languages (the floor first), for one stream each."""
    show = _load(db_path)
    return () if show is None else tuple(dict.fromkeys((show.floor_language, *show.languages)))


def ensure_demo_destinations(db_path: Path, destinations: Sequence[Destination],
                             now: datetime) -> str:
    """Count the demo's stand-in platforms: the destinations of an earlier demo run (at a
    port of this machine that is gone now) are removed, ``destinations`` added, and any
    other destination (one a newcomer pointed at a real platform) kept."""
    database = open_database(db_path)
    try:
        for old in load_destinations(database).destinations:
            if old.id is not None and _on_this_machine(old):
                remove_destination(database, old.id, saved_by=DEMO_AUTHOR, at=now)
        for destination in destinations:
            add_destination(database, destination, saved_by=DEMO_AUTHOR, at=now)
    finally:
        database.close()
    return (f"viewer counts: {len(destinations)} destinations on stand-in platforms (one per "
            "language; counts made up, not a real audience)")


def _on_this_machine(destination: Destination) -> bool:
    address = destination.base_url or destination.target
    return urlsplit(address).hostname in ("127.0.0.1", "localhost", "::1")
