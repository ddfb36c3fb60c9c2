"""OBS's health samples (the ``obs_stats`` table, schema v5): one row per reading.

Samples are many (one every two seconds per OBS) and go through the batched writer,
like viewer samples; ``stats`` is a JSON object (the table checks it is JSON).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

import sqlite_utils

from console.store.asrun import utc_text
from console.store.writer import BatchWriter

_INSERT = "INSERT INTO obs_stats (at_utc, obs, stats) VALUES (?, ?, ?)"


@dataclass(frozen=True)
class ObsStatsSample:
    at_utc: datetime
    obs: str  # which OBS ("main", or an --extra-obs name)
    stats: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def append_obs_stats(writer: BatchWriter, at: datetime, obs_name: str,
                     stats: Mapping[str, Any]) -> None:
    """Queue one sample on the batched writer; returns at once. ``at`` must be aware;
    ``stats`` JSON without NaN or infinities (a ValueError here, not on the writer's
    thread)."""
    if at.utcoffset() is None:
        raise ValueError("a sample's time must be timezone-aware")
    text = json.dumps(dict(stats), allow_nan=False, ensure_ascii=False, sort_keys=True)
    writer.append_row(_INSERT, (utc_text(at), obs_name, text))


def read_obs_stats(db: sqlite_utils.Database, since: datetime | None = None,
                   until: datetime | None = None, obs: str | None = None
                   ) -> list[ObsStatsSample]:
    """Samples between ``since`` and ``until`` (aware, both included), of one OBS or all,
    oldest first. A row whose stats are JSON but not an object reads as empty stats."""
    clauses: list[str] = []
    params: list[Any] = []
    for bound, clause in ((since, "at_utc >= ?"), (until, "at_utc <= ?")):
        if bound is not None:
            if bound.utcoffset() is None:
                raise ValueError("since and until must be timezone-aware")
            clauses.append(clause)
            params.append(utc_text(bound))
    if obs is not None:
        clauses.append("obs = ?")
        params.append(obs)
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    samples = []
    for at, name, text in db.execute(
            f"SELECT at_utc, obs, stats FROM obs_stats{where} ORDER BY at_utc, id",
            params).fetchall():
        stats = json.loads(text)
        samples.append(ObsStatsSample(datetime.fromisoformat(at), str(name),
                                      MappingProxyType(stats if isinstance(stats, dict)
                                                       else {})))
    return samples
