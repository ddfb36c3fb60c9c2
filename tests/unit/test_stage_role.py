"""The stage role lock: one holder at a time, taken over only from a console that is gone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from console.store import stage_role
from console.store.database import open_database
from console.store.stage_role import RoleHolder

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
STAGE = RoleHolder("run-a", "stage-a", "host-1", 101)
BOOTH = RoleHolder("run-b", "booth-b", "host-1", 202)
REMOTE = RoleHolder("run-c", "remote-c", "host-2", 303)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "show.sqlite")
    yield database
    database.conn.close()


def alive(*pids: int) -> stage_role.PidAlive:
    return lambda pid: pid in pids


def test_the_first_console_holds_the_role_and_a_second_one_follows(db) -> None:
    first = stage_role.claim(db, STAGE, T0, alive=alive(101, 202))
    assert first.held_by(STAGE)
    second = stage_role.claim(db, BOOTH, T0 + timedelta(seconds=1), alive=alive(101, 202))
    assert not second.held_by(BOOTH)
    assert second.holder.console == "stage-a"
    assert second.taken_over_from is None


def test_a_holder_whose_process_is_gone_on_this_host_is_taken_over_at_once(db) -> None:
    stage_role.claim(db, STAGE, T0, alive=alive(101))
    claim = stage_role.claim(db, BOOTH, T0 + timedelta(seconds=1), alive=alive(202))
    assert claim.held_by(BOOTH)
    assert claim.taken_over_from is not None
    assert claim.taken_over_from.console == "stage-a"


def test_a_holder_on_another_host_is_taken_over_only_once_its_heartbeat_is_old(db) -> None:
    stage_role.claim(db, REMOTE, T0, alive=alive())
    fresh = stage_role.claim(db, BOOTH, T0 + timedelta(seconds=5), alive=alive(202))
    assert not fresh.held_by(BOOTH)  # its PID means nothing here: only the heartbeat counts
    stale = stage_role.claim(db, BOOTH, T0 + timedelta(seconds=11), alive=alive(202))
    assert stale.held_by(BOOTH)


def test_a_heartbeat_keeps_the_role_and_tells_a_holder_that_lost_it(db) -> None:
    stage_role.claim(db, REMOTE, T0, alive=alive())
    assert stage_role.heartbeat(db, REMOTE, T0 + timedelta(seconds=9)).instance == "run-c"
    assert not stage_role.claim(db, BOOTH, T0 + timedelta(seconds=15), alive=alive()).held_by(
        BOOTH)
    # Frozen for a while: meanwhile another console took over.
    assert stage_role.claim(db, BOOTH, T0 + timedelta(seconds=30), alive=alive()).held_by(BOOTH)
    assert stage_role.heartbeat(db, REMOTE, T0 + timedelta(seconds=31)).instance == "run-b"


def test_released_the_role_is_free_for_the_next_console(db) -> None:
    stage_role.claim(db, STAGE, T0, alive=alive(101, 202))
    stage_role.release(db, STAGE)
    assert stage_role.current_holder(db) is None
    assert stage_role.claim(db, BOOTH, T0, alive=alive(101, 202)).held_by(BOOTH)


def test_a_hand_edited_row_never_stops_a_console_from_starting(db) -> None:
    db.execute("INSERT INTO stage_role VALUES (1, 'x', 'y', 'host-1', 'not a pid', 'soon', "
               "'never')")
    db.conn.commit()
    claim = stage_role.claim(db, BOOTH, T0, alive=alive(202))
    assert claim.held_by(BOOTH)
