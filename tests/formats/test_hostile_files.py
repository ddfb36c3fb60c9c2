"""Hostile files: each is refused with one message naming the file, the place and the
field, and the database stays as it was."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from console.formats.schedule_build import ImportOptions
from console.services.show_import import (
    AUTO,
    ShowImportError,
    demo_show_path,
    import_demo,
    import_show_file,
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
