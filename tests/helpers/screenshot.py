"""The real console on a virtual screen of a given size, photographed in given states.

``python -m tests.helpers.screenshot OBS_URL WIDTHxHEIGHT`` (the OBS password in
``OBS_WEBSOCKET_PASSWORD``, ``DISPLAY`` an Xvfb of that size) takes the steps given on its
standard input (see ``tests/helpers/photos.py``). For each it starts the console as users
do, on the step's own database (``db``) with the step's configuration folder (``config``;
an empty one is a first start), brings it into the step's ``state``, saves a picture of
the whole screen (``picture``) and prints one JSON line: the screen's available area and
the geometry (x, y, width, height, visible) of the widgets a stage manager must see. Each
step gets a console of its own, closed before the next starts; one process for all spares
each step its Python and Qt start-up. States: ``live`` (a segment on air), ``rehearsal``
(and its band), ``refused`` (a take refused under TAKE NEXT), ``storage`` (the storage
band), ``follower`` (another console holds the stage role), ``confirm-import`` (the import
confirmation dialog), ``hold`` (the live segment held), ``presenter`` (the presenter
window, with a message), ``monitoring`` (the Viewers and Stream health docks in front,
with two hours of counts from stand-in platforms).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QPushButton,
    QTreeView,
    QWidget,
)

from console import logs, paths
from console.app import AppOptions, ConsoleApp, run_gui
from console.models.viewers import ViewerSample, ViewerState
from console.platforms.standin import StandIn, StandInThread
from console.services import show_import
from console.store import stage_role
from console.store.asrun import AsRunWriter
from console.store.database import open_database
from console.store.shows import load_show
from console.store.stage_role import RoleHolder
from console.store.viewers import add_destination, append_sample
from tests.helpers.photo_steps import Step, forget_windows, reporting, steps_given

WATCHED = ("takeNextButton", "takeStatus", "takeButton", "sceneTakeStatus", "clockRemaining",
           "clockTime", "clockDrift", "rundownTree", "storageBand", "roleBand", "rehearsalBand",
           "nowSpeaker", "nowRemaining", "nextSpeaker", "confirmDialog", "statusMessage",
           "backButton", "skipButton", "holdButton", "addMinuteButton", "removeMinuteButton",
           "presenterWindow", "presenterCountdown", "presenterMessage", "channelAlarmBand",
           "channelsPanel", "channel_fr_meter", "channel_fr_signal", "channel_ms_signal",
           "viewerGraph", "viewerPlot", "statsCurrent", "statsPeak", "statsAverage",
           "graphView", "graphLegend", "streamHealthPanel", "healthAlarms")


def geometry(widget: QWidget) -> dict[str, Any]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    text = widget.text() if isinstance(widget, QLabel | QPushButton) else None
    return {"x": top_left.x(), "y": top_left.y(), "width": widget.width(),
            "height": widget.height(), "visible": widget.isVisible(),
            "tone": widget.property("tone"), "text": text}


def countdown_ink(console: ConsoleApp, image: QImage) -> list[int] | None:
    """Top and bottom of the presenter countdown's ink on screen, as pixels show it (not
    what the code meant to paint): rows with anything brighter than the black ground."""
    window = console.presenter.window
    if window is None:
        return None
    label = window.countdown
    origin = label.mapToGlobal(label.rect().topLeft())
    rows = [y for y in range(origin.y(), origin.y() + label.height())
            if any(image.pixelColor(x, y).lightness() > 128
                   for x in range(origin.x(), origin.x() + label.width(), 2))]
    return [rows[0], rows[-1]] if rows else [0, -1]


def rundown_columns(console: ConsoleApp) -> dict[str, Any]:
    """Where each column of the rundown is, in the tree's viewport."""
    tree = console.window.findChild(QTreeView, "rundownTree")
    header = tree.header()
    model = tree.model()
    return {
        "viewport_width": tree.viewport().width(),
        "scrollbar": tree.horizontalScrollBar().isVisible(),
        "columns": {str(model.headerData(i, Qt.Orientation.Horizontal)):
                    [header.sectionViewportPosition(i), header.sectionSize(i)]
                    for i in range(header.count())},
    }


