"""Getting the demo show ready: the show in the database, its scenes in OBS."""

from __future__ import annotations

import logging
from pathlib import Path

from console.models.obs_state import ConnectionState
from console.models.show import Show, scene_names
from console.obs.connection import ObsConnection
from console.obs.gateway import ObsGateway
from console.obs.provision import ProvisionReport, provision_show
from console.services.show_import import import_demo
from console.store.database import open_database
from console.store.shows import load_show

log = logging.getLogger(__name__)
CONNECT_TIMEOUT_S = 30.0


def ensure_demo_show(db_path: Path) -> str:
    """Import the demo show unless the database already holds a show; say what happened."""
    database = open_database(db_path)
    try:
        show = load_show(database)
    finally:
        database.conn.close()
    if show is not None:
        return f'using the show already in {db_path}: "{show.name}"'
    return import_demo(db_path).describe()


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
