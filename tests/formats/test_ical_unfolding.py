"""iCalendar lines folded inside a UTF-8 character, as exporters folding at 75 bytes write them."""

from __future__ import annotations

import pytest

from console.formats.ical import parse_ical
from console.formats.located import ShowFormatError
from console.formats.schedule_build import ImportOptions
from console.models.show import iter_segments

TITLES = ("Déjeuner", "استراحة الغداء", "🎤 Keynote")


def _folded_inside_a_character(name: bytes, value: str, newline: bytes) -> bytes:
    """``NAME:VALUE`` folded after the first byte of the first character that has several."""
    encoded = value.encode("utf-8")
    cut = next(index for index, byte in enumerate(encoded) if byte >= 0xC0) + 1
    assert encoded[cut] & 0xC0 == 0x80  # the fold splits a character
    return name + b":" + encoded[:cut] + newline + b" " + encoded[cut:]


def _calendar(events: list[list[bytes]], newline: bytes = b"\r\n") -> bytes:
    lines = [b"BEGIN:VCALENDAR", b"VERSION:2.0", b"X-WR-TIMEZONE:Europe/Paris"]
    for number, event in enumerate(events):
        lines += [b"BEGIN:VEVENT", b"UID:event-%d" % number,
                  b"DTSTART:20260501T%02d0000Z" % (8 + number),
                  b"DTEND:20260501T%02d3000Z" % (8 + number), *event, b"END:VEVENT"]
    lines.append(b"END:VCALENDAR")
    return b"".join(line + newline for line in lines)


@pytest.mark.parametrize("newline", [b"\r\n", b"\n"], ids=["CRLF", "LF"])
def test_a_fold_inside_a_character_is_undone_before_decoding(newline: bytes) -> None:
    data = _calendar([[_folded_inside_a_character(b"SUMMARY", title, newline)]
                      for title in TITLES], newline)
    imported = parse_ical(data, "folded.ics", ImportOptions())
    assert [segment.title for segment in iter_segments(imported.show)] == list(TITLES)
    assert imported.notes == ()  # read as UTF-8, not guessed as Windows-1252


def test_a_fold_inside_a_location_with_a_tab() -> None:
    location = _folded_inside_a_character(b"LOCATION", "Salle Érasme", b"\r\n")
    data = _calendar([[b"SUMMARY:Talk", location.replace(b"\r\n ", b"\r\n\t")]])
    show = parse_ical(data, "folded.ics", ImportOptions()).show
    assert [stage.name for stage in show.stages] == ["Salle Érasme"]


def test_an_error_names_the_physical_line_a_logical_line_starts_on() -> None:
    folded = _folded_inside_a_character(b"SUMMARY", "Déjeuner", b"\r\n")
    data = _calendar([[folded], [b"DESCRIPTION:a long", b" description", b"NOT A CONTENT LINE"]])
    # Lines 1-3 the calendar, 4-10 the first event (its SUMMARY on lines 8 and 9), 11-14
    # the second event's BEGIN, UID, DTSTART, DTEND, 15-16 its DESCRIPTION.
    with pytest.raises(ShowFormatError) as raised:
        parse_ical(data, "folded.ics", ImportOptions())
    assert str(raised.value) == ("folded.ics: line 17: not an iCalendar content line "
                                 "(NAME:VALUE): 'NOT A CONTENT LINE'")


def test_a_file_without_any_utf8_is_read_as_windows_1252_with_a_note() -> None:
    data = _calendar([[b"SUMMARY:Caf\xe9 cr\xe8me"]])
    imported = parse_ical(data, "legacy.vcs", ImportOptions())
    assert [segment.title for segment in iter_segments(imported.show)] == ["Café crème"]
    assert imported.notes == ("legacy.vcs: not UTF-8 (line 8, column 12 is not); "
                              "read as Windows-1252",)
