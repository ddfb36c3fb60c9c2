"""Which schedule format a file is in, so ``import`` can pick the importer by itself.

By suffix first (``.xml``, ``.ics``/``.ical``/``.vcs``, ``.csv``/``.tsv``); JSON
files by their content (``format`` names the console's own format, ``schedule``
or a top-level ``events`` array means schedule.json); any other file by its
first bytes (``<`` XML, ``BEGIN:VCALENDAR``, ``{`` JSON).
"""

from __future__ import annotations

from pathlib import Path

from console.formats.console_json import FORMAT_NAME
from console.formats.json_text import load_json
from console.formats.located import ShowFormatError
from console.formats.utf8 import BOM

CONSOLE_JSON = "console-json"
FRAB_XML = "frab-xml"
SCHEDULE_JSON = "schedule-json"
ICAL = "ical"
CSV = "csv"
KNOWN_FORMATS = (CONSOLE_JSON, FRAB_XML, SCHEDULE_JSON, ICAL, CSV)
SUPPORTED_FORMATS = KNOWN_FORMATS

_BY_SUFFIX = {".xml": FRAB_XML, ".ics": ICAL, ".ical": ICAL, ".ifb": ICAL, ".vcs": ICAL,
              ".csv": CSV, ".tsv": CSV}


def _json_format(path: Path) -> str | None:
    try:
        # A bad byte does not hide the format; the reader then says where it is.
        text = path.read_bytes().removeprefix(BOM).decode("utf-8", errors="replace")
    except OSError:
        return CONSOLE_JSON  # its reader reports exactly what is wrong with the file
    try:
        data = load_json(text, str(path))
    except ShowFormatError:
        # Broken JSON: the reader of the format it looks like says where.
        return CONSOLE_JSON if f'"{FORMAT_NAME}"' in text or '"schedule"' not in text \
            else SCHEDULE_JSON
    if isinstance(data, dict) and data.get("format") == FORMAT_NAME:
        return CONSOLE_JSON
    if isinstance(data, dict) and ("schedule" in data or isinstance(data.get("events"), list)):
        return SCHEDULE_JSON  # the pretalx / frab JSON export, classic or flat
    return None


def detect_format(path: Path) -> str | None:
    """The format name of ``path`` (one of KNOWN_FORMATS), or None if unrecognised."""
    suffix = path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix == ".json":
        return _json_format(path)
    try:
        with path.open("rb") as file:
            head = file.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return None
    if head.startswith(b"<"):
        return FRAB_XML
    if head.upper().startswith(b"BEGIN:VCALENDAR"):
        return ICAL
    if head.startswith(b"{"):
        return _json_format(path)
    return None
