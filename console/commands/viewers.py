"""``conference-console viewers``: where the show streams to, and how many watch.

``viewers add``, ``list`` and ``remove`` manage the destinations (each a platform, a
target, a language and a label); ``viewers sample`` asks every platform once and
prints what each said; ``viewers count`` enters a count read off a screen for a
manual destination.

Exit codes: 0 done (``sample``: every destination answered: live, offline or
hidden); 1 ``sample`` only: some destination could not be read (credentials, rate
limited, error; each says why); 2 nothing done (a value refused, an unknown id, a
database that cannot be opened; nothing stored).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

import aiohttp

from console.commands.common import add_db_argument
from console.models.asrun import ConsoleRole
from console.models.errors import OperatorError
from console.models.viewers import (
    Destination,
    Platform,
    Reading,
    ViewerSample,
    ViewerState,
    check_destination,
    check_viewers,
)
from console.platforms.registry import Adapters
from console.services.stage_role import signature, this_console
from console.services.viewer_polling import read_all, secrets_for
from console.store.asrun import AsRunWriter
from console.store.database import StoreError, open_database
from console.store.viewers import (
    add_destination,
    append_sample,
    load_destinations,
    read_samples,
    remove_destination,
)

EXIT_OK = 0
EXIT_UNREAD = 1
EXIT_ERROR = 2
ANSWERED = frozenset({ViewerState.LIVE, ViewerState.OFFLINE, ViewerState.HIDDEN})


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "viewers", help="manage the viewer-count destinations, or sample them once",
        description="The platforms the show streams to, one destination per stream (and "
        "language), and their viewer counts. Keys and tokens come from the environment or "
        "the keyring (YOUTUBE_API_KEY, TWITCH_CLIENT_ID with TWITCH_ACCESS_TOKEN or "
        "TWITCH_CLIENT_SECRET, ...), never from the command line. Exit 0: done; 1 (sample): "
        "some destination could not be read; 2: nothing done.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="count the viewers of one more stream")
    add.add_argument("--platform", required=True, choices=[p.value for p in Platform])
    add.add_argument("--target", required=True, metavar="ID_OR_URL",
                     help="YouTube video id, Twitch login, Zoom webinar id, Facebook live "
                     "video id, Owncast server URL, JSON URL, or a name (manual)")
    add.add_argument("--base-url", metavar="URL",
                     help="replaces the documented prefix (YouTube "
                     "https://www.googleapis.com/youtube/v3, Twitch https://api.twitch.tv/helix, "
                     "Owncast the server's root): a self-hosted or stand-in server")
    add.add_argument("--pointer", metavar="/json/pointer",
                     help="json only: the JSON pointer to the count, e.g. /stats/viewers")
    add.add_argument("--language", metavar="CODE", help="the stream's language, e.g. en")
    add.add_argument("--label", metavar="TEXT", default="",
                     help="what the graph and the log call it")
    listing = actions.add_parser("list", help="print the destinations")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    remove = actions.add_parser("remove", help="stop counting a destination (its samples stay)")
    remove.add_argument("id", type=int, help="the destination's id (viewers list)")
    sample = actions.add_parser("sample", help="ask every platform once and print the counts")
    sample.add_argument("--json", action="store_true",
                        help='print a list of {"platform", "target", "language", "label", '
                        '"viewers", "state", "detail"}')
    count = actions.add_parser("count", help="enter a count read off a screen (manual only)")
    count.add_argument("id", type=int, help="the manual destination's id")
    count.add_argument("viewers", help="the number of viewers")
    for sub in (add, listing, remove, sample, count):
        add_db_argument(sub)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    handlers = {"add": _add, "list": _list, "remove": _remove, "sample": _sample,
                "count": _count}
    try:
        return handlers[args.action](args)
    except (OperatorError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR


def _saved_by() -> str:
    return signature(this_console("command line"))


def _add(args: argparse.Namespace) -> int:
    destination = check_destination(args.platform, args.target, label=args.label,
                                    language=args.language, base_url=args.base_url,
                                    pointer=args.pointer)
    db = open_database(args.db)
    try:
        stored = add_destination(db, destination, saved_by=_saved_by(), at=datetime.now(UTC))
    finally:
        db.close()
    print(f"added destination {stored.id}: {_describe(stored)}")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    db = open_database(args.db)
    try:
        removed = remove_destination(db, args.id, saved_by=_saved_by(), at=datetime.now(UTC))
    finally:
        db.close()
    print(f"removed destination {removed.id}: {_describe(removed)} (its samples stay)")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    destinations = _destinations(args)
    if args.json:
        print(json.dumps([destination_json(d) for d in destinations], ensure_ascii=False,
                         indent=2))
    elif not destinations:
        print("no destinations: add one with `conference-console viewers add`")
    for destination in destinations if not args.json else ():
        print(f"{destination.id:>4}  {_describe(destination)}")
    return EXIT_OK


def _sample(args: argparse.Namespace) -> int:
    destinations = _destinations(args)
    readings = asyncio.run(_read(destinations))
    manual = _manual_readings(args, destinations)
    rows = [sample_json(d, manual[d.id] if d.id in manual else readings[d.id])
            for d in destinations]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            count = "-" if row["viewers"] is None else f"{row['viewers']:,}"
            print(f"{row['label'] or row['target']:<30} {row['language'] or '':<6} "
                  f"{row['state']:<12} {count:>10}  {row['detail']}")
    return EXIT_OK if all(ViewerState(r["state"]) in ANSWERED for r in rows) else EXIT_UNREAD


def _count(args: argparse.Namespace) -> int:
    try:
        viewers = check_viewers(int(args.viewers))
    except ValueError:
        print(f"error: viewers: {args.viewers!r} is not a whole number", file=sys.stderr)
        return EXIT_ERROR
    destination = next((d for d in _destinations(args) if d.id == args.id), None)
    if destination is None or destination.polled:
        print(f"error: id: {args.id} is not a manual destination (viewers list)",
              file=sys.stderr)
        return EXIT_ERROR
    with AsRunWriter(args.db) as writer:
        append_sample(writer, ViewerSample(args.id, datetime.now(UTC), ViewerState.LIVE,
                                           viewers, "entered by hand"),
                      ConsoleRole.COMMAND.value)
    print(f"{destination.name}: {viewers:,} viewers")
    return EXIT_OK


async def _read(destinations: tuple[Destination, ...]) -> dict[int | None, Reading]:
    adapters = Adapters(secrets_for(destinations))
    async with aiohttp.ClientSession() as http:
        return await read_all(http, destinations, adapters.get)


def _manual_readings(args: argparse.Namespace,
                     destinations: tuple[Destination, ...]) -> dict[int | None, Reading]:
    """A manual destination reads as its latest typed count."""
    manual = {d.id for d in destinations if not d.polled}
    if not manual:
        return {}
    db = open_database(args.db)
    try:
        latest = {s.destination_id: s for s in read_samples(db) if s.destination_id in manual}
    finally:
        db.close()
    found: dict[int | None, Reading] = {}
    for identity in manual:
        sample = latest.get(identity or -1)
        found[identity] = (Reading(ViewerState.OFFLINE, detail="no count entered yet")
                           if sample is None else
                           Reading(sample.state, sample.viewers,
                                   f"entered at {sample.at_utc:%Y-%m-%d %H:%M} UTC"))
    return found


def _destinations(args: argparse.Namespace) -> tuple[Destination, ...]:
    db = open_database(args.db)
    try:
        stored = load_destinations(db)
    finally:
        db.close()
    for problem in stored.problems:
        print(f"note: {problem}", file=sys.stderr)
    return stored.destinations


def destination_json(destination: Destination) -> dict[str, Any]:
    return {"id": destination.id, "platform": destination.platform.value,
            "target": destination.target, "language": destination.language,
            "label": destination.label, "base_url": destination.base_url,
            "pointer": destination.pointer}


def sample_json(destination: Destination, reading: Reading) -> dict[str, Any]:
    return {"id": destination.id, "platform": destination.platform.value,
            "target": destination.target, "language": destination.language,
            "label": destination.label, "viewers": reading.viewers,
            "state": reading.state.value, "detail": reading.detail}


def _describe(destination: Destination) -> str:
    parts = [destination.platform.value, destination.target]
    if destination.language:
        parts.append(f"[{destination.language}]")
    if destination.label:
        parts.append(f"“{destination.label}”")
    if destination.base_url:
        parts.append(f"via {destination.base_url}")
    if destination.pointer:
        parts.append(f"at {destination.pointer}")
    return " ".join(parts)
