"""Getting the demo show ready: the show in the database, its scenes in OBS."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.formats.detect import CONSOLE_JSON
from console.models.obs_state import ConnectionState
from console.models.show import Show, find_segment, iter_segments, scene_names
from console.obs.connection import ObsConnection
from console.obs.gateway import ObsGateway
from console.obs.provision import ProvisionReport, provision_show
from console.services.show_import import (
    LiveSegmentInTheWay,
    demo_show_path,
    import_demo,
    read_schedule,
)
from console.store.database import open_database
from console.store.live_state import live_segments
from console.store.shows import load_show

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class _Stored:
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
    stored = _stored(db_path)
    if stored.show is not None and not _is_demo(stored.show):
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


def _stored(db_path: Path) -> _Stored:
    database = open_database(db_path)
    try:
        show = load_show(database)
        live_id = next(iter(live_segments(database).values()), None)
    finally:
        database.conn.close()
    if live_id is None:
        return _Stored(show, None)
    live = find_segment(show, live_id) if show is not None else None
    return _Stored(show, live.title if live is not None else live_id)


def _is_demo(show: Show) -> bool:
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


async def provision_demo_scenes(connection: ObsConnection, db_path: Path) -> ProvisionReport:
    """Wait for OBS, then create what the demo show needs and OBS lacks: its scenes and
    the lower-third sources, so every panel is live."""
    await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=CONNECT_TIMEOUT_S)
    names = demo_scene_names(db_path)
    show = _load(db_path)
    if show is None:
        return ProvisionReport()
    report = await provision_show(connection, show)
    if names and report.created:
        # A fresh OBS shows its empty default scene; open on the show's first scene instead.
        await ObsGateway(connection).set_program_scene(names[0])
    log.info("demo scenes ready", extra={"scenes_created": report.created,
                                          "scenes_present": report.already_there})
    return report
