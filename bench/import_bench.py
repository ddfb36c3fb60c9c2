"""Importing the 38C3 schedule (1,007 events, 72 rooms) against a bare ElementTree parse.

Rows for bench/RESULTS.md: the console's import (parse + build the Show, and the
same with the save into a fresh temporary database) against
``xml.etree.ElementTree.parse`` of the same file, median of several runs.
"""

from __future__ import annotations

import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.medians import median_s
from console.formats.frab_xml import read_frab_xml
from console.formats.schedule_build import ImportOptions
from console.services.show_import import save_imported_show

SCHEDULE = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / \
    "eventfahrplan-38c3-schedule.xml"
RUNS = 5
TARGET_S = 1.0


def _import_and_save(folder: Path) -> None:
    imported = read_frab_xml(SCHEDULE, ImportOptions())
    database = folder / f"bench-{time.perf_counter_ns()}.sqlite"
    save_imported_show(imported.show, database)


def run_import_bench() -> list[str]:
    """Markdown rows: | what | baseline | console | ratio | target |."""
    if not SCHEDULE.is_file():
        raise FileNotFoundError(f"{SCHEDULE}: the 38C3 schedule is missing (../shared/realdata)")
    bare = median_s(lambda: ET.parse(SCHEDULE), RUNS)
    parse = median_s(lambda: read_frab_xml(SCHEDULE, ImportOptions()), RUNS)
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        saved = median_s(lambda: _import_and_save(Path(folder)), RUNS)

    def row(what: str, console_s: float) -> str:
        return (f"| {what} | {bare * 1000:.1f} ms (ElementTree.parse) | "
                f"{console_s * 1000:.1f} ms | {console_s / bare:.1f}x | "
                f"under {TARGET_S:.0f} s |")

    return [
        row("import 38C3 schedule.xml (1,007 events): parse + build Show", parse),
        row("import 38C3 schedule.xml: parse + build + save to a new database", saved),
    ]


if __name__ == "__main__":
    print("\n".join(run_import_bench()))
