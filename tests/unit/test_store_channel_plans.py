"""The stored channel plan: its JSON, refusals naming the JSON path, and a plan that cannot
be read from the database answered with why, never raised."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from console.models.channels import ChannelConfig, ChannelPlan, ReadinessPolicy, default_plan
from console.models.errors import InvalidValue
from console.store.channel_plans import (
    StoredPlan,
    load_channel_plan,
    plan_from_json,
    plan_to_json,
    save_channel_plan,
)
from console.store.database import open_database

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
PLAN = ChannelPlan((
    ChannelConfig("ar", "main", "Floor (ar)", (1,), destination="Stream", floor=True),
    ChannelConfig("en", "main", "Booth en", (2, 3), covers=("ar", "tr")),
    ChannelConfig("ur", "second", "Booth ur", (1,), covers=("ar",), pivot="en"),
), silent_after_s=8.5, readiness=ReadinessPolicy.REQUIRE)



def document(**changes: Any) -> dict[str, Any]:
    return {**json.loads(plan_to_json(PLAN)), **changes}


def channel(**changes: Any) -> dict[str, Any]:
    return {**json.loads(plan_to_json(PLAN))["channels"][1], **changes}


def refused_at(text: str) -> str:
    with pytest.raises(InvalidValue) as caught:
        plan_from_json(text)
    return caught.value.field


def store_raw(db_path: Path, plan: str) -> None:
    """Write ``plan`` into the table as a hand edit would, past the store's own checks."""
    raw = sqlite3.connect(db_path)
    try:
        with raw:
            raw.execute("INSERT OR REPLACE INTO channel_plan (id, plan, saved_at) "
                        "VALUES (1, ?, ?)", [plan, T0.isoformat()])
    finally:
        raw.close()


# -- JSON ---------------------------------------------------------------------------------


def test_a_plan_survives_json() -> None:
    assert plan_from_json(plan_to_json(PLAN)) == PLAN


def test_the_default_plan_survives_json() -> None:
    plan = default_plan("en", ["fr", "de", "es", "ar", "zh", "ru"], ("main", "second"))
    assert plan_from_json(plan_to_json(plan)) == plan


def test_missing_settings_take_their_defaults() -> None:
    plan = plan_from_json(json.dumps({"channels": [
        {"language": "en", "obs": "main", "input": "Floor", "tracks": [1], "floor": True}]}))
    assert (plan.silent_after_s, plan.readiness) == (5.0, ReadinessPolicy.WARN)
    assert plan.channels == (ChannelConfig("en", "main", "Floor", (1,), floor=True),)


@pytest.mark.parametrize("text", ["", "{", "not json", "[" * 100_000])
def test_text_that_is_not_json_is_refused_at_the_root(text: str) -> None:
    assert refused_at(text) == "$"


@pytest.mark.parametrize("value", [[], "plan", None, {"channels": "en"}, {}])
def test_a_document_without_a_channel_list_is_refused(value: object) -> None:
    assert refused_at(json.dumps(value)) == "$.channels"


@pytest.mark.parametrize("readiness", ["strict", None, ["warn"], 1])
def test_an_unknown_readiness_is_refused(readiness: object) -> None:
    assert refused_at(json.dumps(document(readiness=readiness))) == "$.readiness"


@pytest.mark.parametrize("seconds", [0.5, 601, "5", True, None, 10**400])
def test_silent_after_s_out_of_range_is_refused(seconds: object) -> None:
    assert refused_at(json.dumps(document(silent_after_s=seconds))) == "$.silent_after_s"


def test_a_channel_that_is_not_an_object_is_refused() -> None:
    assert refused_at(json.dumps(document(channels=[channel(), "fr"]))) == "$.channels[1]"


@pytest.mark.parametrize(("changes", "field"), [
    ({"tracks": "2"}, "tracks"),
    ({"tracks": [2, "3"]}, "tracks"),
    ({"tracks": [True]}, "tracks"),
    ({"tracks": None}, "tracks"),
    ({"covers": "ar"}, "covers"),
    ({"covers": ["ar", 3]}, "covers"),
    ({"language": ""}, "language"),
    ({"language": None}, "language"),
    ({"obs": " "}, "obs"),
    ({"input": "Booth\x00en"}, "input"),
    ({"floor": "yes"}, "floor"),
    ({"floor": 1}, "floor"),
    ({"destination": 5}, "destination"),
    ({"pivot": ""}, "pivot"),
    ({"language": "x" * 301}, "language"),
])
def test_a_bad_channel_field_is_refused_naming_its_path(changes: dict[str, Any],
                                                        field: str) -> None:
    text = json.dumps(document(channels=[channel(), channel(**changes)]))
    assert refused_at(text) == f"$.channels[1].{field}"


# -- the database ------------------------------------------------------------------------


def test_no_saved_plan_is_none_without_a_problem(db: sqlite_utils.Database) -> None:
    assert load_channel_plan(db) == StoredPlan(None)


def test_a_saved_plan_loads_back(db: sqlite_utils.Database) -> None:
    save_channel_plan(db, PLAN, T0)
    assert load_channel_plan(db) == StoredPlan(PLAN)


def test_saving_again_replaces_the_plan(db: sqlite_utils.Database) -> None:
    save_channel_plan(db, PLAN, T0)
    save_channel_plan(db, default_plan("ar", ["en"]), T0)
    assert load_channel_plan(db) == StoredPlan(default_plan("ar", ["en"]))
    assert db.execute("SELECT count(*) FROM channel_plan").fetchone()[0] == 1


def test_a_saved_plan_is_there_after_reopening(db_path: Path) -> None:
    database = open_database(db_path)
    save_channel_plan(database, PLAN, T0)
    database.conn.close()
    reopened = open_database(db_path)
    try:
        assert load_channel_plan(reopened).plan == PLAN
    finally:
        reopened.conn.close()


def test_a_hand_edited_plan_is_answered_with_why_naming_the_file(
        db_path: Path, db: sqlite_utils.Database) -> None:
    store_raw(db_path, json.dumps(document(channels=[channel(tracks="two")])))
    stored = load_channel_plan(db)
    assert stored.plan is None
    assert stored.problem is not None
    assert str(db_path) in stored.problem
    assert "$.channels[0].tracks" in stored.problem
    assert "the default plan for the show's languages is used" in stored.problem


def test_a_stored_plan_of_the_wrong_shape_is_answered_not_raised(
        db_path: Path, db: sqlite_utils.Database) -> None:
    store_raw(db_path, json.dumps(["not", "a", "plan"]))
    stored = load_channel_plan(db)
    assert stored.plan is None
    assert "$.channels: must be a list" in (stored.problem or "")
