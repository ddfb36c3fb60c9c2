"""``conference-console demo`` getting its database ready: the demo show dated from now,
re-dated when it is there from an earlier day, kept while a segment of it is live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils

from console.models.live import LiveState, go_live
from console.models.show import Show, iter_segments
from console.services import demo as demo_service
from console.services.demo import ensure_demo_show
from console.services.show_import import ImportSummary, import_demo, save_imported_show
from console.store.asrun import read_asrun
from console.store.database import open_database
from console.store.live_state import save_live_state
from console.store.shows import load_show
from tests.unit.sample_show import sample_show

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
YESTERDAY = datetime(2025, 6, 1, 9, 0, tzinfo=ZONE)
TODAY = datetime(2025, 6, 2, 14, 41, tzinfo=ZONE)
WELCOME = "bridges26-d1s1-01"


@contextmanager
def database(db_path: Path) -> Iterator[sqlite_utils.Database]:
    db = open_database(db_path)
    try:
        yield db
    finally:
        db.conn.close()


def stored(db_path: Path) -> Show:
    with database(db_path) as db:
        show = load_show(db)
    assert show is not None
    return show


def imports(db_path: Path) -> int:
    with database(db_path) as db:
        return len(read_asrun(db, kinds=["show_import"]))


def go_live_in(db_path: Path) -> None:
    on_air = YESTERDAY.astimezone(UTC)
    with database(db_path) as db:
        save_live_state(db, go_live(LiveState("Main stage"), WELCOME, on_air), on_air)


def first_start(show: Show) -> datetime:
    return next(iter_segments(show)).planned_start


def test_an_empty_database_gets_the_demo_starting_soon(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite"
    said = ensure_demo_show(db_path, TODAY)
    assert said.startswith('imported "Bridges 2026": 1 stage, 2 days, 8 sessions')
    assert said.endswith("it starts at 2025-06-02 14:45 (Asia/Kuala_Lumpur)")
    assert first_start(stored(db_path)) == datetime(2025, 6, 2, 14, 45, tzinfo=ZONE)
    assert imports(db_path) == 1


def test_the_demo_from_an_earlier_day_is_dated_again_with_the_same_ids(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite"
    import_demo(db_path, now=YESTERDAY)
    yesterdays = stored(db_path)

    said = ensure_demo_show(db_path, TODAY)

    show = stored(db_path)
    assert said.startswith('imported "Bridges 2026"')
    assert [day.date for day in show.stages[0].days] == [date(2025, 6, 2), date(2025, 6, 3)]
    assert first_start(show) == datetime(2025, 6, 2, 14, 45, tzinfo=ZONE)
    assert [seg.id for seg in iter_segments(show)] == [seg.id for seg in
                                                       iter_segments(yesterdays)]
    assert imports(db_path) == 2  # the re-dating is in the as-run log, as an import


def test_the_demo_with_a_live_segment_is_kept_as_it_is(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite"
    import_demo(db_path, now=YESTERDAY)
    go_live_in(db_path)
    yesterdays = stored(db_path)

    said = ensure_demo_show(db_path, TODAY)

    assert said == (f"using the demo show in {db_path} as it is: a segment is live "
                    "('Welcome and housekeeping'), so its dates stay as they were")
    assert stored(db_path) == yesterdays
    assert imports(db_path) == 1


def test_a_take_between_the_look_and_the_import_keeps_the_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db_path = tmp_path / "demo.sqlite"
    import_demo(db_path, now=YESTERDAY)
    yesterdays = stored(db_path)

    def take_first(db_path: Path, **options: Any) -> ImportSummary:
        go_live_in(db_path)  # another console on the demo database takes, just then
        return import_demo(db_path, **options)

    monkeypatch.setattr(demo_service, "import_demo", take_first)
    said = ensure_demo_show(db_path, TODAY)

    assert said == (f"using the demo show in {db_path} as it is: a segment is live, "
                    "so its dates stay as they were")
    assert stored(db_path) == yesterdays


def test_a_show_that_is_not_the_demo_is_left_alone(tmp_path: Path) -> None:
    db_path = tmp_path / "mine.sqlite"
    save_imported_show(sample_show("Mine"), db_path)

    said = ensure_demo_show(db_path, TODAY)

    assert said == f'using the show already in {db_path}: "Mine"'
    assert stored(db_path) == sample_show("Mine")
    assert imports(db_path) == 1
