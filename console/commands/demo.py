"""``conference-console demo``: the bundled demo show against a private, throw-away OBS.

Starts OBS with its own configuration folder, a free port and a random password
(on a virtual display when there is no screen), creates the demo show's scenes
in it, loads the demo show into the demo database, dated to start a few minutes
from now (unless a segment of it is live: see ``ensure_demo_show``), runs the
console, and stops that OBS when the console exits.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console import logs, paths
from console.commands.run import add_console_name_argument
from console.obs.display import VirtualDisplay, VirtualDisplayError, needs_virtual_display
from console.obs.private_obs import PrivateObs, PrivateObsError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="run the demo show against a private OBS started for it",
        description="Start a private OBS Studio, fill it with the demo show's scenes, and run "
        "the console on the demo show, dated to start a few minutes from now (a demo show "
        "with a segment live is kept as it is). That OBS stops when the console exits.",
    )
    parser.add_argument(
        "--db", type=Path, default=paths.data_dir() / "demo.sqlite", metavar="PATH",
        help="the demo database (default: %(default)s)",
    )
    add_console_name_argument(parser)
    parser.set_defaults(handler=run, default_log_level="INFO")


def run(args: argparse.Namespace) -> int:
    display = VirtualDisplay() if needs_virtual_display() else None
    obs_home = Path(tempfile.mkdtemp(prefix="console-demo-obs-"))
    try:
        if display is not None:
            display.start()
            print(f"no screen found: OBS and the console run on virtual display {display.name}")
        obs = PrivateObs(home=obs_home, display=display)
        logs.register_secret(obs.password)
        obs.start()
    except (PrivateObsError, VirtualDisplayError) as error:
        print(f"error: {error}", file=sys.stderr)
        _cleanup(None, display, obs_home)
        return 3
    try:
        return _run_console(args, obs, display)
    finally:
        _cleanup(obs, display, obs_home)


def _run_console(args: argparse.Namespace, obs: PrivateObs, display: VirtualDisplay | None) -> int:
    import os  # noqa: PLC0415

    from console.app import AppOptions, ConsoleApp, run_gui  # noqa: PLC0415
    from console.services.demo import ensure_demo_show, provision_demo_scenes  # noqa: PLC0415

    if display is not None:
        os.environ["DISPLAY"] = display.name
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    print(ensure_demo_show(args.db, datetime.now(UTC)))

    async def after_start(console: ConsoleApp) -> None:
        await provision_demo_scenes(console.connection, args.db)

    options = AppOptions(
        db_path=args.db, obs_url=obs.url, settings_path=paths.config_dir() / "window.ini",
        console_name=args.console_name, title_suffix=f"demo show, private OBS at {obs.url}",
    )
    return run_gui(options, obs.password, after_start=after_start)


def _cleanup(obs: PrivateObs | None, display: VirtualDisplay | None, obs_home: Path) -> None:
    if obs is not None:
        obs.stop()
    if display is not None:
        display.stop()
    shutil.rmtree(obs_home, ignore_errors=True)
