"""Which schedule format a file is in, so ``import`` can pick the importer by itself."""

from __future__ import annotations

import json
from pathlib import Path

from console.formats.console_json import FORMAT_NAME

CONSOLE_JSON = "console-json"
# Formats the console will read; only those in SUPPORTED_FORMATS have an importer yet.
KNOWN_FORMATS = (CONSOLE_JSON, "frab-xml", "schedule-json", "ical", "csv")
SUPPORTED_FORMATS = (CONSOLE_JSON,)

_BY_SUFFIX = {".xml": "frab-xml", ".ics": "ical", ".ical": "ical", ".csv": "csv"}


def detect_format(path: Path) -> str | None:
    """The format name of ``path`` (one of KNOWN_FORMATS), or None if unrecognised."""
    suffix = path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if suffix != ".json":
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        # Let the console-json reader report exactly what is wrong with the file.
        return CONSOLE_JSON
    if isinstance(data, dict) and "schedule" in data:
        return "schedule-json"  # the pretalx / frab JSON export
    if isinstance(data, dict) and data.get("format") == FORMAT_NAME:
        return CONSOLE_JSON
    return None
