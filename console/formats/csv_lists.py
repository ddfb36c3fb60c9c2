"""Several values in one CSV cell: speakers, their affiliations and their languages.

Entries are separated by ``;``, as people type them in a spreadsheet
(``Ann Lee; Bob Smith``). A ``;`` that belongs to an entry is written ``\\;``
and a backslash ``\\\\``; any other backslash is the entry's own, so names
typed by hand read as they look. Commas need nothing: the CSV quoting keeps them.

The cells of one row are matched by position: the second affiliation is the
second speaker's. An empty entry keeps its place (``; Acme`` gives the first
speaker no affiliation); entries left out at the end are empty.
"""

from __future__ import annotations

from collections.abc import Iterable

SEPARATOR = ";"
_ESCAPE = "\\"


def join_entries(entries: Iterable[str | None]) -> str:
    """One cell of ``entries``, empty ones kept in their place, none trailing."""
    cells = [(entry or "").replace(_ESCAPE, _ESCAPE * 2).replace(SEPARATOR, _ESCAPE + SEPARATOR)
             for entry in entries]
    while cells and not cells[-1]:
        cells.pop()
    return f"{SEPARATOR} ".join(cells)


def split_entries(cell: str) -> list[str]:
    """The entries of a cell, stripped, empty ones kept in their place; none for a blank cell."""
    if not cell.strip():
        return []
    entries: list[str] = []
    current: list[str] = []
    characters = iter(cell)
    for character in characters:
        if character == _ESCAPE:
            following = next(characters, "")
            escaped = following in (SEPARATOR, _ESCAPE)
            current.append(following if escaped else character + following)
        elif character == SEPARATOR:
            entries.append("".join(current).strip())
            current = []
        else:
            current.append(character)
    entries.append("".join(current).strip())
    return entries
