"""CSV cells that a spreadsheet would run as a formula, made harmless and restored.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip first) is a formula to Excel, LibreOffice and Google
Sheets: an exported title ``=HYPERLINK("https://evil.example", "Agenda")`` would
become a live link. The writer prefixes such a cell with ``'``, which spreadsheets
show as text (the OWASP advice); the reader removes exactly that prefix, so an
exported show imports back unchanged.

A cell that already starts with ``'`` and then a formula character gets a ``'``
too, so that a title such as ``'=x`` also comes back as it was.
"""

from __future__ import annotations

import re

_FORMULA = r"[=+\-@\t\r]"
_NEEDS_MARK = re.compile(f"'*{_FORMULA}")
_MARKED = re.compile(f"'+{_FORMULA}")


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text."""
    return f"'{cell}" if _NEEDS_MARK.match(cell) else cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise`; any other leading ``'`` is the cell's own."""
    return cell[1:] if _MARKED.match(cell) else cell
