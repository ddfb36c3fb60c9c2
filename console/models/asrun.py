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
    """Known kinds; ``AsRunEntry.kind`` is a plain string so new kinds need no migration."""

    SCENE_CHANGE = "scene_change"
    TAKE = "take"
    NOTE = "note"
    CONNECTION = "connection"
    STREAM = "stream"
    RECORD = "record"
    INTERPRETER = "interpreter"
    VIEWERS = "viewers"


class ConsoleRole(enum.StrEnum):
    STAGE = "stage"
    INTERPRETER = "interpreter"
    PRODUCER = "producer"


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
    kind: str  # an AsRunKind value, or a newer kind
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
        if not self.kind:
            raise ValueError("as-run kind must not be empty")
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
