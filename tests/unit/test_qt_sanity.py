"""Guards against a broken Qt binding: PySide6 6.12.0 aborted the interpreter after a few
thousand signal emissions (``Signal.emit`` under-counted references to ``True``). A live
show emits that many in minutes, so a binding that does this must never be installed."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

EMITS = 3000


class _Emitter(QObject):
    ticked = Signal(object, tuple)


def test_signal_emit_keeps_reference_counts(qapp: Any) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.ticked.connect(lambda value, _args: received.append(value))
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for index in range(EMITS):
        emitter.ticked.emit(index, ())
    assert len(received) == EMITS
    # A little slack for unrelated objects created meanwhile; the bug lost one per emit.
    assert abs(sys.getrefcount(True) - before_true) < 50
    assert abs(sys.getrefcount(False) - before_false) < 50
