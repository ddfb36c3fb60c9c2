"""The structured log: one JSON object a line on stderr, secrets scrubbed.

End-to-end tests start the real app and read this log, so its keys
(``t``, ``level``, ``logger``, ``msg`` and any ``extra`` fields) are stable.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "[secret]"
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}
_secrets: set[str] = set()
_secrets_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Never let ``value`` reach any log line, whatever logger writes it."""
    if value:
        with _secrets_lock:
            _secrets.add(value)


def scrub(text: str) -> str:
    with _secrets_lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "t": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                entry[key] = value
        if record.exc_text:
            entry["exc"] = record.exc_text
        elif record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return scrub(json.dumps(entry, ensure_ascii=False, default=str))


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is at each record, not as it was when configured: a
    caller that swaps stderr (a test's capture, an embedding app) never leaves the log
    writing to a closed stream."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass  # always the current stderr


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    root = logging.getLogger()
    reset()
    handler: logging.Handler = (logging.StreamHandler(stream) if stream is not None
                                else _CurrentStderr())
    handler.setFormatter(JsonFormatter())  # it scrubs secrets from each finished line
    handler._console_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def reset() -> None:
    """Remove the handler :func:`configure` installed (tests, embedding)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_console_handler", False):
            root.removeHandler(handler)
