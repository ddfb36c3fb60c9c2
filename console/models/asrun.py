"""As-run log entries: what actually happened, when, compared with the plan.

The log is the producer's record of the show, exported and shared after the
event, so an entry must never carry a secret: :class:`AsRunEntry` refuses
``details`` keys that look like one.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any


class AsRunKind(enum.StrEnum):
    """Every kind of as-run entry; the values are what the database stores."""

    # The rundown, written by the stage console.
    TAKE = "take"  # a segment went on air: planned, actual (OBS's instant), deviation
    BACK = "segment_back"
    HOLD = "segment_hold"
    RELEASE = "segment_release"
    ADD_TIME = "segment_add_time"
    SKIP = "segment_skip"
    UNSKIP = "segment_unskip"
    RESET = "segment_reset"  # the live state was started afresh
    SHOW_IMPORT = "show_import"  # a schedule replaced the show
    REHEARSAL = "rehearsal"  # rehearsal mode switched on or off
    MESSAGE = "message"  # a message to the presenter
    LOWER_THIRD = "lower_third"  # a take's lower third could not be shown
    STAGE_ROLE = "stage_role"  # a console took, lost or released the stage role
    # What OBS confirmed.
    SCENE_CHANGE = "scene_change"
    CONNECTION = "connection"
    STREAM = "stream"
    RECORD = "record"
    # Interpretation and audience.
    INTERPRETER = "interpreter"
    VIEWERS = "viewers"
    NOTE = "note"
    # Databases from before takes were stamped by OBS: a go-live, written next to
    # its take. Never written any more.
    SEGMENT_LIVE = "segment_live"


class ConsoleRole(enum.StrEnum):
    STAGE = "stage"
    INTERPRETER = "interpreter"
    PRODUCER = "producer"
    COMMAND = "command"  # the command line (an import)


# Whole words of a key ("obs_password", "obsPassword"), so "author" or "passage" pass.
_SECRET_KEY = re.compile(
    r"(^|[_\-. ])"
    r"(pass|password|passphrase|secrets?|tokens?|credentials?|api[_-]?key|stream[_-]?key|auth)"
    r"($|[_\-. ])",
    re.IGNORECASE,
)


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _find_secret_key(value: object, path: str) -> str | None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}"
            if _SECRET_KEY.search(_CAMEL_HUMP.sub("_", str(key))):
                return where
            found = _find_secret_key(item, where)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _find_secret_key(item, f"{path}[{index}]")
            if found:
                return found
    return None


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


@dataclass(frozen=True)
class AsRunEntry:
    at_utc: datetime  # when it happened; normalised to UTC
    kind: AsRunKind
    console: str  # which console instance / machine wrote it
    role: str  # a ConsoleRole value
    segment_id: str | None = None
    planned: datetime | None = None
    actual: datetime | None = None
    language: str | None = None  # the interpretation channel concerned, if any
    # JSON-serialisable; read-only after construction. Not hashed (mappings are not).
    details: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        _require_aware("at_utc", self.at_utc)
        _require_aware("planned", self.planned)
        _require_aware("actual", self.actual)
        object.__setattr__(self, "kind", AsRunKind(self.kind))  # a str of a known kind
        secret = _find_secret_key(self.details, "details")
        if secret:
            raise ValueError(f"as-run entries must not carry secrets ({secret})")
        # Fail here, at the caller, rather than later on the writer thread.
        details = json.loads(json.dumps(dict(self.details), ensure_ascii=False))
        object.__setattr__(self, "at_utc", self.at_utc.astimezone(UTC))
        object.__setattr__(self, "details", MappingProxyType(details))

    @property
    def deviation_s(self) -> float | None:
        """Seconds late (positive) or early (negative) against the plan."""
        if self.planned is None or self.actual is None:
            return None
        return (self.actual - self.planned).total_seconds()

    def details_json(self) -> str:
        return json.dumps(dict(self.details), ensure_ascii=False, sort_keys=True)
