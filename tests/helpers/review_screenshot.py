"""The producer's review on a virtual screen, photographed with its timeline and then with
its session summary in front.

``python -m tests.helpers.review_screenshot DB OUT_STEM`` (``DISPLAY`` an Xvfb of the size
wanted, a fresh config folder in ``CONSOLE_CONFIG_DIR``) starts the review as users do,
waits until the show and the first page of the log are read, saves ``OUT_STEM-timeline.png``
and ``OUT_STEM-sessions.png`` and prints one JSON line: the screen's available area, the
window's frame and the geometry of what a producer must see, with each table's header
sections (width given, width its text needs).
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QTableView, QWidget

from console import logs
from console.review_app import ReviewApp, ReviewOptions
from console.ui.gui_loop import run_gui_app

WATCHED = ("reviewTabs", "reviewTimeline", "sessionsTable", "logFilterBar", "logSearch",
           "logKind", "logLanguage", "logConsole", "logSegment", "logTable", "logStatus")
SETTLE_S = 0.5  # let the window finish its layout before the picture


def geometry(widget: QWidget) -> dict[str, Any]:
    top_left = widget.mapToGlobal(widget.rect().topLeft())
    return {"x": top_left.x(), "y": top_left.y(), "width": widget.width(),
            "height": widget.height(), "visible": widget.isVisible()}


def header_sections(table: QTableView) -> list[dict[str, Any]]:
    header = table.horizontalHeader()
    metrics = QFontMetrics(header.font())
    model = table.model()
    return [{"text": str(model.headerData(column, header.orientation())),
             "width": header.sectionSize(column),
             "needs": metrics.horizontalAdvance(str(model.headerData(column,
                                                                     header.orientation())))}
            for column in range(model.columnCount())]


def findings(app: ReviewApp) -> dict[str, Any]:
    window = app.window
    widgets = {}
    for name in WATCHED:
        found = window.findChild(QWidget, name)
        if found is not None:
            widgets[name] = geometry(found)
    screen = QGuiApplication.primaryScreen()
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    return {"screen": [area.x(), area.y(), area.width(), area.height()],
            "window": [frame.x(), frame.y(), frame.width(), frame.height()],
            "widgets": widgets, "log_rows": app.log_model.rowCount()}


async def photograph(app: ReviewApp, stem: Path) -> None:
    try:
        while app.review is None or app.log_model.rowCount() == 0:
            await asyncio.sleep(0.05)
        await asyncio.sleep(SETTLE_S)
        screen = QGuiApplication.primaryScreen()
        screen.grabWindow(0).save(f"{stem}-timeline.png")
        timeline = findings(app)
        app.window.tabs.setCurrentWidget(app.window.sessions_table)
        await asyncio.sleep(SETTLE_S)
        screen.grabWindow(0).save(f"{stem}-sessions.png")
        sessions = findings(app)
        print(json.dumps({
            "timeline": timeline, "sessions": sessions,
            "session_headers": header_sections(app.window.sessions_table),
            "log_headers": header_sections(app.window.log_table)}), flush=True)
    finally:
        app.window.close()


def main() -> int:
    db, stem = Path(sys.argv[1]), Path(sys.argv[2])
    logs.configure("WARNING")

    async def after_start(app: ReviewApp) -> None:
        await photograph(app, stem)

    return run_gui_app(lambda: ReviewApp(ReviewOptions(db_path=db)), after_start)


if __name__ == "__main__":
    sys.exit(main())
