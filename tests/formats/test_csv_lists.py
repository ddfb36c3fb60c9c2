"""Several speakers (and their affiliations and languages) in one CSV cell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.formats.csv_lists import join_entries, split_entries
from console.formats.csv_schedule import parse_csv
from console.formats.located import ShowFormatError
from console.formats.schedule_build import ImportOptions
from console.models.show import Speaker, iter_segments

ENTRY = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12).map(str.strip)


@pytest.mark.parametrize(("entries", "cell"), [
    (["Ann Lee", "Bob Smith"], "Ann Lee; Bob Smith"),
    (["Smith, Jane", "Les Amis; Collectif"], "Smith, Jane; Les Amis\\; Collectif"),
    (["C:\\share"], "C:\\\\share"),
    ([None, "Acme"], "; Acme"),
    (["Acme", None, None], "Acme"),
    ([None, None], ""),
])
def test_entries_are_written_and_read_back(entries: list[str | None], cell: str) -> None:
    assert join_entries(entries) == cell
    read = split_entries(cell)
    assert read == [entry or "" for entry in entries][:len(read)]


def test_a_backslash_typed_by_hand_is_kept() -> None:
    assert split_entries("A\\B; C") == ["A\\B", "C"]
    assert split_entries("  ") == []


@given(st.lists(ENTRY, max_size=6))
def test_any_entries_come_back(entries: list[str]) -> None:
    while entries and not entries[-1]:
        entries.pop()  # trailing empty entries are not written
    assert split_entries(join_entries(entries)) == entries


def test_each_speaker_gets_their_affiliation_and_language() -> None:
    text = ("title,start,duration,language,speakers,affiliations,languages\n"
            "Panel,2026-05-01T09:00+02:00,45,de,Ann; Bob; Carl,; Acme\\; Inc; Uni,en; ; fr\n")
    show = parse_csv(text, "s.csv", ImportOptions()).show
    assert next(iter_segments(show)).speakers == (
        Speaker("Ann", "en"), Speaker("Bob", "de", "Acme; Inc"), Speaker("Carl", "fr", "Uni"))


def test_more_affiliations_than_speakers_is_refused_at_its_line() -> None:
    text = ("title,start,duration,speakers,affiliations\n"
            "Talk,2026-05-01T09:00+02:00,45,Ann,Acme; Inc\n")
    with pytest.raises(ShowFormatError, match=r"s\.csv: line 2, column 'affiliations': "
                                              r"more entries \(2\) than speakers \(1\)"):
        parse_csv(text, "s.csv", ImportOptions())
