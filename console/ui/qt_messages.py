"""Qt's own messages go into the structured log, not loose onto stderr."""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

# Messages known to be harmless where they occur: logged at DEBUG.
HARMLESS = (
    "This plugin does not support propagateSizeHints()",  # the offscreen platform
    # A window closed (SIGTERM, Ctrl+W) while Qt still had its first expose queued: Qt
    # flushes a window it has just let go of. Nothing is lost; no paint was due.
    "QBackingStore::flush() called for ",
)

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    harmless = message.startswith(HARMLESS) and _harmless(message)
    level = logging.DEBUG if harmless else _LEVELS.get(kind, logging.INFO)
    log.log(level, message, extra={"qt_category": context.category})


def _harmless(message: str) -> bool:
    return not message.startswith("QBackingStore") or message.endswith("does not have a handle.")


def route_qt_messages_to_log() -> None:
    qInstallMessageHandler(_handle)
