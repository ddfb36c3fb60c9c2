"""``conference-console demo --replay``: the demo database filled with a simulated finished day
(yesterday), deterministic, signed as simulated, never doubled, never in a real record."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from console import cli
from console.models.asrun import AsRunEntry, AsRunKind
from console.models.live import LiveState, go_live
from console.services import demo_day
from console.services.demo_replay import REPLAY_CONSOLE, ReplayRefused, replay_day
from console.services.show_import import import_demo, save_imported_show
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.live_state import save_live_state
from console.store.shows import load_show
from console.store.viewers import load_destinations, read_samples
from tests.unit.sample_show import sample_show

ZONE = ZoneInfo("Asia/Kuala_Lumpur")
NOW = datetime(2026, 6, 2, 10, 15, tzinfo=ZONE)
DESTINATIONS = 7  # one per language: the floor and six booths


def entries(db_path: Path, *kinds: AsRunKind) -> list[AsRunEntry]:
    database = open_database(db_path)
    try:
        return read_asrun(database, kinds=kinds or None)
    finally:
        database.close()


def sample_count(db_path: Path) -> int:
    database = open_database(db_path)
    try:
        return int(database.execute("SELECT count(*) FROM viewer_sample").fetchone()[0])
    finally:
        database.close()


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_path = tmp_path_factory.mktemp("replay") / "demo.sqlite"
    summary = replay_day(db_path, now=NOW)
    assert not summary.already
    return db_path


@pytest.fixture
def replayed_copy(replayed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.sqlite"
    shutil.copy(replayed, copy)
    return copy


def test_the_day_is_the_demos_first_day_yesterday_at_its_printed_times(replayed: Path) -> None:
    database = open_database(replayed)
    try:
        show = load_show(database)
    finally:
        database.close()
    assert show is not None
    first_day = show.stages[0].days[0]
    assert first_day.date == NOW.date() - timedelta(days=1)
    welcome = first_day.sessions[0].segments[0]
    assert welcome.planned_start.astimezone(ZONE).strftime("%H:%M") == "09:00"


def test_the_takes_run_late_early_and_skip_as_a_real_day_does(replayed: Path) -> None:
    takes = entries(replayed, AsRunKind.TAKE)

    assert len(takes) == 21  # the first day's 22 segments, the film skipped
    assert {(t.console, t.role) for t in takes} == {(REPLAY_CONSOLE, "stage")}
    deviations = {t.segment_id: t.deviation_s for t in takes}
    assert deviations[demo_day.WELCOME] == 100.0
    assert deviations[demo_day.PANEL] == 200.0
    assert any(d is not None and d < -120 for d in deviations.values())  # taken early
    assert sum(1 for d in deviations.values() if d is not None and d > 180) >= 3
    assert demo_day.FILM not in deviations
    [skip] = entries(replayed, AsRunKind.SKIP)
    assert skip.segment_id == demo_day.FILM
    assert [e.kind for e in entries(replayed, AsRunKind.HOLD, AsRunKind.RELEASE)] == [
        AsRunKind.HOLD, AsRunKind.RELEASE]
    assert [e.details["seconds"] for e in entries(replayed, AsRunKind.ADD_TIME)] == [60.0, 60.0]
    assert all(take.at_utc == take.actual for take in takes)
    assert [t.at_utc for t in takes] == sorted(t.at_utc for t in takes)


def test_outputs_scene_changes_and_notes_are_there(replayed: Path) -> None:
    outputs = [(e.kind, e.details.get("active"), e.details.get("phase"))
               for e in entries(replayed, AsRunKind.STREAM, AsRunKind.RECORD)]
    assert outputs == [(AsRunKind.STREAM, True, None), (AsRunKind.RECORD, True, None),
                       (AsRunKind.STREAM, None, "reconnecting"),
                       (AsRunKind.STREAM, None, "reconnected"),
                       (AsRunKind.RECORD, False, None), (AsRunKind.STREAM, False, None)]
    changes = entries(replayed, AsRunKind.SCENE_CHANGE)
    assert len(changes) > 10
    assert {c.details["transition"] for c in changes} == {"Fade"}  # the film was skipped
    assert all(a.details["scene"] == b.details["previous"]
               for a, b in itertools.pairwise(changes))
    notes = entries(replayed, AsRunKind.NOTE)
    assert len(notes) == 4
    assert all(note.details["text"] for note in notes)


def test_one_interpreter_outage_of_forty_seconds_with_the_booths_word(replayed: Path) -> None:
    rows = entries(replayed, AsRunKind.INTERPRETER)
    outages = [(r.language, r.details["event"], r.details.get("outage_s")) for r in rows
               if r.details["event"].startswith("outage")]
    assert outages == [("fr", "outage_start", None), ("fr", "outage_end", 40.4)]
    start, end = (r.at_utc for r in rows if r.details["event"].startswith("outage"))
    french_booth = [r.details["ready"] for r in rows
                    if r.language == "fr" and r.details["event"] == "booth"
                    and start <= r.at_utc <= end + timedelta(minutes=1)]
    assert french_booth == [False, True]
    assert {r.language for r in rows if r.details["event"] == "booth"} == {
        "en", "fr", "es", "tr", "ur", "ms"}


def test_viewer_samples_every_thirty_seconds_peak_at_the_keynote(replayed: Path) -> None:
    database = open_database(replayed)
    try:
        samples = read_samples(database)
        destinations = load_destinations(database).destinations
    finally:
        database.close()
    per_destination = Counter(s.destination_id for s in samples)
    assert len(destinations) == len(per_destination) == DESTINATIONS
    assert set(per_destination.values()) == {955}  # every destination every time
    one = [s.at_utc for s in samples if s.destination_id == destinations[0].id]
    assert {b - a for a, b in itertools.pairwise(one)} == {timedelta(seconds=30)}
    [stream_start] = [e.at_utc for e in entries(replayed, AsRunKind.STREAM)
                      if e.details.get("active") is True]
    assert one[0] - stream_start < timedelta(seconds=30)
    keynote = next(t for t in entries(replayed, AsRunKind.TAKE)
                   if t.segment_id == demo_day.KEYNOTE)
    after = next(t for t in entries(replayed, AsRunKind.TAKE)
                 if t.at_utc > keynote.at_utc)
    peaks = [e for e in entries(replayed, AsRunKind.VIEWERS) if "peak" in e.details]
    top = max(peaks, key=lambda e: e.details["peak"])
    assert keynote.at_utc <= top.at_utc <= after.at_utc
    assert 4500 < top.details["peak"] < 6000


def test_the_records_pass_the_secret_check(replayed: Path) -> None:
    secret_key = re.compile(r"pass|secret|token|credential|api.?key|auth", re.IGNORECASE)
    database = open_database(replayed)
    try:
        stored = [json.loads(text) for (text,) in database.execute("SELECT details FROM asrun")]
        read_back = read_asrun(database)  # every row made an AsRunEntry again: checked
    finally:
        database.close()

    def keys(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [*value, *itertools.chain.from_iterable(keys(v) for v in value.values())]
        return []

    assert len(read_back) == len(stored)
    assert not [key for row in stored for key in keys(row) if secret_key.search(key)]


def test_a_second_replay_adds_nothing(replayed_copy: Path) -> None:
    before = (len(entries(replayed_copy)), sample_count(replayed_copy))

    summary = replay_day(replayed_copy, now=NOW + timedelta(days=3))

    assert summary.already
    assert summary.takes == 21
    assert (len(entries(replayed_copy)), sample_count(replayed_copy)) == before


def test_the_day_is_the_same_every_time() -> None:
    show = sample_show()  # any show: the demo's ids only add the scripted incidents
    first = demo_day.simulate_day(show, [])
    again = demo_day.simulate_day(show, [])

    assert first == again
    assert first != demo_day.simulate_day(show, [], seed=1)


def test_a_show_that_is_not_the_demo_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "show.sqlite"
    save_imported_show(sample_show(), db_path)

    with pytest.raises(ReplayRefused, match="holds the show 'Sample', not the demo"):
        replay_day(db_path, now=NOW)

    assert entries(db_path, AsRunKind.TAKE) == []


def test_a_demo_someone_ran_is_refused_unless_forced(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite"
    import_demo(db_path, now=NOW - timedelta(days=5))
    with AsRunWriter(db_path) as writer:
        for index, rehearsal in enumerate((True, False, False)):
            writer.append(AsRunEntry(at_utc=NOW - timedelta(days=5, minutes=index),
                                     kind=AsRunKind.TAKE, console="stage-pc", role="stage",
                                     segment_id=demo_day.WELCOME,
                                     details={"rehearsal": rehearsal}))

    with pytest.raises(ReplayRefused, match=r"takes from a real run of the show \(2 by "
                                            r"stage-pc\).*--force"):
        replay_day(db_path, now=NOW)
    assert len(entries(db_path, AsRunKind.TAKE)) == 3

    summary = replay_day(db_path, now=NOW, force=True)
    assert summary.takes == 21
    assert len(entries(db_path, AsRunKind.TAKE)) == 24


def test_a_live_segment_is_refused(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.sqlite"
    import_demo(db_path, now=NOW)
    database = open_database(db_path)
    try:
        save_live_state(database, go_live(LiveState("Main stage"), demo_day.WELCOME,
                                          NOW.astimezone(UTC)), NOW)
    finally:
        database.close()

    with pytest.raises(ReplayRefused, match="a segment is live"):
        replay_day(db_path, now=NOW)


def test_the_command_says_how_to_read_it_and_refuses_with_exit_2(
        replayed_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["demo", "--replay", "--db", str(replayed_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("already holds the simulated day (21 takes by demo-replay): "
                           "nothing added")
    assert out[1:] == ["read it with:",
                       f"  conference-console run --role producer --db {replayed_copy}",
                       f"  conference-console export-log --db {replayed_copy}",
                       f"  conference-console report --db {replayed_copy} --out day-one.pdf",
                       f"  conference-console chapters --db {replayed_copy}"]

    other = tmp_path / "other.sqlite"
    save_imported_show(sample_show(), other)
    assert cli.main(["demo", "--replay", "--db", str(other)]) == 2
    assert "not the demo" in capsys.readouterr().err
    assert cli.main(["demo", "--force", "--db", str(other)]) == 2
    assert capsys.readouterr().err == "error: --force goes with --replay\n"
    assert cli.main(["demo", "--open-review", "--db", str(other)]) == 2
    assert capsys.readouterr().err == "error: --open-review goes with --replay\n"


def test_its_chapters_open_before_the_show_and_name_every_take(
        replayed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["chapters", "--db", str(replayed)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert (len(lines), err) == (22, "")
    assert lines[0] == "0:00 Before the show"
    assert lines[1] == "11:40 Welcome and housekeeping — ريم السعدي"
