"""``conference-console chapters``: the takes as chapters of the stream or the recording.

Reads the as-run log (takes, backs, resets; the stream's or the recording's starts
and stops as the console that ran the show recorded them) and writes a YouTube
chapter list, a CSV or a CMX 3600 EDL (``models/chapters.py`` decides the chapters,
``formats/chapter_export.py`` writes them). Exit 0: written (warnings on stderr);
1: nothing to make (no takes, no start of that output, or takes in several runs of
it: the message says what to pass); 2: bad arguments, or a database that cannot be
read.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from console.commands.common import add_db_argument, write_output
from console.formats.chapter_export import chapters_csv, chapters_edl, youtube_chapters
from console.models import chapters as model
from console.models.asrun import AsRunEntry, AsRunKind
from console.models.show import Show
from console.store.asrun import last_entry_at, read_asrun
from console.store.database import StoreError
from console.store.read_only import open_read_only
from console.store.shows import load_show

EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_ERROR = 2

OUTPUTS = {"stream": AsRunKind.STREAM, "record": AsRunKind.RECORD}
FORMATS = ("youtube", "csv", "edl")
DEFAULT_FPS = 25
MAX_FPS = 120
_READ = (AsRunKind.TAKE, AsRunKind.BACK, AsRunKind.RESET, AsRunKind.STREAM, AsRunKind.RECORD)


class BadInput(Exception):
    """An argument or a database the command cannot use (exit 2)."""


def register(subparsers: Any) -> None:  # argparse's _SubParsersAction is private
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "chapters",
        help="the takes as chapters of the stream or the recording (YouTube, CSV, EDL)",
        description="Turn the takes of the as-run log into chapters, timed from the start of "
                    "the stream (or the recording): a YouTube chapter list for the video's "
                    "description, a CSV or a CMX 3600 EDL for editors.",
    )
    parser.add_argument("--format", dest="chapter_format", choices=FORMATS, default="youtube",
                        help="what to write (default: %(default)s)")
    parser.add_argument("--from", dest="output", choices=tuple(OUTPUTS), default="stream",
                        help="time the chapters from the stream's start or the recording's "
                             "(default: %(default)s)")
    parser.add_argument("--run", type=int, metavar="N",
                        help="the N-th start of that output in the log, when the takes fall "
                             "in more than one (a restart, a second show day)")
    parser.add_argument("--fps", type=int, default=DEFAULT_FPS, metavar="N",
                        help="frames a second of the EDL's timecode, non-drop-frame "
                             "(default: %(default)s)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write to FILE (replaced whole, or left as it was on error) "
                             "instead of standard output")
    add_db_argument(parser)
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class Log:
    show: Show | None
    entries: list[AsRunEntry]
    last_at: datetime | None

    @property
    def zone(self) -> tzinfo:
        return ZoneInfo(self.show.timezone) if self.show is not None else UTC


def read_log(db_path: Path) -> Log:
    if not db_path.is_file():
        raise BadInput(f"{db_path}: no such database; pass the show's database with --db")
    try:
        database = open_read_only(db_path)
        try:
            return Log(load_show(database), read_asrun(database, kinds=_READ),
                       last_entry_at(database))
        finally:
            database.close()
    except (StoreError, ValueError) as error:
        raise BadInput(f"{db_path}: cannot read the as-run log: {error}") from error


def speakers_of(show: Show | None) -> dict[str, tuple[str, ...]]:
    if show is None:
        return {}
    return {segment.id: tuple(speaker.name for speaker in segment.speakers)
            for stage in show.stages for day in stage.days for session in day.sessions
            for segment in session.segments}


def show_day_of(log: Log) -> model.ShowDay:
    """A segment's show day (frab's events after midnight stay on theirs), else the
    date in the show's zone."""
    days: dict[str, date] = {}
    if log.show is not None:
        days = {segment.id: day.date for stage in log.show.stages for day in stage.days
                for session in day.sessions for segment in session.segments}

    def show_day(segment_id: str | None, at: datetime) -> date:
        return days.get(segment_id or "") or at.astimezone(log.zone).date()

    return show_day


def make_chapters(log: Log, output: str, run_number: int | None) -> model.ChapterList:
    """The chapters, or NothingToChapter / BadInput saying why not."""
    takes = model.takes_on_air(model.rundown_events(log.entries))
    if not takes:
        raise model.NothingToChapter("no takes in the as-run log (rehearsal takes and takes "
                                     "undone by Back do not count): nothing to make chapters of")
    consoles = model.show_consoles(log.entries)
    runs = model.output_runs(model.output_changes(log.entries, OUTPUTS[output], consoles))
    if not runs:
        raise model.NothingToChapter(_no_start(log, output, consoles))
    if run_number is not None:
        if not 1 <= run_number <= len(runs):
            raise BadInput(f"--run {run_number}: the {output} started {len(runs)} time(s) in "
                           f"the log; pass 1 to {len(runs)}")
        run = runs[run_number - 1]
    else:
        run = model.choose_run(runs, takes, log.zone, output)
    return model.build_chapters(run, takes, speakers=speakers_of(log.show),
                                show_day=show_day_of(log))


def _no_start(log: Log, output: str, consoles: set[str]) -> str:
    others = [name for name in OUTPUTS if name != output
              and model.output_runs(model.output_changes(log.entries, OUTPUTS[name], consoles))]
    hint = (f"pass --from {others[0]} to time the chapters from the {others[0]}'s start"
            if others else "neither the stream nor the recording was started (or seen "
                           "starting) while the console that ran the show was connected")
    return f"no {output} start in the as-run log: {hint}"


def warnings_about(chapters: model.ChapterList, log: Log, output: str,
                   args_format: str) -> list[str]:
    said: list[str] = []
    if chapters.run.stop is None:
        said.append(f"the {output}'s stop is not in the log, so the last chapter's end is "
                    "not known" + (" (the EDL ends it at the log's last entry)"
                                   if args_format == "edl" else ""))
    if chapters.left_out:
        stopped = chapters.run.stop.astimezone(log.zone) if chapters.run.stop else None
        said.append(f"{len(chapters.left_out)} take(s) after the {output} stopped at "
                    f"{stopped:%H:%M:%S} are in no chapter (first: "
                    f"{chapters.left_out[0].title!r})")
    return said


def render(chapters: model.ChapterList, args: argparse.Namespace,
           log: Log) -> tuple[str, list[str]]:
    listed = list(chapters.chapters)
    if args.chapter_format == "youtube":
        return youtube_chapters(listed)
    if args.chapter_format == "csv":
        return chapters_csv(listed), []
    name = log.show.name if log.show is not None else "Chapters"
    run = chapters.run
    open_end_s = (log.last_at - run.start).total_seconds() \
        if run.stop is None and log.last_at is not None else None
    return chapters_edl(listed, f"{name} — {args.output}", args.fps, open_end_s), []


def run(args: argparse.Namespace) -> int:
    try:
        if not 1 <= args.fps <= MAX_FPS:
            raise BadInput(f"--fps {args.fps}: give whole frames a second from 1 to {MAX_FPS} "
                           "(30 for 29.97 non-drop-frame timecode)")
        log = read_log(args.db)
        chapters = make_chapters(log, args.output, args.run)
        text, format_warnings = render(chapters, args, log)
        write_output(args.out, text)
    except BadInput as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except model.NothingToChapter as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_NOTHING
    except OSError as error:
        print(f"error: {args.out}: cannot write: {error.strerror or error}", file=sys.stderr)
        return EXIT_ERROR
    for warning in warnings_about(chapters, log, args.output, args.chapter_format) \
            + format_warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return EXIT_OK