async def bring_into(console: ConsoleApp, state: str, schedule: Path) -> None:
    await console.connection.wait_for_state(console.connection.state.CONNECTED, timeout_s=20)
    await asyncio.sleep(1.0)
    if state != "follower":
        await console.handoff.take()
    if state == "rehearsal":
        await console.handoff.set_rehearsal(True)
    elif state == "refused":
        # A second take pressed while one is in flight, as a clicker and a Stream Deck do.
        async with console.switcher.exclusive("the next segment"):
            console.now_next.take()
            await asyncio.sleep(0.3)
    elif state == "storage":
        console.storage.writer_status("show.sqlite: the as-run log cannot be written: "
                                      "database or disk is full")
    elif state == "confirm-import":
        console.imports.import_schedule(schedule)
    elif state == "hold":
        await console.handoff.hold()
    elif state == "monitoring":
        for name in ("viewersDock", "healthDock"):
            dock = console.window.findChild(QDockWidget, name)
            assert dock is not None, name
            dock.raise_()
        await asyncio.sleep(2.5)  # a poll of every stand-in platform, a health reading
        console.viewer_graph.graph.redraw()
    elif state == "presenter":
        await console.handoff.message("Please wrap up: two minutes left for questions from "
                                      "the room and from the interpreters' booths")
        console.presenter.toggle()
    await asyncio.sleep(1.5)


async def photograph(console: ConsoleApp, state: str, out: Path,
                     schedule: Path) -> dict[str, Any]:
    try:
        await bring_into(console, state, schedule)
        screen = QGuiApplication.primaryScreen()
        picture = screen.grabWindow(0)
        picture.save(str(out))
        area = screen.availableGeometry()
        widgets = {}
        for window in QApplication.topLevelWidgets():
            for name in WATCHED:
                found = window if window.objectName() == name else \
                    window.findChild(QWidget, name)
                if found is not None and name not in widgets:
                    widgets[name] = geometry(found)
        frame = console.window.frameGeometry()
        minimum = console.window.minimumSizeHint()
        docks = {dock.objectName(): {**geometry(dock), "min_width": dock.minimumSizeHint().width(),
                                     "min_height": dock.minimumSizeHint().height()}
                 for dock in console.window.findChildren(QDockWidget)}
        return {
            "countdown_ink": countdown_ink(console, picture.toImage()),
            "rundown": rundown_columns(console),
            "hold_latched": console.now_next.findChild(QPushButton, "holdButton").isChecked(),
            "screen": [area.x(), area.y(), area.width(), area.height()],
            "window": [frame.x(), frame.y(), frame.width(), frame.height()],
            "window_minimum": [minimum.width(), minimum.height()],
            "docks": docks, "widgets": widgets}
    finally:
        for window in QApplication.topLevelWidgets():
            if window is not console.window and window.isVisible():
                window.close()
        console.window.close()


def hold_the_role_elsewhere(db: Path) -> None:
    """Another console (this process's parent, alive) holds the stage role: we follow."""
    database = open_database(db)
    try:
        other = RoleHolder("other-console", "stage-left", socket.gethostname(), os.getppid())
        stage_role.claim(database, other, datetime.now(UTC))
    finally:
        database.conn.close()


def count_viewers_on_stand_ins(db: Path, standin: StandIn) -> None:
    """One stand-in stream per language, and the last two hours of their counts."""
    database = open_database(db)
    try:
        show = load_show(database)
        languages = (show.floor_language, *show.languages) if show else ("en",)
        added = [add_destination(database, destination, saved_by="screenshot", at=datetime.now(UTC))
                 for destination in standin.demo_destinations(dict.fromkeys(languages))]
    finally:
        database.close()
    now = datetime.now(UTC)
    with AsRunWriter(db) as writer:
        for index, destination in enumerate(added):
            assert destination.id is not None
            for step in range(0, 2 * 3600, 5):
                level = 150 + 90 * index + (step // 60) % 40 + step // 120
                append_sample(writer, ViewerSample(destination.id,
                                                   now - timedelta(seconds=2 * 3600 - step),
                                                   ViewerState.LIVE, level), "screenshot")


def photograph_step(obs_url: str, step: Step) -> None:
    state, db = step["state"], Path(step["db"])
    os.environ["CONSOLE_CONFIG_DIR"] = step["config"]
    if state == "follower":
        hold_the_role_elsewhere(db)
    standins = StandInThread(StandIn(seed=11))
    if state == "monitoring":
        standins.start()
        os.environ.update(standins.standin.secrets())
        count_viewers_on_stand_ins(db, standins.standin)
    schedule = show_import.demo_show_path()
    options = AppOptions(db_path=db, obs_url=obs_url,
                         settings_path=paths.config_dir() / "window.ini",
                         console_name="screenshot")

    async def after_start(console: ConsoleApp) -> None:
        await reporting(step, photograph(console, state, Path(step["picture"]), schedule))

    try:
        run_gui(options, os.environ.get("OBS_WEBSOCKET_PASSWORD", ""), after_start)
    finally:
        standins.stop()
        forget_windows()


def main() -> int:
    obs_url, _size = sys.argv[1:3]
    logs.configure("WARNING")
    for step in steps_given():
        photograph_step(obs_url, step)
    return 0


if __name__ == "__main__":
    sys.exit(main())
