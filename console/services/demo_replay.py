"""The demo database filled with a simulated finished show day, for the producer's review.

:func:`replay_day` dates the demo show so that its first day was yesterday (in the
show's zone, at its printed times: a day that is over whenever the replay runs, with
day two today), stores it, counts the demo's stand-in viewer destinations, and writes
that day (``demo_day.simulate_day``) through the batched writer: as-run rows signed
by the console ``demo-replay`` in the stage role, so nobody takes them for a real
show's, and viewer samples.

The rule that keeps a real record safe:

- a database whose show is not the demo is refused (the replay replaces the show);
- a database that already holds the simulated day is left as it is (replaying twice
  adds nothing: the as-run log cannot be cleaned, so it is never doubled);
- a database with a segment live is refused (someone is running the show);
- a database with takes from a real run of the show (by another console, not in
  rehearsal) is refused unless ``force``: the simulated day would sit in the same
  record as what really happened.

The live state is not touched: nothing is live afterwards, and ``conference-console
demo`` starts the demo show from its first segment as before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from console.formats.detect import CONSOLE_JSON
from console.models.asrun import AsRunKind, ConsoleRole
from console.models.errors import OperatorError
from console.models.show import Show
from console.models.show_dates import DateShift, shift_show
from console.models.viewers import Destination
from console.platforms.standin import StandIn, StandInThread
from console.services.asrun_log import AsRunLog
from console.services.demo import (
    demo_languages,
    ensure_demo_destinations,
    is_demo_show,
    stored_show,
)
from console.services.demo_day import SEED, SimulatedDay, simulate_day
from console.services.show_import import (
    ImportAuthor,
    LiveSegmentInTheWay,
    demo_show_path,
    read_schedule,
    save_imported_show,
)
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.viewers import append_sample, load_destinations

REPLAY_CONSOLE = "demo-replay"


class ReplayRefused(OperatorError):
    """The database is not one to put a simulated day in; the message says why."""


@dataclass(frozen=True)
class ReplaySummary:
    db_path: Path
    show: str
    day: date
    zone: str
    takes: int
    skipped: int
    outages: int
    samples: int
    notes: int
    entries: int
    already: bool = False  # the database held the simulated day already: nothing added

    def describe(self) -> str:
        if self.already:
            return (f"{self.db_path} already holds the simulated day ({self.takes} takes by "
                    f"{REPLAY_CONSOLE}): nothing added")
        return (f"filled {self.db_path} with a simulated show day: {self.show}, day one, "
                f"{self.day.isoformat()} ({self.zone}): {self.takes} takes, {self.skipped} "
                f"skipped, {self.outages} interpreter outage, {self.notes} operator notes, "
                f"{self.entries} as-run rows in all, {self.samples} viewer samples")


def replay_day(db_path: Path, *, now: datetime | None = None, force: bool = False,
               seed: int = SEED) -> ReplaySummary:
    """Fill ``db_path`` with the demo show's first day as it ran yesterday; see the module
    for what is refused (:class:`ReplayRefused`) and when nothing is added."""
    now = now or datetime.now(UTC)
    already = _check(db_path, force)
    if already:
        return ReplaySummary(db_path, show="", day=date.min, zone="", takes=already, skipped=0,
                             outages=0, samples=0, notes=0, entries=0, already=True)
    show = _dated_yesterday(now)
    try:
        save_imported_show(show, db_path, source=str(demo_show_path()), author=ImportAuthor(
            REPLAY_CONSOLE, ConsoleRole.STAGE, REPLAY_CONSOLE))
    except LiveSegmentInTheWay as error:
        raise ReplayRefused(str(error)) from error
    day = simulate_day(show, _stand_in_destinations(db_path, now), seed)
    _write(db_path, day)
    return _summary(db_path, show, day)


def _check(db_path: Path, force: bool) -> int:
    """How many takes of the simulated day the database holds (0: none yet), or refused."""
    stored = stored_show(db_path)
    if stored.show is not None and not is_demo_show(stored.show):
        raise ReplayRefused(f"{db_path} holds the show {stored.show.name!r}, not the demo: a "
                            "simulated day goes only into a demo database (pass --db with a "
                            "new file)")
    takes = _takes_by_console(db_path)
    if takes[REPLAY_CONSOLE]:
        return takes[REPLAY_CONSOLE]
    if stored.live_title is not None:
        raise ReplayRefused(f"{db_path}: a segment is live ({stored.live_title!r}); the "
                            "replay would re-date the show under it")
    real = {console: count for console, count in takes.items() if console != REPLAY_CONSOLE}
    if real and not force:
        listed = ", ".join(f"{count} by {console}" for console, count in sorted(real.items()))
        raise ReplayRefused(f"{db_path} already has takes from a real run of the show "
                            f"({listed}); the simulated day would sit in the same record. "
                            "Pass --db with a new file, or --force to add it anyway")
    return 0


def _takes_by_console(db_path: Path) -> Counter[str]:
    database = open_database(db_path)
    try:
        return Counter(entry.console for entry in read_asrun(database, kinds=[AsRunKind.TAKE])
                       if entry.details.get("rehearsal") is not True)
    finally:
        database.close()


def _dated_yesterday(now: datetime) -> Show:
    """The demo show, its first day yesterday in its zone, times of day as printed."""
    show = read_schedule(demo_show_path(), CONSOLE_JSON).show
    yesterday = now.astimezone(ZoneInfo(show.timezone)).date() - timedelta(days=1)
    first_day = show.stages[0].days[0].date
    return shift_show(show, DateShift((yesterday - first_day).days, timedelta(0)))


def _stand_in_destinations(db_path: Path, now: datetime) -> list[Destination]:
    """The demo's destinations (one per language on the stand-in platforms), stored as
    ``conference-console demo`` stores them, with their ids."""
    thread = StandInThread(StandIn(seed=SEED))
    thread.start()
    try:
        wanted = thread.standin.demo_destinations(demo_languages(db_path))
    finally:
        thread.stop()
    ensure_demo_destinations(db_path, wanted, now)
    keys = {(d.platform, d.target, d.base_url) for d in wanted}
    database = open_database(db_path)
    try:
        return [d for d in load_destinations(database).destinations
                if (d.platform, d.target, d.base_url) in keys]
    finally:
        database.close()


def _write(db_path: Path, day: SimulatedDay) -> None:
    writer = AsRunWriter(db_path)
    try:
        log = AsRunLog(writer, REPLAY_CONSOLE, ConsoleRole.STAGE)
        for happening in day.happenings:
            log.record(happening.kind, at=happening.at, **happening.fields)
        for sample in day.samples:
            append_sample(writer, sample, REPLAY_CONSOLE)
    finally:
        writer.close()


def _summary(db_path: Path, show: Show, day: SimulatedDay) -> ReplaySummary:
    kinds = Counter(happening.kind for happening in day.happenings)
    outages = sum(1 for h in day.happenings if h.kind is AsRunKind.INTERPRETER
                  and h.fields.get("event") == "outage_start")
    return ReplaySummary(db_path, show.name, day.day, show.timezone, kinds[AsRunKind.TAKE],
                         len(day.skipped), outages, len(day.samples), kinds[AsRunKind.NOTE],
                         len(day.happenings))

