"""Connecting widgets to psygnal model signals for exactly as long as the widget lives.

psygnal holds bound methods weakly, which covers a widget whose Python wrapper
is collected; but Qt may delete the C++ widget while Python still holds the
wrapper, and the next emission would then raise inside the model layer
("Internal C++ object already deleted"). So the connection also ends when Qt
destroys the widget.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from psygnal import SignalInstance
from PySide6.QtCore import QObject


def subscribe(owner: QObject, signal: SignalInstance, slot: Callable[..., Any]) -> None:
    """Connect ``slot`` (a method of ``owner``) to ``signal`` until ``owner`` is destroyed."""
    signal.connect(slot)
    # A weak reference: a strong one, held by owner's own connection, would keep it alive.
    method = weakref.WeakMethod(slot) if hasattr(slot, "__self__") else None

    def disconnect() -> None:
        target = method() if method is not None else slot
        if target is not None:
            signal.disconnect(target, missing_ok=True)

    owner.destroyed.connect(disconnect)
