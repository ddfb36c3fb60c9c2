"""``conference-console import``, ``show --json`` and ``export-show`` as a user runs them.

Each command runs once as a program (the first test, and the JSON export); the other
runs go through the same entry point in this process."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.formats.support import DEMOCON, FRAB_38C3, PYCONUK, database_hash, realdata
from tests.helpers.cli import call_console, console_environment, run_console


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return console_environment(tmp_path)


def _starts(outline: dict[str, object]) -> dict[str, str]:
    stages = outline["stages"]
    assert isinstance(stages, list)
    return {seg["source_id"]: seg["start"] for stage in stages for day in stage["days"]
            for session in day["sessions"] for seg in session["segments"]}


def test_import_38c3_and_show_json(tmp_path: Path, env: dict[str, str]) -> None:
    db = str(tmp_path / "show.sqlite")
    result = run_console(["import", str(realdata(FRAB_38C3)), "--db", db], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('imported "38C3": 72 stages, 219 days, ')
    assert "1007 segments" in result.stdout
    shown = run_console(["show", "--json", "--db", db], env)
    assert shown.returncode == 0, shown.stderr
    outline = json.loads(shown.stdout)
    assert outline["show"] == {"name": "38C3", "timezone": "Europe/Berlin"}
    assert len(outline["stages"]) == 72
    segment = outline["stages"][0]["days"][0]["sessions"][0]["segments"][0]
    assert set(segment) == {"id", "source_id", "title", "kind", "start", "duration_s",
                            "speakers", "language", "scene"}
    assert segment["start"] == "2024-12-27T10:30:00+01:00"
    assert segment["speakers"] == ["Gabriela Bogk", "Senficon", "Aline Blankertz"]
    assert segment["language"] == "en"
    assert segment["duration_s"] == 1800


def test_the_demo_starts_within_minutes_today_in_its_zone(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = str(tmp_path / "demo.sqlite")
    before = datetime.now(UTC)
    result = call_console(["import", "--demo", "--db", db], env)
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith('imported "Bridges 2026": 1 stage, 2 days, 8 sessions, ')
    outline = json.loads(call_console(["show", "--json", "--db", db], env).stdout)
    zone = ZoneInfo(outline["show"]["timezone"])
    days = outline["stages"][0]["days"]
    first = datetime.fromisoformat(days[0]["sessions"][0]["segments"][0]["start"])
    assert before + timedelta(minutes=3) <= first < after + timedelta(minutes=10)
    # Either clock reading's date: the import may have run across midnight in that zone.
    today = {before.astimezone(zone).date().isoformat(), after.astimezone(zone).date().isoformat()}
    assert days[0]["date"] in today
    second_day = datetime.fromisoformat(days[0]["date"]) + timedelta(days=1)
    assert days[1]["date"] == second_day.date().isoformat()
    assert f"it starts at {first.astimezone(zone):%Y-%m-%d %H:%M}" in result.stderr


def test_room_option_and_notes(tmp_path: Path, env: dict[str, str]) -> None:
    db = str(tmp_path / "show.sqlite")
    result = call_console(["import", str(realdata(DEMOCON)), "--room", "Tan Room", "--db", db],
                         env)
    assert result.returncode == 0, result.stderr
    assert "1 stage, 3 days" in result.stdout
    assert result.stderr.startswith("note: ")
    assert "--timezone" in result.stderr
    outline = json.loads(call_console(["show", "--json", "--db", db], env).stdout)
    assert [s["name"] for s in outline["stages"]] == ["Tan Room"]


def test_timezone_is_asked_for_and_a_bad_file_changes_nothing(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = tmp_path / "show.sqlite"
    assert call_console(["import", str(realdata(DEMOCON)), "--db", str(db)], env).returncode == 0
    before = database_hash(db)
    asked = call_console(["import", str(realdata(PYCONUK)), "--db", str(db)], env)
    assert asked.returncode == 2
    assert asked.stdout == ""
    assert "pyconuk2015-schedule.ics" in asked.stderr
    assert "--timezone" in asked.stderr
    unknown = call_console(["import", str(realdata(PYCONUK)), "--timezone", "Nowhere/Town",
                           "--db", str(db)], env)
    assert unknown.returncode == 2
    assert "unknown time zone 'Nowhere/Town'" in unknown.stderr
    assert database_hash(db) == before
    ok = call_console(["import", str(realdata(PYCONUK)), "--format", "ical", "--timezone",
                      "Europe/London", "--db", str(db)], env)
    assert ok.returncode == 0, ok.stderr
    assert "162 segments" in ok.stdout


@pytest.mark.parametrize("export_format", ["console-json", "csv", "ical"])
def test_export_then_import(tmp_path: Path, env: dict[str, str], export_format: str) -> None:
    db, again = str(tmp_path / "show.sqlite"), str(tmp_path / "again.sqlite")
    assert call_console(["import", str(realdata(FRAB_38C3)), "--db", db], env).returncode == 0
    exported = tmp_path / f"show.{export_format}"
    result = call_console(["export-show", "--format", export_format, "--db", db,
                          "--output", str(exported)], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    imported = call_console(["import", str(exported), "--format", export_format, "--db", again],
                           env)
    assert imported.returncode == 0, imported.stderr
    first = json.loads(call_console(["show", "--json", "--db", db], env).stdout)
    second = json.loads(call_console(["show", "--json", "--db", again], env).stdout)
    if export_format == "console-json":
        assert second == first
        stdout = run_console(["export-show", "--db", again], env)  # the program itself
        assert stdout.stdout == exported.read_text(encoding="utf-8")
    else:
        assert {k: datetime.fromisoformat(v) for k, v in _starts(second).items()} == \
            {k: datetime.fromisoformat(v) for k, v in _starts(first).items()}


def _stored(env: dict[str, str], db: str) -> dict[str, Any]:
    """The show in ``db`` as the console's own JSON, which keeps everything."""
    exported = call_console(["export-show", "--db", db], env)
    assert exported.returncode == 0, exported.stderr
    show: dict[str, Any] = json.loads(exported.stdout)
    return show


