import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from console.formats.console_json import (
    dump_show_json,
    load_show_json,
    parse_show_json,
    show_to_dict,
)
from console.formats.located import ShowFormatError
from console.services.show_import import demo_show_path
from tests.unit.sample_show import sample_show

SEGMENT = "stages[0].days[1].sessions[2].segments[0]"


def test_sample_show_round_trips_through_json() -> None:
    show = sample_show()
    assert parse_show_json(dump_show_json(show)) == show


def test_demo_file_is_canonical() -> None:
    text = demo_show_path().read_text(encoding="utf-8")
    assert dump_show_json(load_show_json(demo_show_path())) == text


def _segment(data: dict[str, Any]) -> dict[str, Any]:
    segment: dict[str, Any] = data["stages"][0]["days"][1]["sessions"][2]["segments"][0]
    return segment


Change = Callable[[dict[str, Any]], None]


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: object) -> Change:
    def change(data: dict[str, Any]) -> None:
        path(data)[key] = value
    return change


def _delete(key: str) -> Change:
    def change(data: dict[str, Any]) -> None:
        del _segment(data)[key]
    return change


def _duplicate_id(data: dict[str, Any]) -> None:
    _segment(data)["id"] = data["stages"][0]["days"][0]["sessions"][0]["segments"][0]["id"]


@pytest.mark.parametrize(("change", "expected"), [
    (_set(_segment, "planned_start", "2026-12-06T13:45:00"),
     f"show.json: {SEGMENT}.planned_start: not an ISO 8601 datetime with offset"),
    (_set(_segment, "planned_start", "after lunch"),
     f"show.json: {SEGMENT}.planned_start: not an ISO 8601 datetime with offset"),
    (_set(_segment, "hardstart", True), f"show.json: {SEGMENT}.hardstart: unknown field"),
    (_delete("title"), f"show.json: {SEGMENT}.title: missing"),
    (_set(_segment, "kind", "keynote"), f"show.json: {SEGMENT}.kind: expected one of talk,"),
    (_set(_segment, "planned_duration_s", "20 min"),
     f"show.json: {SEGMENT}.planned_duration_s: expected a number of seconds"),
    (_set(_segment, "danger_s", 9999), f"show.json: {SEGMENT}: thresholds must satisfy"),
    (_set(_segment, "speakers", [{"name": "X", "language": 3}]),
     f"show.json: {SEGMENT}.speakers[0].language: expected a language code"),
    (_duplicate_id, f"show.json: {SEGMENT}.id: 'bridges26-d1s1-01' is already used at "
                    "stages[0].days[0].sessions[0].segments[0]"),
    (_set(lambda d: d["stages"][0]["days"][0], "date", "05/12/2026"),
     "show.json: stages[0].days[0].date: not an ISO 8601 date"),
    (_set(lambda d: d, "timezone", "Mars/Olympus_Mons"),
     "show.json: timezone: unknown IANA time zone 'Mars/Olympus_Mons'"),
    (_set(lambda d: d, "version", 99), "show.json: version: unsupported version"),
    (_set(lambda d: d, "languages", ["en", "ar"]),
     "show.json: the floor language is not an interpretation language"),
])
def test_errors_name_the_file_and_the_json_path(
    change: Change, expected: str,
) -> None:
    data = show_to_dict(load_show_json(demo_show_path()))
    change(data)
    with pytest.raises(ShowFormatError) as caught:
        parse_show_json(json.dumps(data, ensure_ascii=False), "show.json")
    assert str(caught.value).startswith(expected)


def test_invalid_json_and_missing_file_are_reported_with_the_file(tmp_path: Path) -> None:
    with pytest.raises(ShowFormatError,
                       match=r"^show\.json: line 1, column 2: not valid JSON \(Expecting"):
        parse_show_json("{nope", "show.json")
    missing = tmp_path / "missing.json"
    with pytest.raises(ShowFormatError, match=r"missing\.json: cannot read the file"):
        load_show_json(missing)
