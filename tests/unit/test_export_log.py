"""``conference-console export-log``: a small known log, field by field, in CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from console.cli import build_parser
from console.commands import export_log
from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.services.asrun_export import EXPORT_KEYS
from console.store.asrun import insert_entry
from console.store.database import MIGRATIONS, write_transaction
from console.store.shows import save_show
from tests.helpers.cli import run_in_process
from tests.helpers.mounts import private_tmpfs, remount_read_only
from tests.unit.sample_show import sample_show

T0 = datetime(2026, 12, 5, 6, 0, 30, 250000, tzinfo=UTC)  # 09:00:30.25 in Istanbul (+03:00)

KNOWN = [
    AsRunEntry(at_utc=T0, kind=AsRunKind.TAKE, console="stage-1", role=ConsoleRole.STAGE,
               segment_id="Sample-talk", planned=T0 - timedelta(seconds=30.25), actual=T0,
               details={"scene": "Speaker", "speaker": "ليلى حداد"}),
    AsRunEntry(at_utc=T0 + timedelta(minutes=1), kind=AsRunKind.INTERPRETER,
               console="booth-ur", role=ConsoleRole.INTERPRETER, language="ur",
               details={"state": "silent", "for_s": 12}),
    AsRunEntry(at_utc=T0 + timedelta(minutes=2), kind=AsRunKind.NOTE, console="stage-1",
               role=ConsoleRole.STAGE, segment_id="-1+1",
               details={"text": '=HYPERLINK("https://evil.example","x")'}),
]


def run_export(*argv: str) -> int:
    return run_in_process(export_log, *argv)


@pytest.fixture
def show_log(db_path: Path, db: sqlite_utils.Database) -> Path:
    save_show(db, sample_show())
    with write_transaction(db):
        for entry in KNOWN:
            insert_entry(db, entry)
    return db_path


def exported_json(capsys: pytest.CaptureFixture[str], *argv: str) -> list[dict[str, Any]]:
    assert run_export("--format", "json", *argv) == 0
    out = capsys.readouterr()
    assert out.err == ""
    rows: list[dict[str, Any]] = json.loads(out.out)
    return rows


def test_json_has_every_key_of_every_entry(
    show_log: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    take, outage, note = exported_json(capsys, "--db", str(show_log))
    assert list(take) == list(EXPORT_KEYS)
    assert take == {
        "id": 1, "ts": "2026-12-05T06:00:30.250000+00:00",
        "ts_local": "2026-12-05T09:00:30.250000+03:00", "kind": "take",
        "segment_id": "Sample-talk", "planned": "2026-12-05T06:00:00.000000+00:00",
        "actual": "2026-12-05T06:00:30.250000+00:00", "deviation_s": 30.25,
        "language": None, "console": "stage-1", "role": "stage",
        "details": {"scene": "Speaker", "speaker": "ليلى حداد"},
    }
    assert outage == {
        "id": 2, "ts": "2026-12-05T06:01:30.250000+00:00",
        "ts_local": "2026-12-05T09:01:30.250000+03:00", "kind": "interpreter",
        "segment_id": None, "planned": None, "actual": None, "deviation_s": None,
        "language": "ur", "console": "booth-ur", "role": "interpreter",
        "details": {"state": "silent", "for_s": 12},
    }
    assert note["details"] == {"text": '=HYPERLINK("https://evil.example","x")'}
    assert note["segment_id"] == "-1+1"


def test_csv_has_the_same_fields_with_formulas_made_harmless(
    show_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "log.csv"
    assert run_export("--format", "csv", "--out", str(out), "--db", str(show_log)) == 0
    assert capsys.readouterr() == ("", "")
    with out.open(encoding="utf-8", newline="") as file:
        header, take, outage, note = list(csv.reader(file))
    assert header == list(EXPORT_KEYS)
    assert take == ["1", "2026-12-05T06:00:30.250000+00:00", "2026-12-05T09:00:30.250000+03:00",
                    "take", "Sample-talk", "2026-12-05T06:00:00.000000+00:00",
                    "2026-12-05T06:00:30.250000+00:00", "30.25", "", "stage-1", "stage",
                    '{"scene": "Speaker", "speaker": "ليلى حداد"}']
    assert outage[7:10] == ["", "ur", "booth-ur"]
    assert json.loads(outage[11]) == {"state": "silent", "for_s": 12}
    assert note[4] == "'-1+1"  # a spreadsheet would compute -1+1
    assert json.loads(note[11]) == {"text": '=HYPERLINK("https://evil.example","x")'}
    assert out.read_bytes().count(b"\r\n") == 4


def test_a_negative_deviation_stays_a_number_in_csv(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str],
) -> None:
    with write_transaction(db):
        insert_entry(db, AsRunEntry(at_utc=T0, kind=AsRunKind.TAKE, console="c", role="stage",
                                    planned=T0 + timedelta(seconds=2.5), actual=T0))
    assert run_export("--format", "csv", "--db", str(db_path)) == 0
    [_, take] = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert take[7] == "-2.5"


@pytest.mark.parametrize(("argv", "kinds"), [
    (["--kind", "take", "--kind", "note"], ["take", "note"]),
    (["--language", "ur"], ["interpreter"]),
    (["--console", "stage-1"], ["take", "note"]),
    (["--segment", "Sample-talk"], ["take"]),
    (["--since", "2026-12-05T09:01:30.25"], ["interpreter", "note"]),  # show-local
    (["--since", "2026-12-05T06:01:30.25+00:00", "--until", "2026-12-05T09:02:30.25"],
     ["interpreter"]),
    (["--kind", "segment_skip"], []),
])
def test_filters_pick_the_rows(show_log: Path, capsys: pytest.CaptureFixture[str],
                               argv: list[str], kinds: list[str]) -> None:
    rows = exported_json(capsys, "--db", str(show_log), *argv)
    assert [row["kind"] for row in rows] == kinds


def test_without_a_show_local_times_are_utc(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str],
) -> None:
    with write_transaction(db):
        insert_entry(db, KNOWN[0])
    [row] = exported_json(capsys, "--db", str(db_path))
    assert row["ts_local"] == row["ts"] == "2026-12-05T06:00:30.250000+00:00"


def test_a_log_longer_than_a_page_streams_whole_and_in_order(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str],
) -> None:
    with write_transaction(db):
        for index in range(2500):
            insert_entry(db, AsRunEntry(at_utc=T0 + timedelta(seconds=index % 1300),
                                        kind=AsRunKind.NOTE, console="c", role="stage",
                                        details={"i": index}))
    rows = exported_json(capsys, "--db", str(db_path))
    assert len(rows) == 2500
    assert [(row["ts"], row["id"]) for row in rows] == sorted((row["ts"], row["id"])
                                                             for row in rows)


def test_an_empty_log_is_an_empty_array_and_a_header(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str],
) -> None:
    assert exported_json(capsys, "--db", str(db_path)) == []
    assert run_export("--format", "csv", "--db", str(db_path)) == 0
    assert capsys.readouterr().out == ",".join(EXPORT_KEYS) + "\r\n"


def test_unreadable_values_are_exported_empty_and_named_on_stderr(
    db_path: Path, db: sqlite_utils.Database, capsys: pytest.CaptureFixture[str],
) -> None:
    with write_transaction(db):
        db.execute("INSERT INTO asrun (at_utc, kind, console, role, planned, details) "
                   "VALUES ('noon', 'note', 'c', 'stage', 'soon', '[]')")
    assert run_export("--format", "json", "--db", str(db_path)) == 0
    out = capsys.readouterr()
    [row] = json.loads(out.out)
    assert (row["ts"], row["ts_local"], row["planned"], row["details"]) == ("noon", None,
                                                                              None, {})
    assert out.err == ("note: 1 rows had values that could not be read, exported as empty: "
                       "ids 1\n")


@pytest.mark.parametrize(("argv", "flag"), [
    (["--since", "yesterday"], "--since 'yesterday'"),
    (["--until", "2026-13-01"], "--until '2026-13-01'"),
    (["--language", "fr\x1b"], "--language"),
    (["--kind", "take\n"], "--kind"),
    (["--console", "a\x00"], "--console"),
])
def test_a_refused_flag_is_named_and_nothing_is_written(
    show_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    argv: list[str], flag: str,
) -> None:
    out = tmp_path / "log.json"
    assert run_export("--format", "json", "--out", str(out), "--db", str(show_log), *argv) == 2
    assert capsys.readouterr().err.startswith(f"error: {flag}")
    assert not [path for path in tmp_path.iterdir() if "log.json" in path.name]


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "no such database file"),
    (lambda p: p.write_bytes(b"x" * 4096), "not a console database"),
    (lambda p: sqlite3.connect(p).execute(
        f"PRAGMA user_version = {len(MIGRATIONS) + 1}").connection.close(), "newer than"),
])
def test_a_database_that_cannot_be_read_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Any, message: str,
) -> None:
    path = tmp_path / "other.db"
    make(path)
    assert run_export("--format", "csv", "--db", str(path)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --db {path}: ")
    assert message in err


def test_an_out_path_in_a_missing_folder_exits_2_naming_it(
    show_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "no" / "such" / "log.csv"
    assert run_export("--format", "csv", "--out", str(out), "--db", str(show_log)) == 2
    assert capsys.readouterr().err.startswith(f"error: --out {out}: cannot write: ")
    assert not (tmp_path / "no").exists()


def test_an_out_path_in_a_read_only_folder_exits_2_naming_it(
    show_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    with private_tmpfs(tmp_path / "stick", "1m", "made read-only") as folder:
        remount_read_only(folder)
        out = folder / "log.json"
        assert run_export("--format", "json", "--out", str(out), "--db", str(show_log)) == 2
        assert capsys.readouterr().err.startswith(f"error: --out {out}: cannot write: ")
        assert list(folder.iterdir()) == []


def test_an_export_that_fills_the_disk_leaves_the_previous_file_whole(
    db_path: Path, db: sqlite_utils.Database, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with write_transaction(db):
        for index in range(3000):
            insert_entry(db, AsRunEntry(at_utc=T0 + timedelta(seconds=index), kind="note",
                                        console="c", role="stage", details={"x": "y" * 100}))
    with private_tmpfs(tmp_path / "small", "128k", "filled by the export") as folder:
        out = folder / "log.json"
        out.write_text("the previous export\n", encoding="utf-8")
        assert run_export("--format", "json", "--out", str(out), "--db", str(db_path)) == 2
        assert "No space left" in capsys.readouterr().err
        assert list(folder.iterdir()) == [out]
        assert out.read_text(encoding="utf-8") == "the previous export\n"


def test_the_command_line_knows_export_log() -> None:
    parser, commands = build_parser()
    assert "export-log" in commands
    args = parser.parse_args(["export-log", "--format", "csv"])
    assert args.handler is export_log.run