def _sessions(show: dict[str, Any]) -> list[dict[str, Any]]:
    return [session for stage in show["stages"] for day in stage["days"]
            for session in day["sessions"]]


def _rundown(show: dict[str, Any]) -> list[tuple[str, datetime, float, list[dict[str, Any]]]]:
    """Every segment's title, start (the instant), duration and speakers, in order."""
    return [(segment["title"], datetime.fromisoformat(segment["planned_start"]),
             segment["planned_duration_s"], segment["speakers"])
            for session in _sessions(show) for segment in session["segments"]]


def _export_and_import_again(tmp_path: Path, env: dict[str, str], db: str,
                             export_format: str) -> str:
    exported = tmp_path / f"export.{export_format}"
    written = call_console(["export-show", "--format", export_format, "--db", db, "--output",
                           str(exported)], env)
    assert written.returncode == 0, written.stderr
    again = str(tmp_path / f"again-{export_format}.sqlite")
    imported = call_console(["import", str(exported), "--db", again], env)
    assert imported.returncode == 0, imported.stderr
    return again


def test_the_demo_exported_as_csv_imports_back_with_its_speakers(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = str(tmp_path / "show.sqlite")
    assert call_console(["import", "--demo", "--db", db], env).returncode == 0
    first = _stored(env, db)
    second = _stored(env, _export_and_import_again(tmp_path, env, db, "csv"))
    assert second["name"] == first["name"] == "Bridges 2026"
    assert _rundown(second) == _rundown(first)
    assert [s["title"] for s in _sessions(second)] == [s["title"] for s in _sessions(first)]
    # the demo has what this is about: panels of several languages, affiliations with commas
    panels = [speakers for *_, speakers in _rundown(first)]
    assert any("," in (speaker["affiliation"] or "") for speakers in panels for speaker in speakers)
    assert any(len({speaker["language"] for speaker in speakers}) > 1 for speakers in panels)


TRICKY_SPEAKERS = [
    {"name": "Smith, Jane", "affiliation": "Acme; Inc., Ltd", "language": "en"},
    {"name": "Les Amis; Collectif", "affiliation": None, "language": "fr"},
    {"name": "Back\\slash \\; Co", "affiliation": "Uni\\versity", "language": "de"},
    {"name": "=Ann", "affiliation": "-Minus, Plus+", "language": "ar"},
]


def _tricky_show() -> dict[str, Any]:
    def segment(number: int, speakers: list[dict[str, Any]]) -> dict[str, Any]:
        return {"id": f"s{number}", "kind": "panel", "title": f"Panel {number}",
                "planned_start": f"2026-05-01T{9 + number:02d}:00:00+02:00",
                "planned_duration_s": 1800, "speakers": speakers}

    return {
        "format": "conference-console/show", "version": 1, "name": "Commas; and semicolons",
        "timezone": "Europe/Paris", "floor_language": "en", "languages": [],
        # Back to back: only what the file says can tell the two sessions apart.
        "stages": [{"name": "Main", "days": [{"date": "2026-05-01", "sessions": [
            {"title": "Morning; coffee, then talks: all welcome", "segments": [
                segment(0, TRICKY_SPEAKERS), segment(1, TRICKY_SPEAKERS[::-1]),
            ]},
            {"title": "Panels, part 2", "segments": [
                segment(2, TRICKY_SPEAKERS[1:2]), segment(3, []),
            ]},
        ]}]}],
    }


def _import_tricky_show(tmp_path: Path, env: dict[str, str]) -> str:
    source = tmp_path / "tricky.json"
    source.write_text(json.dumps(_tricky_show(), ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "show.sqlite")
    imported = call_console(["import", str(source), "--db", db], env)
    assert imported.returncode == 0, imported.stderr
    return db


def _session_outline(show: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each session's title and the titles of its segments."""
    return [(session["title"], [segment["title"] for segment in session["segments"]])
            for session in _sessions(show)]


def test_csv_keeps_speakers_with_commas_semicolons_and_affiliations(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = _import_tricky_show(tmp_path, env)
    first = _stored(env, db)
    assert _rundown(first)[0][3] == TRICKY_SPEAKERS
    second = _stored(env, _export_and_import_again(tmp_path, env, db, "csv"))
    assert second["name"] == "Commas; and semicolons"
    assert _rundown(second) == _rundown(first)
    assert _session_outline(second) == _session_outline(first)


def _ical_rundown(show: dict[str, Any]) -> list[tuple[str, str, datetime, float, list[str]]]:
    """What iCalendar keeps of each segment: its speakers only by name (see README)."""
    return [(segment["title"], segment["kind"], datetime.fromisoformat(segment["planned_start"]),
             segment["planned_duration_s"], [speaker["name"] for speaker in segment["speakers"]])
            for session in _sessions(show) for segment in session["segments"]]


def test_the_demo_exported_as_ical_imports_back_with_its_sessions(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = str(tmp_path / "show.sqlite")
    assert call_console(["import", "--demo", "--db", db], env).returncode == 0
    first = _stored(env, db)
    second = _stored(env, _export_and_import_again(tmp_path, env, db, "ical"))
    assert second["name"] == first["name"] == "Bridges 2026"
    assert second["timezone"] == first["timezone"]
    assert len(_sessions(first)) == 8
    assert _session_outline(second) == _session_outline(first)
    assert _ical_rundown(second) == _ical_rundown(first)


def test_ical_keeps_sessions_and_speakers_with_commas_and_semicolons(
    tmp_path: Path, env: dict[str, str],
) -> None:
    db = _import_tricky_show(tmp_path, env)
    first = _stored(env, db)
    second = _stored(env, _export_and_import_again(tmp_path, env, db, "ical"))
    assert second["name"] == "Commas; and semicolons"
    assert _session_outline(second) == _session_outline(first)
    assert _ical_rundown(second) == _ical_rundown(first)


def test_show_without_a_database(tmp_path: Path, env: dict[str, str]) -> None:
    result = call_console(["show", "--json", "--db", str(tmp_path / "none.sqlite")], env)
    assert result.returncode == 2
    assert "import a show first" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


HOSTILE = [
    ("year9999.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99991231T230000Z\r\n"
                     b"SUMMARY:Late\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "line 3, DTSTART: 9999-12-31T23:00:00+00:00 is outside the years 1990-2100"),
    ("weeks.ics", b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260501T090000Z\r\n"
                  b"DURATION:P99999999W\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
     "line 4, DURATION: is longer than 7 days"),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000,
     "line 1, column 65: nested deeper than 64 levels; a schedule never is"),
    ("nul.csv", b"title,start,duration\nOpen\x00ing,2026-05-01T09:00+02:00,30\n",
     "line 2, column 'title': contains the control character U+0000 at character 5; "
     "remove it"),
    ("big.csv", b'title,start,duration\nT,2026-05-01T09:00+02:00,"' + b"x" * 50_000_000 + b'"\n',
     "line 2: not a readable CSV row (field larger than field limit (131072))"),
    ("latin1.xml", b"<schedule>\n  <conference><title>Caf\xe9</title></conference>\n</schedule>",
     "line 2, column 25: not valid UTF-8 (byte 0xE9); save the file as UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE,
                         ids=[case[0] for case in HOSTILE])
def test_a_hostile_file_is_one_error_line_with_exit_2_and_changes_nothing(
    tmp_path: Path, env: dict[str, str], name: str, content: bytes, message: str,
) -> None:
    db = tmp_path / "show.sqlite"
    assert call_console(["import", "--demo", "--db", str(db)], env).returncode == 0
    before = database_hash(db)
    hostile = tmp_path / name
    hostile.write_bytes(content)
    zone = [] if name.endswith(".json") else ["--timezone", "Europe/Paris"]
    result = call_console(["import", str(hostile), *zone, "--db", str(db)], env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"error: {hostile}: {message}\n"
    assert database_hash(db) == before


def test_csv_export_neutralises_formulas_and_imports_back(
    tmp_path: Path, env: dict[str, str],
) -> None:
    source = tmp_path / "source.csv"
    source.write_text(
        "title,start,duration,speakers,show\n"
        '"=HYPERLINK(""https://evil.example"", ""Agenda"")",2026-05-01T09:00+02:00,30,'
        "@home; +Ann,=Bridges\n"
        "-1 minute,2026-05-01T09:30+02:00,30,-Bob,\n",
        encoding="utf-8")
    db, again = str(tmp_path / "show.sqlite"), str(tmp_path / "again.sqlite")
    imported = call_console(["import", str(source), "--timezone", "Europe/Berlin", "--db", db],
                           env)
    assert imported.returncode == 0, imported.stderr
    exported = tmp_path / "export.csv"
    assert call_console(["export-show", "--format", "csv", "--db", db, "--output",
                        str(exported)], env).returncode == 0
    text = exported.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert "'-1 minute" in text
    assert "'@home; +Ann" in text
    assert "'=Bridges" in text
    reimported = call_console(["import", str(exported), "--db", again], env)
    assert reimported.returncode == 0, reimported.stderr
    first = json.loads(call_console(["show", "--json", "--db", db], env).stdout)
    second = json.loads(call_console(["show", "--json", "--db", again], env).stdout)
    assert first["show"]["name"] == second["show"]["name"] == "=Bridges"
    titles = [(seg["title"], seg["speakers"]) for stage in second["stages"]
              for day in stage["days"] for session in day["sessions"]
              for seg in session["segments"]]
    assert titles == [('=HYPERLINK("https://evil.example", "Agenda")', ["@home", "+Ann"]),
                      ("-1 minute", ["-Bob"])]
