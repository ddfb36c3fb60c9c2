"""Hostile files: each is refused with one message naming the file, the place and the
field, and the database stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.formats.detect import CSV
from console.formats.schedule_build import ImportedShow, ImportOptions
from console.models.errors import InvalidValue
from console.models.show import iter_segments
from console.services import show_import
from console.services.show_import import (
    AUTO,
    ShowImportError,
    demo_show_path,
    import_demo,
    import_show_file,
    read_schedule,
)
from tests.formats.support import DEMOCON, FRAB_38C3, PYCONUK, database_hash, realdata

Content = Callable[[], bytes]


@dataclass(frozen=True)
class Hostile:
    id: str
    file_name: str  # its suffix picks the importer
    content: Content
    refusal: str  # the whole message after "<file>: "
    timezone: str | None = None
    file_format: str = AUTO


def _changed(original: Callable[[], Path], old: bytes, new: bytes) -> Content:
    def content() -> bytes:
        data = original().read_bytes()
        assert old in data, f"{old!r} is not in {original().name}; the case would test nothing"
        return data.replace(old, new, 1)
    return content


def _real(name: str, old: bytes, new: bytes) -> Content:
    return _changed(lambda: realdata(name), old, new)


def _demo(old: bytes, new: bytes) -> Content:
    return _changed(demo_show_path, old, new)


def _given(data: bytes) -> Content:
    return lambda: data


CSV_HEADER = b"title,start,duration,speakers,notes\r\n"
CSV_ROW = b"Opening,2026-05-01T09:00+02:00,30,Ann,\r\n"
DEEP = b"[" * 100_000 + b"]" * 100_000
NOT_UTF8 = "not valid UTF-8 (byte 0x{:02X}); save the file as UTF-8"

UTF8_CASES = [
    Hostile("xml", "schedule.xml", _real(FRAB_38C3, b"Gabriela Bogk", b"Gabriela\xff Bogk"),
            "line 40, column 81: " + NOT_UTF8.format(0xFF)),
    Hostile("schedule-json", "schedule.json",
            _real(DEMOCON, b'"public_name": "', b'"public_name": "\xc3('),
            "line 59, column 37: " + NOT_UTF8.format(0xC3)),
    Hostile("console-json", "show.json", _demo(b"Bridges", b"Bri\xe9dges"),
            "line 4, column 15: " + NOT_UTF8.format(0xE9)),
    Hostile("csv", "schedule.csv", _given(CSV_HEADER + CSV_ROW + b"Caf\xe9,2026-05-01T10:00+02:00,"
                                                                 b"30,Bob,\r\n"),
            "line 3, column 4: " + NOT_UTF8.format(0xE9)),
    Hostile("ical", "schedule.ics",
            _real(PYCONUK, b"SUMMARY:Registration", b"SUMMARY:Caf\xc3\xa9 \xff"),
            "line 10, column 14: " + NOT_UTF8.format(0xFF), timezone="Europe/London"),
    Hostile("ical, on a folded line", "schedule.ics",
            _real(PYCONUK, b"linux\r\n -7\r\nDTSTART:20150918T070000Z",
                  b"linux\r\n -\xff7\r\nDTSTART:20150918T070000Z\r\nX-NOTE:Caf\xc3\xa9"),
            "line 6, column 3: " + NOT_UTF8.format(0xFF), timezone="Europe/London"),
]

JSON_SHAPE_CASES = [
    Hostile("nested arrays", "nested.json", _given(DEEP),
            "line 1, column 65: nested deeper than 64 levels; a schedule never is"),
    Hostile("nested in a schedule", "schedule.json", _given(b'{"schedule": ' + DEEP + b"}"),
            "line 1, column 77: nested deeper than 64 levels; a schedule never is"),
    Hostile("nested, as schedule-json", "nested.json", _given(DEEP),
            "line 1, column 65: nested deeper than 64 levels; a schedule never is",
            file_format="schedule-json"),
    Hostile("nested, as console-json", "nested.json", _given(b"\n\n  " + DEEP),
            "line 3, column 67: nested deeper than 64 levels; a schedule never is",
            file_format="console-json"),
    Hostile("huge number", "show.json",
            _demo(b'"version": 1', b'"version": 1' + b"9" * 5000),
            "line 3, column 14: a number longer than 1000 digits"),
]


EVENT_38C3 = "<event id='270fa44c-821a-577f-8ca3-33e8d4a8c2a7'>"
FRAB_DATE = b"<date>2024-12-27T10:30:00+01:00</date>"
DEMOCON_EVENT = 'schedule.conference.days[0].rooms["Gray Room"][0]'
DEMO_SEGMENT = "stages[0].days[0].sessions[0].segments[0]"
OUTSIDE = "is outside the years 1990-2100"
NINES = b"9" * 5000

RANGE_CASES = [
    Hostile("xml start in 9999", "schedule.xml",
            _real(FRAB_38C3, FRAB_DATE, b"<date>9999-12-31T23:30:00-01:00</date>"),
            f"line 25, {EVENT_38C3} <date>: 9999-12-31T23:30:00-01:00 {OUTSIDE}"),
    Hostile("xml start in 0001", "schedule.xml",
            _real(FRAB_38C3, FRAB_DATE, b"<date>0001-01-01T00:30:00+01:00</date>"),
            f"line 25, {EVENT_38C3} <date>: 0001-01-01T00:30:00+01:00 {OUTSIDE}"),
    Hostile("xml day in 9999", "schedule.xml",
            _real(FRAB_38C3, b'date="2024-12-27"', b'date="9999-12-31"'),
            f"line 22, <day date>: 9999-12-31 {OUTSIDE}"),
    Hostile("xml duration of 5000 digits", "schedule.xml",
            _real(FRAB_38C3, b"<duration>00:30</duration>",
                  b"<duration>" + NINES + b":00</duration>"),
            f"line 27, {EVENT_38C3} <duration>: is longer than 7 days"),
    Hostile("json start in 9999", "schedule.json",
            _real(DEMOCON, b'"date": "2020-12-14T09:00:00+01:00"',
                  b'"date": "9999-12-31T23:00:00-01:00"'),
            f"{DEMOCON_EVENT}.date: 9999-12-31T23:00:00-01:00 {OUTSIDE}"),
    Hostile("json day in 0001", "schedule.json",
            _real(DEMOCON, b'"date": "2020-12-14"', b'"date": "0001-01-01"'),
            f"schedule.conference.days[0].date: 0001-01-01 {OUTSIDE}"),
    Hostile("json huge duration", "schedule.json",
            _real(DEMOCON, b'"duration": "00:30"', b'"duration": "99999999999:00"'),
            f"{DEMOCON_EVENT}.duration: is longer than 7 days"),
    Hostile("json flat, ends in 2099", "flat.json",
            _given(b'{"events": [{"title": "T", "start": "2026-05-01T09:00:00+02:00", '
                   b'"end": "2099-05-01T09:00:00+02:00"}]}'),
            "events[0].end: 26663 days, 0:00:00 is outside 0 to 7 days"),
    Hostile("ical start in 9999", "schedule.ics",
            _real(PYCONUK, b"DTSTART:20150918T070000Z", b"DTSTART:99991231T230000Z"),
            f"line 7, DTSTART: 9999-12-31T23:00:00+00:00 {OUTSIDE}", timezone="Europe/London"),
    Hostile("ical local start in 0001", "schedule.ics",
            _real(PYCONUK, b"DTSTART:20150918T070000Z", b"DTSTART:00010101T000000"),
            f"line 7, DTSTART: 0001-01-01 {OUTSIDE}", timezone="Europe/London"),
    Hostile("ical DURATION:P99999999W", "schedule.ics",
            _real(PYCONUK, b"DTEND:20150918T083000Z", b"DURATION:P99999999W"),
            "line 8, DURATION: is longer than 7 days", timezone="Europe/London"),
    Hostile("ical DURATION of 5000 digits", "schedule.ics",
            _real(PYCONUK, b"DTEND:20150918T083000Z", b"DURATION:PT" + NINES + b"S"),
            "line 8, DURATION: is longer than 7 days", timezone="Europe/London"),
    Hostile("ical DTEND a month later", "schedule.ics",
            _real(PYCONUK, b"DTEND:20150918T083000Z", b"DTEND:20151018T070000Z"),
            "line 8, DTEND: 30 days, 0:00:00 is outside 0 to 7 days", timezone="Europe/London"),
    Hostile("csv start in 9999", "schedule.csv",
            _given(CSV_HEADER + b"T,9999-12-31T23:00+00:00,30,A,\r\n"),
            f"line 2, column 'start': 9999-12-31T23:00:00+00:00 {OUTSIDE}"),
    Hostile("csv date in 9999", "schedule.csv",
            _given(b"title,date,start,end\nT,9999-12-31,23:00,01:00\n"),
            f"line 2, column 'date': 9999-12-31 {OUTSIDE}"),
    Hostile("csv local start past 2100 in its zone", "schedule.csv",
            _given(b"title,start,duration\nT,2100-12-31 23:30,30\n"),
            f"line 2, start: 2100-12-31T23:30:00-05:00 {OUTSIDE}", timezone="America/New_York"),
    Hostile("csv minutes of 40 digits", "schedule.csv",
            _given(CSV_HEADER + b"T,2026-05-01T09:00+02:00," + b"9" * 40 + b",A,\r\n"),
            "line 2, column 'duration': is longer than 7 days"),
    Hostile("csv minutes of 5000 digits", "schedule.csv",
            _given(CSV_HEADER + CSV_ROW + b"T,2026-05-01T09:00+02:00," + NINES + b",A,\r\n"),
            "line 3, column 'duration': is longer than 7 days"),
    Hostile("csv superscript minutes", "schedule.csv",
            _given(CSV_HEADER + "T,2026-05-01T09:00+02:00,²,A,\r\n".encode()),
            "line 2, column 'duration': '²' is not a duration HH:MM, HH:MM:SS or whole minutes"),
    Hostile("csv end a month later", "schedule.csv",
            _given(b"title,start,end\nT,2026-05-01T09:00+02:00,2026-06-01T09:00+02:00\n"),
            "line 2, column 'end': 31 days, 0:00:00 is outside 0 to 7 days"),
    Hostile("console-json start in 9999", "show.json",
            _demo(b'"2026-12-05T09:00:00+08:00"', b'"9999-12-31T23:30:00-01:00"'),
            f"{DEMO_SEGMENT}.planned_start: 9999-12-31T23:30:00-01:00 {OUTSIDE}"),
    Hostile("console-json start in 0001", "show.json",
            _demo(b'"2026-12-05T09:00:00+08:00"', b'"0001-01-01T00:30:00+01:00"'),
            f"{DEMO_SEGMENT}.planned_start: 0001-01-01T00:30:00+01:00 {OUTSIDE}"),
    Hostile("console-json day in 9999", "show.json",
            _demo(b'"date": "2026-12-05"', b'"date": "9999-12-31"'),
            f"stages[0].days[0].date: 9999-12-31 {OUTSIDE}"),
    Hostile("console-json duration of 10^30 s", "show.json",
            _demo(b'"planned_duration_s": 300', b'"planned_duration_s": 1' + b"0" * 30),
            f"{DEMO_SEGMENT}.planned_duration_s: is longer than 7 days"),
    Hostile("console-json infinite duration", "show.json",
            _demo(b'"planned_duration_s": 300', b'"planned_duration_s": 1e400'),
            f"{DEMO_SEGMENT}.planned_duration_s: must be a finite duration"),
    Hostile("console-json warning of 10^30 s", "show.json",
            _demo(b'"warning_s": 120', b'"warning_s": 1' + b"0" * 30),
            f"{DEMO_SEGMENT}.warning_s: must be between 0 and 604800 seconds"),
]

ZONE = "unknown time zone 'Europe': give an IANA name such as Europe/Berlin (with --timezone " \
       "if the file is wrong)"

ZONE_CASES = [
    Hostile("xml", "schedule.xml", _real(FRAB_38C3, b">Europe/Berlin<", b">Europe<"),
            f"line 11, <time_zone_name>: {ZONE}"),
    Hostile("json", "schedule.json",
            _real(DEMOCON, b'"time_zone_name": "UTC"', b'"time_zone_name": "Europe"'),
            f"schedule.conference.time_zone_name: {ZONE}"),
    Hostile("ical", "schedule.ics",
            _real(PYCONUK, b"VERSION:2.0", b"VERSION:2.0\r\nX-WR-TIMEZONE:Europe"),
            f"line 3, X-WR-TIMEZONE: {ZONE}"),
    Hostile("ical TZID", "schedule.ics",
            _real(PYCONUK, b"DTSTART:20150918T070000Z", b"DTSTART;TZID=Europe:20150918T070000"),
            "line 7, DTSTART: TZID 'Europe' is not an IANA time zone name; give the zone its "
            "times are in with --timezone (e.g. --timezone Europe/Berlin)"),
    Hostile("csv", "schedule.csv",
            _given(b"title,start,duration,timezone\nT,2026-05-01 09:00,30,Europe\n"),
            f"line 2, column 'timezone': {ZONE}"),
    Hostile("console-json", "show.json", _demo(b'"Asia/Kuala_Lumpur"', b'"Europe"'),
            "timezone: unknown IANA time zone 'Europe'"),
]

def _control(code: int, at: int) -> str:
    return f"contains the control character U+{code:04X} at character {at}; remove it"


TOO_LONG = "is 1001 characters long; at most 1000 are accepted"
FRAB_TITLE = b"<title>38C3: Opening Ceremony</title>"

TEXT_CASES = [
    Hostile("xml title with DEL", "schedule.xml",
            _real(FRAB_38C3, FRAB_TITLE, b"<title>38C3: Opening&#x7f; Ceremony</title>"),
            f"line 31, {EVENT_38C3} <title>: {_control(0x7F, 14)}"),
    Hostile("xml title too long", "schedule.xml",
            _real(FRAB_38C3, FRAB_TITLE, b"<title>" + b"x" * 1001 + b"</title>"),
            f"line 31, {EVENT_38C3} <title>: {TOO_LONG}"),
    Hostile("xml person with C1 control", "schedule.xml",
            _real(FRAB_38C3, b"Gabriela Bogk", "Gabriela\u0085Bogk".encode()),
            f"line 40, {EVENT_38C3} <person>: {_control(0x85, 9)}"),
    Hostile("xml room name", "schedule.xml",
            _real(FRAB_38C3, b'name="Saal 1">', b'name="Saal&#x9b;1">'),
            f"line 23, <room name>: {_control(0x9B, 5)}"),
    Hostile("json title with NUL", "schedule.json",
            _real(DEMOCON, b'"Focused 5thgeneration hardware"', b'"Focused\\u0000"'),
            f"{DEMOCON_EVENT}.title: {_control(0, 8)}"),
    Hostile("json title with a lone surrogate", "schedule.json",
            _real(DEMOCON, b'"Focused 5thgeneration hardware"', b'"Focused\\ud800"'),
            f"{DEMOCON_EVENT}.title: {_control(0xD800, 8)}"),
    Hostile("json speaker with ESC", "schedule.json",
            _real(DEMOCON, b'"Brian Robinson"', b'"\\u001b[31mBrian"'),
            f"{DEMOCON_EVENT}.persons[0].public_name: {_control(0x1B, 1)}"),
    Hostile("json room with NUL", "schedule.json",
            _real(DEMOCON, b'"Gray Room": [', b'"Gray\\u0000Room": ['),
            f'schedule.conference.days[0].rooms["Gray\\u0000Room"]: {_control(0, 5)}'),
    Hostile("ical SUMMARY with NUL", "schedule.ics",
            _real(PYCONUK, b"SUMMARY:Registration", b"SUMMARY:Regis\x00tration"),
            f"line 10, SUMMARY: {_control(0, 6)}", timezone="Europe/London"),
    Hostile("ical LOCATION with ESC", "schedule.ics",
            _real(PYCONUK, b"LOCATION:Cafeteria", b"LOCATION:\x1b[1mCafeteria"),
            f"line 9, LOCATION: {_control(0x1B, 1)}", timezone="Europe/London"),
    Hostile("ical speaker with a tab", "schedule.ics",
            _real(PYCONUK, b"SUMMARY:Registration / Breakfast\r\n",
                  b"SUMMARY:Registration / Breakfast\r\nDESCRIPTION:Speaker: Ann\tLee\r\n"),
            f"line 11, DESCRIPTION speaker: {_control(9, 4)}", timezone="Europe/London"),
    Hostile("ical calendar name", "schedule.ics",
            _real(PYCONUK, b"X-WR-CALNAME:PyCon", b"X-WR-CALNAME:\x07PyCon"),
            f"line 1589, X-WR-CALNAME: {_control(7, 1)}", timezone="Europe/London"),
    Hostile("csv title with NUL", "schedule.csv",
            _given(CSV_HEADER + b"T\x00x,2026-05-01T09:00+02:00,30,Ann,\r\n"),
            f"line 2, column 'title': {_control(0, 2)}"),
    Hostile("csv speaker with ESC", "schedule.csv",
            _given(CSV_HEADER + b"T,2026-05-01T09:00+02:00,30,Ann; \x1b[2JBob,\r\n"),
            f"line 2, column 'speakers': {_control(0x1B, 1)}"),
    Hostile("csv notes with NUL", "schedule.csv",
            _given(CSV_HEADER + CSV_ROW + b'T,2026-05-01T10:00+02:00,30,Ann,"a\tb\r\nc\x00"\r\n'),
            f"line 3, column 'notes': {_control(0, 7)}"),
    Hostile("csv session too long", "schedule.csv",
            _given(b"title,start,duration,session\nT,2026-05-01T09:00+02:00,30," + b"s" * 1001),
            f"line 2, column 'session': {TOO_LONG}"),
    Hostile("console-json title with NUL", "show.json",
            _demo(b'"Welcome and housekeeping"', b'"Welcome\\u0000"'),
            f"{DEMO_SEGMENT}.title: {_control(0, 8)}"),
    Hostile("console-json speaker with BEL", "show.json",
            _demo('"ريم السعدي"'.encode(), b'"\\u0007Bell"'),
            f"{DEMO_SEGMENT}.speakers[0].name: {_control(7, 1)}"),
    Hostile("console-json notes with NUL", "show.json",
            _demo(b'"Remind viewers', b'"\\u0000Remind viewers'),
            f"{DEMO_SEGMENT}.notes: {_control(0, 1)}"),
    Hostile("console-json show name too long", "show.json",
            _demo(b'"Bridges 2026"', b'"' + b"x" * 1001 + b'"'),
            f"name: {TOO_LONG}"),
    Hostile("console-json stage name with C1 control", "show.json",
            _demo(b'"Main stage"', b'"Main\\u0085stage"'),
            f"stages[0].name: {_control(0x85, 5)}"),
]
MULTILINE_ROW = b'Intro,2026-05-01T10:00+02:00,30,Bob,"first\r\nsecond\r\nthird"\r\n'  # lines 3-5

CSV_ROW_CASES = [
    Hostile("a 50 MB cell", "schedule.csv",
            _given(CSV_HEADER + CSV_ROW + b'U,2026-05-01T10:00+02:00,30,Bob,"'
                   + b"x" * 50_000_000 + b'"\r\n'),
            "line 3: not a readable CSV row (field larger than field limit (131072))"),
    Hostile("a stray quote after cells over several lines", "schedule.csv",
            _given(CSV_HEADER + CSV_ROW + MULTILINE_ROW
                   + b'"Close"d,2026-05-01T11:00+02:00,30,Ann,\r\n'),
            "line 6: not a readable CSV row (',' expected after '\"')"),
    Hostile("a bad value after cells over several lines", "schedule.csv",
            _given(CSV_HEADER + CSV_ROW + MULTILINE_ROW
                   + b"Close,2026-05-01T11:00+02:00,30,\x00Ann,\r\n"),
            f"line 6, column 'speakers': {_control(0, 1)}"),
]
SHAPE_CASES = [
    Hostile("ical negative DURATION", "schedule.ics",
            _real(PYCONUK, b"DTEND:20150918T083000Z", b"DURATION:-PT1H"),
            "line 8, DURATION: a negative duration", timezone="Europe/London"),
    Hostile("xml negative duration", "schedule.xml",
            _real(FRAB_38C3, b"<duration>00:30</duration>", b"<duration>-00:30</duration>"),
            f"line 27, {EVENT_38C3} <duration>: '-00:30' is not a duration HH:MM or HH:MM:SS"),
    Hostile("csv negative minutes", "schedule.csv",
            _given(CSV_HEADER + b"T,2026-05-01T09:00+02:00,-30,A,\r\n"),
            "line 2, column 'duration': '-30' is not a duration HH:MM, HH:MM:SS or whole "
            "minutes"),
    Hostile("console-json negative duration", "show.json",
            _demo(b'"planned_duration_s": 300', b'"planned_duration_s": -300'),
            f"{DEMO_SEGMENT}.planned_duration_s: expected a number of seconds >= 0"),
    Hostile("json person that is a number", "schedule.json",
            _real(DEMOCON, b'"persons": [\n', b'"persons": [5, \n'),
            f"{DEMOCON_EVENT}.persons[0]: expected a JSON object, found a number"),
    Hostile("json room that is an array", "flat.json",
            _given(b'{"events": [{"title": "T", "start": "2026-05-01T09:00:00+02:00", '
                   b'"duration": "00:30", "room": ["Hall"]}]}'),
            "events[0].room: expected a string, found an array"),
    Hostile("console-json title that is a number", "show.json",
            _demo(b'"Welcome and housekeeping"', b"42"),
            f"{DEMO_SEGMENT}.title: expected a non-empty string"),
]

@pytest.fixture
def database(tmp_path: Path) -> Path:
    db_path = tmp_path / "show.sqlite"
    import_demo(db_path)
    return db_path


def _refusal(tmp_path: Path, database: Path, case: Hostile) -> str:
    hostile = tmp_path / case.file_name
    hostile.write_bytes(case.content())
    before = database_hash(database)
    with pytest.raises(ShowImportError) as raised:
        import_show_file(hostile, database, case.file_format,
                         ImportOptions(timezone=case.timezone))
    assert database_hash(database) == before
    prefix = f"{hostile}: "
    message = str(raised.value)
    assert message.startswith(prefix), message
    assert "\n" not in message
    return message.removeprefix(prefix)


@pytest.mark.parametrize("case", UTF8_CASES, ids=[case.id for case in UTF8_CASES])
def test_a_byte_that_is_not_utf8_is_named_by_line_and_column(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


@pytest.mark.parametrize("case", JSON_SHAPE_CASES, ids=[case.id for case in JSON_SHAPE_CASES])
def test_json_too_deep_or_with_a_huge_number_is_refused_where_it_starts(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


@pytest.mark.parametrize("case", RANGE_CASES, ids=[case.id for case in RANGE_CASES])
def test_dates_and_durations_out_of_range_are_refused_before_they_overflow(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


@pytest.mark.parametrize("case", ZONE_CASES, ids=[case.id for case in ZONE_CASES])
def test_a_zone_name_that_is_a_folder_is_an_unknown_zone(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


def test_a_zone_option_that_is_a_folder_is_an_unknown_zone(database: Path) -> None:
    before = database_hash(database)
    with pytest.raises(ShowImportError, match=r"^--timezone: unknown time zone 'Europe'"):
        import_show_file(realdata(PYCONUK), database, options=ImportOptions(timezone="Europe"))
    assert database_hash(database) == before


@pytest.mark.parametrize("case", TEXT_CASES, ids=[case.id for case in TEXT_CASES])
def test_control_characters_and_overlong_text_are_refused_naming_the_field(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


@pytest.mark.parametrize("case", SHAPE_CASES, ids=[case.id for case in SHAPE_CASES])
def test_negative_durations_and_values_of_the_wrong_type_are_refused_at_their_place(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


@pytest.mark.parametrize("case", CSV_ROW_CASES, ids=[case.id for case in CSV_ROW_CASES])
def test_a_csv_row_that_cannot_be_read_is_refused_at_the_line_it_starts_on(
    tmp_path: Path, database: Path, case: Hostile,
) -> None:
    assert _refusal(tmp_path, database, case) == case.refusal


def test_notes_keep_their_tabs_and_line_breaks(tmp_path: Path) -> None:
    notes = "Cue:\tlights down\r\nthen the video"
    csv_file = tmp_path / "notes.csv"
    csv_file.write_text(f'title,start,duration,notes\r\nT,2026-05-01T09:00+02:00,30,"{notes}"\r\n',
                        encoding="utf-8", newline="")
    from_csv = read_schedule(csv_file, options=ImportOptions(timezone="Europe/Paris")).show
    assert next(iter_segments(from_csv)).notes == notes
    show_file = tmp_path / "show.json"
    show_file.write_bytes(_demo(b'"Remind viewers', b'"Cue:\\tlights down\\nRemind viewers')())
    segment = next(iter_segments(read_schedule(show_file).show))
    assert segment.notes.startswith("Cue:\tlights down\nRemind viewers")


@pytest.mark.parametrize("charset", ["idna", "punycode", "undefined", "base64", "utf-8\\x00"])
def test_a_charset_that_cannot_decode_text_reads_as_utf8(tmp_path: Path, charset: str) -> None:
    calendar = tmp_path / "legacy.vcs"
    calendar.write_bytes(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260501T090000Z\r\n"
        b"SUMMARY;ENCODING=QUOTED-PRINTABLE;CHARSET=" + charset.encode().replace(b"\\x00", b"\x00")
        + b":Caf=C3=A9\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    show = read_schedule(calendar, options=ImportOptions(timezone="Europe/Paris")).show
    assert [segment.title for segment in iter_segments(show)] == ["Café"]


def test_a_value_check_no_reader_placed_still_names_the_file_and_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unplaced(_path: Path, _options: ImportOptions) -> ImportedShow:
        raise InvalidValue("title", "is odd")

    monkeypatch.setitem(show_import._READERS, CSV, unplaced)
    schedule = tmp_path / "schedule.csv"
    schedule.write_bytes(CSV_HEADER + CSV_ROW)
    with pytest.raises(ShowImportError) as raised:
        read_schedule(schedule)
    assert str(raised.value) == f"{schedule}: title: is odd"
