"""``conference-console show``: print the stored show (``--json`` for scripts)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any
from zoneinfo import ZoneInfo

from console.commands.common import add_db_argument
from console.models.show import Segment, Show, count_show
from console.services.show_import import ShowImportError, load_stored_show

EXIT_OK = 0
EXIT_ERROR = 2


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "show",
        help="print the show stored in the console database",
        description="Print the show in the console database: a short outline, or with "
                    "--json every stage, day, session and segment.",
    )
    parser.add_argument("--json", action="store_true",
                        help="print JSON: {show: {name, timezone}, stages: [...]}")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


def segment_language(segment: Segment, show: Show) -> str:
    """The language spoken: the first speaker's, else the show's floor language."""
    return segment.speakers[0].language if segment.speakers else show.floor_language


def show_to_outline(show: Show) -> dict[str, Any]:
    zone = ZoneInfo(show.timezone)
    return {
        "show": {"name": show.name, "timezone": show.timezone},
        "stages": [{"name": stage.name, "days": [
            {"date": day.date.isoformat(), "sessions": [
                {"title": session.title, "segments": [
                    {
                        "id": segment.id,
                        "source_id": segment.source_id,
                        "title": segment.title,
                        "kind": segment.kind.value,
                        "start": segment.planned_start.astimezone(zone).isoformat(),
                        "duration_s": segment.planned_duration.total_seconds(),
                        "speakers": [s.name for s in segment.speakers],
                        "language": segment_language(segment, show),
                        "scene": segment.scene,
                    }
                    for segment in session.segments
                ]}
                for session in day.sessions
            ]}
            for day in stage.days
        ]} for stage in show.stages],
    }


def _text(show: Show) -> str:
    counts = count_show(show)
    lines = [f"{show.name} ({show.timezone}): {counts.stages} stages, {counts.days} days, "
             f"{counts.sessions} sessions, {counts.segments} segments"]
    zone = ZoneInfo(show.timezone)
    for stage in show.stages:
        lines.append(stage.name)
        for day in stage.days:
            lines.append(f"  {day.date.isoformat()}")
            for session in day.sessions:
                lines.append(f"    {session.title}")
                lines.extend(
                    f"      {segment.planned_start.astimezone(zone):%H:%M} "
                    f"{int(segment.planned_duration.total_seconds()) // 60:>4} min  "
                    f"{segment.title}"
                    for segment in session.segments
                )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    try:
        show = load_stored_show(args.db)
    except ShowImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(show_to_outline(show), ensure_ascii=False, indent=2))
    else:
        print(_text(show))
    return EXIT_OK
