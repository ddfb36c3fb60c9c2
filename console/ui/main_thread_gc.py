"""Python's cyclic garbage collector, run on the Qt main thread only.

The collector runs in whichever thread happens to allocate when its thresholds
are crossed. If that is a worker thread (the OBS reader, the as-run writer) and
the garbage holds a Qt object with a timer, Qt destroys it on the wrong thread
("Timers cannot be stopped from another thread") or worse. So automatic
collection is switched off and a timer on the main thread collects instead,
with the same generation thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadGarbageCollector(QObject):
    """Owns the timer; keep the instance alive for as long as the app runs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(INTERVAL_MS)

    def collect_if_due(self) -> None:
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
        gc.collect()
