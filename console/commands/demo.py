"""``conference-console demo``: the bundled demo show against a private, throw-away OBS.

Starts OBS with its own configuration folder, a free port and a random password
(on a virtual display when there is no screen), creates the demo show's scenes
in it, loads the demo show into the demo database, dated to start a few minutes
from now (unless a segment of it is live: see ``ensure_demo_show``), runs the
console, and stops that OBS when the console exits.

``demo --replay`` instead fills the demo database with a simulated finished day of the
demo show (``services/demo_replay.replay_day``) and says how to read it; no OBS.

The demo show is interpreted from Arabic into six languages: seven mixes, one more
than an OBS output has audio tracks. So a second private OBS (same password, a tiny
picture) carries the seventh; each language is an input looping a generated voice
(one booth silent). Should the second OBS not start, the demo runs without it and
says that the seventh mix does not fit.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console import logs, paths
from console.commands.run import add_console_name_argument
from console.obs.connection import ObsConnection
from console.obs.display import VirtualDisplay, VirtualDisplayError, needs_virtual_display
from console.obs.endpoint import ObsEndpoint
from console.obs.private_obs import PrivateObs, PrivateObsError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="run the demo show against a private OBS started for it",
        description="Start a private OBS Studio, fill it with the demo show's scenes and one "
        "audio input per language (a generated voice, looping; one booth silent), and run "
        "the console on the demo show, dated to start a few minutes from now (a demo show "
        "with a segment live is kept as it is). A second private OBS carries the seventh "
        "audio mix. Both stop when the console exits.",
    )
    parser.add_argument(
        "--db", type=Path, default=paths.data_dir() / "demo.sqlite", metavar="PATH",
        help="the demo database (default: %(default)s)",
    )
    parser.add_argument(
        "--replay", action="store_true",
        help="fill the demo database with a simulated finished show day (yesterday: takes, "
        "an interpreter outage, viewer samples) for the producer's review, instead of "
        "running the console; no OBS needed",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="with --replay: add the simulated day even to a database with takes from a "
        "real run of the demo show",
    )
    parser.add_argument(
        "--open-review", action="store_true",
        help="with --replay: then open the producer's review window on the demo database "
        "(as run --role producer --db PATH does)",
    )
    add_console_name_argument(parser)
    parser.set_defaults(handler=run, default_log_level="INFO")


REPLAY_OFFER = ("a simulated finished show day in the producer's review: make demo-replay "
                "(or conference-console demo --replay --open-review)")


def run(args: argparse.Namespace) -> int:
    if args.replay:
        return replay(args)
    for flag, given in (("--force", args.force), ("--open-review", args.open_review)):
        if given:
            print(f"error: {flag} goes with --replay", file=sys.stderr)
            return 2
    print(REPLAY_OFFER)
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
        _cleanup([], display, obs_home)
        return 3
    second = _start_second_obs(obs, display, obs_home)
    try:
        return _run_console(args, obs, second, display)
    finally:
        _cleanup([obs, *([second] if second else [])], display, obs_home)


def replay(args: argparse.Namespace) -> int:
    """Fill the demo database with the simulated day and say how to read it. Exit 0 when
    filled or already there, 2 when refused."""
    from console.services.demo_replay import ReplayRefused, replay_day  # noqa: PLC0415
    from console.store.database import StoreError  # noqa: PLC0415

    try:
        summary = replay_day(args.db, force=args.force)
    except (ReplayRefused, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(summary.describe())
    db = shlex.quote(str(args.db))
    print("read it with:")
    for command in (f"run --role producer --db {db}", f"export-log --db {db}",
                    f"report --db {db} --out day-one.pdf", f"chapters --db {db}"):
        print(f"  conference-console {command}")
    if not args.open_review:
        return 0
    sys.stdout.flush()
    from console.review_app import ReviewOptions, run_review  # noqa: PLC0415  (Qt: GUI only)

    return run_review(ReviewOptions(db_path=args.db))


def _start_second_obs(main: PrivateObs, display: VirtualDisplay | None,
                      obs_home: Path) -> PrivateObs | None:
    """The OBS for the seventh mix, with the main one's password; None if it will not start."""
    second = PrivateObs(home=obs_home / "second", display=display, password=main.password)
    try:
        second.start()
    except PrivateObsError as error:
        second.stop()
        print(f"note: no second OBS for the seventh mix ({error}); the demo shows why seven "
              "mixes do not fit one OBS instead")
        return None
    print(f"a second private OBS at {second.url} carries the seventh mix")
    return second


def _run_console(args: argparse.Namespace, obs: PrivateObs, second: PrivateObs | None,
                 display: VirtualDisplay | None) -> int:
    from console.services.demo import ensure_demo_show  # noqa: PLC0415

    if display is not None:
        os.environ["DISPLAY"] = display.name
        os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    print(ensure_demo_show(args.db, datetime.now(UTC)))
    with _stand_in_platforms(args.db):
        return _run_app(args, obs, second)


@contextlib.contextmanager
def _stand_in_platforms(db_path: Path) -> Iterator[None]:
    """One stand-in platform per language, with counts that move, for the viewer graph.

    Its made-up credentials go into this process's environment (where the console reads
    a platform's key), never onto a command line or into the database."""
    from console.platforms.standin import StandIn, StandInThread  # noqa: PLC0415
    from console.services.demo import demo_languages, ensure_demo_destinations  # noqa: PLC0415

    standin = StandIn(seed=int(datetime.now(UTC).timestamp()))
    thread = StandInThread(standin)
    try:
        thread.start()
    except (OSError, RuntimeError, TimeoutError) as error:
        print(f"note: no stand-in platforms ({error}): the viewer graph stays empty")
        yield
        return
    try:
        secrets = standin.secrets()
        for secret in secrets.values():
            logs.register_secret(secret)
        os.environ.update(secrets)
        destinations = standin.demo_destinations(demo_languages(db_path))
        print(ensure_demo_destinations(db_path, destinations, datetime.now(UTC)))
        yield
    finally:
        thread.stop()


def _run_app(args: argparse.Namespace, obs: PrivateObs, second: PrivateObs | None) -> int:
    from console.app import AppOptions, ConsoleApp, run_gui  # noqa: PLC0415
    from console.services.demo import SECOND_OBS, provision_demo_scenes  # noqa: PLC0415

    async def after_start(console: ConsoleApp) -> None:
        second_connection = None if second is None else ObsConnection(
            ObsEndpoint("127.0.0.1", second.port), second.password, name=SECOND_OBS)
        if second_connection is not None:
            second_connection.start()
        try:
            await provision_demo_scenes(console.connection, args.db, second=second_connection,
                                        audio_folder=args.db.parent / "demo-audio")
        finally:
            if second_connection is not None:
                await second_connection.stop()

    where = f"private OBS at {obs.url}" + (f" and {second.url}" if second else "")
    options = AppOptions(
        db_path=args.db, obs_url=obs.url, settings_path=paths.config_dir() / "window.ini",
        console_name=args.console_name, title_suffix=f"demo show, {where}",
        extra_obs=((SECOND_OBS, second.url),) if second is not None else (),
    )
    return run_gui(options, obs.password, after_start=after_start,
                   extra_passwords={SECOND_OBS: second.password} if second else None)


def _cleanup(started: list[PrivateObs], display: VirtualDisplay | None, obs_home: Path) -> None:
    for obs in started:
        obs.stop()
    if display is not None:
        display.stop()
    shutil.rmtree(obs_home, ignore_errors=True)
