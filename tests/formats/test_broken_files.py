"""Broken variants of the real files: each gives its clear error and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from console.formats.schedule_build import ImportOptions
from console.services.show_import import ShowImportError, import_demo, import_show_file
from tests.formats.support import DEMOCON, FRAB_38C3, PYCONUK, database_hash, realdata

Mutation = Callable[[str], str]


def _first(old: str, new: str) -> Mutation:
    return lambda text: text.replace(old, new, 1)


CASES: list[tuple[str, str, Mutation, dict[str, str], str]] = [
    ("frab truncated", FRAB_38C3, lambda t: t[: len(t) // 2], {},
     r"\.xml: line \d+, column \d+: not well-formed XML.*truncated"),
    ("frab bad date", FRAB_38C3, _first("<date>2024-12-27T10:30:00+01:00</date>",
                                        "<date>27.12.2024 10:30</date>"), {},
     r"\.xml: line 25, <event id='270fa44c-[^']+'> <date>: '27\.12\.2024 10:30' is not an ISO"),
    ("frab bad duration", FRAB_38C3, _first("<duration>00:30</duration>",
                                            "<duration>half an hour</duration>"), {},
     r"\.xml: line 27, .*<duration>: 'half an hour' is not a duration HH:MM"),
    ("frab missing duration", FRAB_38C3, _first("<duration>00:30</duration>", ""), {},
     r"\.xml: line 24, <event .*missing <duration>"),
    ("frab unknown zone", FRAB_38C3, _first("Europe/Berlin", "Europe/Atlantis"), {},
     r"\.xml: line 11, <time_zone_name>: unknown time zone 'Europe/Atlantis'"),
    ("frab entities", FRAB_38C3, _first('<?xml version="1.0" encoding="UTF-8"?>',
                                        '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aa">]>'),
     {}, r"declares XML entities"),
    ("json truncated", DEMOCON, lambda t: t[: len(t) // 2], {},
     r"\.json: line \d+, column \d+: not valid JSON"),
    ("json wrong type", DEMOCON, _first('"duration": "00:30"', '"duration": 30'), {},
     r"schedule\.conference\.days\[0\]\.rooms\[\"Gray Room\"\]\[0\]\.duration: "
     r"expected a string"),
    ("json missing field", DEMOCON, lambda t: re.sub(r'"duration": "[^"]*",', "", t, count=1),
     {}, r"rooms\[\"Gray Room\"\]\[0\]\.duration: missing"),
    ("json bad date", DEMOCON, _first('"date": "2020-12-14T09:00:00+01:00"',
                                      '"date": "2020-12-14 nine o\'clock"'), {},
     r"rooms\[\"Gray Room\"\]\[0\]\.date: .* is not an ISO 8601 date and time"),
    ("json bad day", DEMOCON, _first('"date": "2020-12-14"', '"date": "14.12.2020"'), {},
     r"schedule\.conference\.days\[0\]\.date: '14\.12\.2020' is not a date"),
    ("json unknown zone", DEMOCON, _first('"time_zone_name": "UTC"',
                                          '"time_zone_name": "Mars/Olympus"'), {},
     r"schedule\.conference\.time_zone_name: unknown time zone 'Mars/Olympus'"),
    ("ical truncated", PYCONUK, lambda t: t[: len(t) // 2], {"timezone": "Europe/London"},
     r"\.ics: line \d+: BEGIN:VEVENT is never closed \(the file looks truncated\)"),
    ("ical bad date", PYCONUK, _first("DTSTART:20150918T070000Z", "DTSTART:2015-09-18 7am"),
     {"timezone": "Europe/London"}, r"\.ics: line 7, DTSTART: '2015-09-18 7am' is not a date"),
    ("ical missing start", PYCONUK, _first("DTSTART:20150918T070000Z\r\n", ""),
     {"timezone": "Europe/London"}, r"\.ics: line 4, BEGIN:VEVENT: the event has no DTSTART"),
    ("ical no zone", PYCONUK, lambda t: t, {}, r"give it with --timezone"),
    ("ical unknown option zone", PYCONUK, lambda t: t, {"timezone": "Europe/Londn"},
     r"--timezone: unknown time zone 'Europe/Londn'"),
    ("ical unknown TZID", PYCONUK, _first("DTSTART:20150918T070000Z",
                                          "DTSTART;TZID=Middle Earth:20150918T070000"), {},
     r"line 7, DTSTART: TZID 'Middle Earth' is not an IANA time zone name.*--timezone"),
]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    db_path = tmp_path / "show.sqlite"
    import_demo(db_path)
    return db_path


@pytest.mark.parametrize(("name", "real", "mutate", "options", "message"), CASES,
                         ids=[case[0] for case in CASES])
def test_broken_file_gives_a_clear_error_and_changes_nothing(
    tmp_path: Path, database: Path, name: str, real: str, mutate: Mutation,
    options: dict[str, str], message: str,
) -> None:
    source = realdata(real)
    broken = tmp_path / source.name
    broken.write_bytes(mutate(source.read_bytes().decode("utf-8")).encode("utf-8"))
    before = database_hash(database)
    with pytest.raises(ShowImportError) as raised:
        import_show_file(broken, database, options=ImportOptions(**options))
    assert re.search(message, str(raised.value)), str(raised.value)
    assert str(broken) in str(raised.value) or str(raised.value).startswith("--")
    assert database_hash(database) == before


def test_the_real_files_replace_the_show(database: Path) -> None:
    before = database_hash(database)
    import_show_file(realdata(FRAB_38C3), database)
    assert database_hash(database) != before
