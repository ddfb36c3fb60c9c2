"""Getting the demo show ready: the show in the database, its scenes in OBS."""

from __future__ import annotations

import logging
from pathlib import Path

from console.models.obs_state import ConnectionState
from console.models.show import scene_names
from console.obs.connection import ObsConnection
from console.obs.provision import ProvisionReport, ensure_scenes
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


def demo_scene_names(db_path: Path) -> list[str]:
    database = open_database(db_path)
    try:
        show = load_show(database)
    finally:
        database.conn.close()
    return list(scene_names(show)) if show is not None else []  # in running order


async def provision_demo_scenes(connection: ObsConnection, db_path: Path) -> ProvisionReport:
    """Wait for OBS, then create the demo show's scenes that it lacks."""
    await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=CONNECT_TIMEOUT_S)
    names = demo_scene_names(db_path)
    report = await ensure_scenes(connection, names)
    if names and report.created:
        # A fresh OBS shows its empty default scene; open on the show's first scene instead.
        await connection.request("SetCurrentProgramScene", {"sceneName": names[0]})
    log.info("demo scenes ready", extra={"scenes_created": report.created,
                                          "scenes_present": report.already_there})
    return report
