"""The interpreter booth console on a virtual screen of a given size, photographed in a
state.

``python -m tests.helpers.booth_screenshot OBS_URL WIDTHxHEIGHT`` (the OBS password in
``OBS_WEBSOCKET_PASSWORD``, ``DISPLAY`` an Xvfb of that size) takes the steps given on its
standard input (see ``tests/helpers/photos.py``). For each it starts the booth console as
users do, with the step's configuration folder (``config``), brings it into ``state`` with
a stage console and a partner simulated on other connections to the same OBS (through OBS,
as the real ones talk), saves a picture of the whole screen (``picture``) and prints one
JSON line: the screen's available area and the geometry of the widgets an interpreter must
read. States: ``waiting`` (no stage console heard from), ``live`` (a speaker on, ready,
the partner asks for a handover), ``relay`` (the booth takes relay), ``cough`` (the cough
button held).
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from console import logs
from console.booth_app import BoothApp, BoothOptions
from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.channels import ChannelPlan, default_plan
from console.models.obs_state import ConnectionState
from console.models.stage_summary import SegmentSummary, StageSummary
from console.obs.connection import ObsConnection
from console.obs.endpoint import ObsEndpoint
from console.obs.gateway import ObsGateway
from console.services.booth_sync import BoothSync, Sender
from console.ui.booth_window import FONT_PX
from console.ui.gui_loop import run_gui_app
from tests.helpers.photo_steps import Step, forget_windows, reporting, steps_given

WATCHED = (*FONT_PX, "meterArea", "statusMessage", "floorMeter", "boothMeter",
           "floorMeterBar", "boothMeterBar", "floorMeterValue", "boothMeterValue")


def geometry(widget: QWidget) -> dict[str, Any]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    text = widget.text() if isinstance(widget, QLabel | QPushButton) else None
    return {"x": top_left.x(), "y": top_left.y(), "width": widget.width(),
            "height": widget.height(), "visible": widget.isVisible(),
            "tone": widget.property("tone"), "text": text,
            "font_px": widget.fontInfo().pixelSize()}


def stage_summary(state: str) -> StageSummary:
    now = datetime.now(UTC)
    if state == "relay":
        # The speaker speaks Spanish; of the booths only English understands it, and
        # French takes relay from English.
        plan = default_plan("ar", ("en", "fr", "es"))
        channels = tuple(replace(c, covers=("ar", "es")) if c.language == "en" else c
                         for c in plan.channels)
        return StageSummary(
            "ar", ChannelPlan(channels),
            live=SegmentSummary("Water and cities: what Valencia learned",
                                ("María Fernanda Castillo Ruiz",), "es",
                                now - timedelta(minutes=7, seconds=12), 1200.0),
            next=SegmentSummary("Questions from the room", ("Omar Haddad", "Aisha Rahman"),
                                "ar", None, 900.0),
            show="Bridges 2026")
    return StageSummary(
        "ar", default_plan("ar", ("en", "fr", "es", "tr", "ur", "ms")),
        live=SegmentSummary("Opening keynote: bridges between communities",
                            ("Dr. Omar Abdel-Rahman Haddad",), "ar",
                            now - timedelta(minutes=12, seconds=34), 1800.0),
        next=SegmentSummary("Panel: youth and the city", ("Jean-Baptiste Lefèvre",
                                                          "Aisha Rahman", "Mehmet Yılmaz"),
                            "fr", None, 2700.0),
        show="Bridges 2026")


@asynccontextmanager
async def other_console(url: str, password: str, name: str,
                        role: ConsoleRole) -> AsyncIterator[BoothSync]:
    connection = ObsConnection(ObsEndpoint.parse(url), password, name=name)
    sync = BoothSync(ObsGateway(connection).background(),
                     Sender(f"{name} [{uuid.uuid4().hex[:8]}]", role), slot=booth.SLOT)
    sync.start()
    connection.start()
    try:
        await connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=20)
        yield sync
    finally:
        await sync.close()
        await connection.stop()


async def bring_into(app: BoothApp, state: str, url: str, password: str) -> None:
    await app.connection.wait_for_state(ConnectionState.CONNECTED, timeout_s=20)
    await asyncio.sleep(0.5)
    if state == "waiting":
        return
    async with other_console(url, password, "stage", ConsoleRole.STAGE) as stage:
        await stage.publish_stage(stage_summary(state))
        await app.desk.set_ready(True)
        if state == "live":
            async with other_console(url, password, "partner", ConsoleRole.INTERPRETER) as bf:
                await asyncio.sleep(0.3)
                await bf.publish(app.desk.language, lambda s: booth.changed(
                    s, datetime.now(UTC), bf.me.console,
                    handover=booth.Handover("Bruno Moreau", datetime.now(UTC))))
        if state == "cough":
            await ensure_input(app, app.desk.input_name)
            app.window.findChild(QPushButton, "coughButton").setDown(True)
            await app.desk.cough(True)
    await asyncio.sleep(1.0)


async def ensure_input(app: BoothApp, name: str) -> None:
    """The booth's input, as a show's OBS has it (a silent media source will do)."""
    inputs = await app.connection.request("GetInputList")
    if name not in {entry.get("inputName") for entry in inputs.get("inputs", [])}:
        scene = (await app.connection.request("GetCurrentProgramScene"))[
            "currentProgramSceneName"]
        await app.connection.request("CreateInput", {
            "sceneName": scene, "inputName": name, "inputKind": "ffmpeg_source",
            "inputSettings": {}})


async def photograph(app: BoothApp, state: str, out: Path, url: str,
                     password: str) -> dict[str, Any]:
    try:
        await bring_into(app, state, url, password)
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(str(out))
        area = screen.availableGeometry()
        widgets = {name: geometry(found) for name in WATCHED
                   if (found := app.window.findChild(QWidget, name)) is not None}
        frame = app.window.frameGeometry()
        return {"screen": [area.x(), area.y(), area.width(), area.height()],
                "window": [frame.x(), frame.y(), frame.width(), frame.height()],
                "widgets": widgets}
    finally:
        app.window.close()  # (closing lifts the cough's mute)


def main() -> int:
    url = sys.argv[1]
    logs.configure("WARNING")
    password = os.environ.get("OBS_WEBSOCKET_PASSWORD", "")
    options = BoothOptions(obs_url=url, language="fr", interpreter="Amélie Durand",
                           console_name="booth-screenshot")
    for step in steps_given():
        os.environ["CONSOLE_CONFIG_DIR"] = step["config"]

        async def after_start(app: BoothApp, step: Step = step) -> None:
            await reporting(step, photograph(app, step["state"], Path(step["picture"]),
                                             url, password))

        try:
            run_gui_app(lambda: BoothApp(options, password), after_start)
        finally:
            forget_windows()
    return 0


if __name__ == "__main__":
    sys.exit(main())
