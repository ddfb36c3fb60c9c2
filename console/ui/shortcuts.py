"""Every keyboard shortcut of the console, in one place.

TAKE is the key a stage manager presses dozens of times a day, so it is one key
that works wherever the focus is in the stage window: Space, as in most
broadcast switchers' software. The show keys (Space, PgDown for the next
speaker and PgUp for back, what a presenter's clicker sends) act in the stage
window and in the presenter window only (window shortcuts), never in a dialog or
any other window the console opens. Free text fields (line edits) still receive
their spaces: Qt lets a focused text field claim printable keys before any
shortcut. Spin boxes would claim Space too, where it means nothing, so widgets
hand it back with :func:`reserve_for_shortcut`. The TAKE button itself never
takes focus, so Space can never "click the focused button" instead. Holding the
key down does not repeat a take.

On the scene list, Return and Enter take the highlighted scene as well.

STUDIO_MODE toggles OBS's studio mode (on macOS Qt maps Ctrl to Command; Cmd+M
is also "minimise" there, but an application shortcut takes precedence).

NOTE opens the note bar (a line for the as-run log) anywhere in the stage window;
CANCEL (Escape) closes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

TAKE = "Space"
TAKE_ON_LIST = ("Return", "Enter")
STUDIO_MODE = "Ctrl+M"
TAKE_NEXT = "PgDown"  # what a presenter's clicker sends for "next"
BACK = "PgUp"
NOTE = "Ctrl+N"
CANCEL = "Escape"


def window_shortcut(window: QWidget, keys: str, slot: Callable[[], Any]) -> QShortcut:
    """A shortcut active while ``window`` (a top-level window) is the active one,
    without auto-repeat."""
    return _shortcut(window, keys, slot, Qt.ShortcutContext.WindowShortcut)


def widget_shortcut(parent: QWidget, keys: str, slot: Callable[[], Any]) -> QShortcut:
    """A shortcut active only while ``parent`` has the keyboard focus."""
    return _shortcut(parent, keys, slot, Qt.ShortcutContext.WidgetShortcut)


def _shortcut(
    parent: QWidget, keys: str, slot: Callable[[], Any], context: Qt.ShortcutContext
) -> QShortcut:
    shortcut = QShortcut(QKeySequence(keys), parent)
    shortcut.setContext(context)
    # A held key must not fire a second take.
    shortcut.setAutoRepeat(False)
    shortcut.activated.connect(slot)
    return shortcut


def set_window_keys(action: QAction, keys: str) -> None:
    """Give a menu action its keys, active wherever the focus is in its window, without
    auto-repeat (the menu shows them)."""
    action.setShortcut(QKeySequence(keys))
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setAutoRepeat(False)


class _ShortcutKeyReserver(QObject):
    """Refuses a focused widget's claim on a key, so the shortcut for it fires instead."""

    def __init__(self, keys: str, parent: QWidget) -> None:
        super().__init__(parent)
        self._keys = QKeySequence(keys)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() is QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and QKeySequence(event.keyCombination()) == self._keys:
            event.ignore()  # not claimed: Qt now looks for a shortcut
            return True
        return False


def reserve_for_shortcut(widget: QWidget, keys: str) -> None:
    """Let the shortcut for ``keys`` fire even while ``widget`` (a spin box, say) has focus."""
    widget.installEventFilter(_ShortcutKeyReserver(keys, widget))
