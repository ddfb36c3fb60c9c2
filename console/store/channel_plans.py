"""The show's interpretation channel plan, saved as one JSON row.

A plan that cannot be read (an old or hand-edited database) never stops the console:
:func:`load_channel_plan` answers None with why, and the caller uses the default plan
for the show's languages.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from console.models.channels import ChannelConfig, ChannelPlan, ReadinessPolicy
from console.models.errors import InvalidValue
from console.models.limits import MAX_NAME, check_seconds, check_text
from console.store.database import StoreError, database_file, write_transaction


@dataclass(frozen=True)
class StoredPlan:
    plan: ChannelPlan | None
    problem: str | None = None  # why a stored plan was not used


def plan_to_json(plan: ChannelPlan) -> str:
    return json.dumps({
        "silent_after_s": plan.silent_after_s, "readiness": plan.readiness.value,
        "channels": [{
            "language": c.language, "obs": c.obs, "input": c.input, "tracks": list(c.tracks),
            "destination": c.destination, "floor": c.floor, "covers": list(c.covers),
            "pivot": c.pivot} for c in plan.channels],
    })


def plan_from_json(text: str) -> ChannelPlan:
    """The plan in ``text``; :class:`InvalidValue` naming the JSON path otherwise."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise InvalidValue("$", "is not JSON") from None
    if not isinstance(document, dict) or not isinstance(document.get("channels"), list):
        raise InvalidValue("$.channels", "must be a list")
    try:
        readiness = ReadinessPolicy(document.get("readiness", ReadinessPolicy.WARN.value))
    except ValueError:
        raise InvalidValue("$.readiness", "must be 'warn' or 'require'") from None
    silent = check_seconds(document.get("silent_after_s", 5.0), "$.silent_after_s",
                           low=1, high=600)
    return ChannelPlan(tuple(_channel(item, f"$.channels[{index}]")
                             for index, item in enumerate(document["channels"])),
                       silent_after_s=silent, readiness=readiness)


def _channel(item: Any, where: str) -> ChannelConfig:
    if not isinstance(item, dict):
        raise InvalidValue(where, "must be an object")
    tracks, covers = item.get("tracks"), item.get("covers", [])
    if not isinstance(tracks, list) or not all(isinstance(t, int) and not isinstance(t, bool)
                                               for t in tracks):
        raise InvalidValue(f"{where}.tracks", "must be a list of track numbers")
    if not isinstance(covers, list):
        raise InvalidValue(f"{where}.covers", "must be a list of languages")
    pivot = item.get("pivot")
    return ChannelConfig(
        language=_name(item.get("language"), f"{where}.language"),
        obs=_name(item.get("obs"), f"{where}.obs"),
        input=_name(item.get("input"), f"{where}.input"), tracks=tuple(tracks),
        destination=check_text(item.get("destination", ""), f"{where}.destination",
                               max_length=MAX_NAME),
        floor=_flag(item.get("floor", False), f"{where}.floor"),
        covers=tuple(_name(c, f"{where}.covers") for c in covers),
        pivot=None if pivot is None else _name(pivot, f"{where}.pivot"))


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(where, "must be true or false")
    return value


def _name(value: Any, where: str) -> str:
    text = check_text(value, where, max_length=MAX_NAME)
    if not text.strip():
        raise InvalidValue(where, "must not be empty")
    return text


def save_channel_plan(db: sqlite_utils.Database, plan: ChannelPlan, saved_at: datetime) -> None:
    try:
        with write_transaction(db):
            db.execute("INSERT INTO channel_plan (id, plan, saved_at) VALUES (1, ?, ?) "
                       "ON CONFLICT(id) DO UPDATE SET plan = excluded.plan, "
                       "saved_at = excluded.saved_at",
                       [plan_to_json(plan), saved_at.isoformat()])
    except sqlite3.Error as error:
        raise StoreError(f"{database_file(db)}: could not save the channel plan: {error}") \
            from error


def load_channel_plan(db: sqlite_utils.Database) -> StoredPlan:
    row = db.execute("SELECT plan FROM channel_plan WHERE id = 1").fetchone()
    if row is None:
        return StoredPlan(None)
    try:
        return StoredPlan(plan_from_json(str(row[0])))
    except InvalidValue as error:
        return StoredPlan(None, f"the channel plan in {database_file(db)} cannot be used "
                                f"({error}); the default plan for the show's languages is used")
