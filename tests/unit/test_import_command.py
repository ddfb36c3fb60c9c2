import argparse
import importlib.util
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from console.commands import import_show
from console.commands.common import add_db_argument
from console.formats.console_json import dump_show_json, load_show_json
from console.models.show import Show
from console.models.show_dates import starting_soon
from console.services.show_import import ShowZoneNeeded, demo_show_path, read_schedule
from console.store.database import open_database
from console.store.shows import load_show
from tests.formats.support import PYCONUK, realdata
from tests.helpers.cli import run_in_process
from tests.unit.sample_show import sample_show

SUMMARY = re.compile(
    r'^imported "Bridges 2026": 1 stage, 2 days, 8 sessions, \d+ segments, \d+ speakers into '
)


def run_import(*argv: str) -> int:
    return run_in_process(import_show, *argv)


def stored_show(db_path: Path) -> Show | None:
    db = open_database(db_path)
    try:
        return load_show(db)
    finally:
        db.close()


def dated_demos(before: datetime, after: datetime) -> list[Show]:
    """The demo file re-dated from each clock reading around an import: the import read
    the clock in between, so it stored one of them."""
    demo = load_show_json(demo_show_path())
    return [starting_soon(demo, before), starting_soon(demo, after)]


def test_import_demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = tmp_path / "data" / "show.sqlite"
    before = datetime.now(UTC)
    assert run_import("--demo", "--db", str(db_path)) == 0
    after = datetime.now(UTC)
    captured = capsys.readouterr()
    assert SUMMARY.match(captured.out)
    assert captured.out.rstrip().endswith(str(db_path))
    assert stored_show(db_path) in dated_demos(before, after)
    assert captured.err.startswith("note: the demo show is dated from today: it starts at ")


def test_import_a_console_json_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "mine.json"
    source.write_text(dump_show_json(sample_show()), encoding="utf-8")
    db_path = tmp_path / "show.sqlite"
    assert run_import(str(source), "--db", str(db_path)) == 0
    assert "2 stages, 2 days, 3 sessions, 3 segments, 2 speakers" in capsys.readouterr().out
    assert stored_show(db_path) == sample_show()


@pytest.mark.parametrize(("argv", "message"), [
    (["{bad}"], r"show\.json: stages\[0\]\.days\[0\]\.date: not an ISO 8601 date"),
    (["{bad}", "--format", "frab-xml"], r"show\.json: line 1, column 1: not well-formed XML"),
    (["{bad}", "--format", "pdf"], "unknown format 'pdf'"),
    (["{bad}", "--demo"], "either FILE or --demo"),
    ([], "nothing to import"),
    (["{missing}"], "no such file"),
])
def test_errors_exit_2_with_one_line_and_leave_the_database_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str,
) -> None:
    db_path = tmp_path / "show.sqlite"
    assert run_import("--demo", "--db", str(db_path)) == 0
    capsys.readouterr()
    before = stored_show(db_path)
    assert before is not None
    bad = tmp_path / "show.json"
    bad.write_text(dump_show_json(sample_show()).replace("2026-12-05", "5.12.2026", 1), "utf-8")
    paths = {"{bad}": str(bad), "{missing}": str(tmp_path / "missing.json")}
    assert run_import(*[paths.get(a, a) for a in argv], "--db", str(db_path)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert captured.err.count("\n") == 1
    assert re.search(message, captured.err)
    assert stored_show(db_path) == before


UTC_ONLY = ("cannot tell the show's time zone: every time in it is in UTC and it names no "
            "time zone")
# Two offsets, neither of them Berlin's in May.
DISAGREEING_CSV = ("title,start,duration,timezone\n"
                   "Opening,2026-05-01T09:30+05:00,30,Europe/Berlin\n"
                   "Keynote,2026-05-01T11:30+06:00,30,\n")
DISAGREES = ("the time zone 'Europe/Berlin' disagrees with the UTC offsets of the times in "
             "the file")


def test_a_file_without_its_zone_asks_for_timezone_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    db_path = tmp_path / "show.sqlite"
    source = realdata(PYCONUK)
    assert run_import(str(source), "--db", str(db_path)) == 2
    assert capsys.readouterr().err == (
        f"error: {source}: {UTC_ONLY}; give it with --timezone (e.g. --timezone Europe/London)\n")
    assert not db_path.exists()


@pytest.mark.parametrize(("content", "reason", "advice"), [
    (None, UTC_ONLY, "give it with --timezone (e.g. --timezone Europe/London)"),
    (DISAGREEING_CSV, DISAGREES, "give the show's zone with --timezone"),
])
def test_an_undetermined_zone_is_its_own_refusal(
    tmp_path: Path, content: str | None, reason: str, advice: str,
) -> None:
    if content is None:
        source = realdata(PYCONUK)
    else:
        source = tmp_path / "talks.csv"
        source.write_text(content, encoding="utf-8")
    with pytest.raises(ShowZoneNeeded) as raised:
        read_schedule(source)
    assert raised.value.reason == reason
    assert str(raised.value).endswith(f"{reason}; {advice}")
    assert str(source) in str(raised.value)


def test_a_bad_file_does_not_create_the_database(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{", encoding="utf-8")
    db_path = tmp_path / "new" / "show.sqlite"
    assert run_import(str(bad), "--db", str(db_path)) == 2
    assert not db_path.exists()


def test_db_argument_defaults_to_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSOLE_DATA_DIR", str(tmp_path))
    parser = argparse.ArgumentParser()
    add_db_argument(parser)
    assert parser.parse_args([]).db == tmp_path / "show.sqlite"
    assert parser.parse_args(["--db", "x.sqlite"]).db == Path("x.sqlite")


@pytest.mark.skipif(
    importlib.util.find_spec("console.commands.run") is None
    or importlib.util.find_spec("console.commands.demo") is None,
    reason="console/cli.py needs console.commands.run and .demo (not written yet)",
)
def test_cli_import_demo(tmp_path: Path) -> None:
    db_path = tmp_path / "show.sqlite"
    before = datetime.now(UTC)
    result = subprocess.run(
        [sys.executable, "-m", "console", "import", "--demo", "--db", str(db_path)],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "CONSOLE_DATA_DIR": str(tmp_path / "data")},
    )
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    assert SUMMARY.match(result.stdout)
    assert stored_show(db_path) in dated_demos(before, after)
