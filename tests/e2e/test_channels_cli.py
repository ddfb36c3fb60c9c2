"""``conference-console channels`` as a user runs it: the plan, its problems, setting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from console.services.show_import import demo_show_path
from tests.formats.support import database_hash
from tests.helpers.cli import console_environment, run_console


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return console_environment(tmp_path)


@pytest.fixture
def db(tmp_path: Path, env: dict[str, str]) -> str:
    path = str(tmp_path / "show.sqlite")
    result = run_console(["import", str(demo_show_path()), "--db", path], env)
    assert result.returncode == 0, result.stderr
    return path


def plan_json(db: str, env: dict[str, str], *extra: str) -> dict[str, object]:
    result = run_console(["channels", "--json", "--db", db, *extra], env)
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_seven_mixes_on_one_obs_are_shown_plainly(db: str, env: dict[str, str]) -> None:
    result = run_console(["channels", "--db", db], env)
    assert result.returncode == 1
    assert "default plan (none stored)" in result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem:")]
    assert problems == ["problem: OBS 'main': 7 mixes (ar, en, fr, es, tr, ur, ms) do not fit "
                        "one OBS: an output has 6 audio tracks. Put 1 of them on a second OBS "
                        "instance"]


def test_a_second_obs_takes_the_seventh_mix(db: str, env: dict[str, str]) -> None:
    document = plan_json(db, env, "--extra-obs", "second=ws://127.0.0.1:4456")
    assert document["problems"] == []
    channels = document["plan"]["channels"]  # type: ignore[index]
    assert [(c["language"], c["obs"], c["tracks"]) for c in channels][-2:] == \
        [("ur", "main", [6]), ("ms", "second", [1])]


def test_set_stores_a_plan_and_the_policy(tmp_path: Path, db: str,
                                          env: dict[str, str]) -> None:
    plan = plan_json(db, env, "--extra-obs", "second")["plan"]
    plan["channels"][1]["destination"] = "YouTube English"  # type: ignore[index]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    result = run_console(["channels", "--db", db, "--set", str(path), "--readiness",
                          "require", "--silent-after", "8"], env)
    assert result.returncode == 0, result.stderr
    assert "stored plan; take readiness: require, silent alarm after 8 s" in result.stdout
    assert "-> YouTube English" in result.stdout
    stored = plan_json(db, env)
    assert stored["stored"] is True
    assert stored["plan"]["readiness"] == "require"  # type: ignore[index]


@pytest.mark.parametrize(("change", "message"), [
    (lambda plan: plan["channels"][0].update(tracks="1"),
     "plan.json: $.channels[0].tracks: must be a list of track numbers"),
    (lambda plan: plan["channels"][2].update(input="Booth\u0007fr"),
     "$.channels[2].input"),
    (lambda plan: plan["channels"].pop(3),
     "channel es: the show is interpreted into it but no channel carries it"),
    (lambda plan: plan["channels"][6].update(obs="main"),
     "do not fit one OBS"),
    (lambda plan: plan["channels"][2].update(tracks=[2]),
     "track 2 carries both en and fr"),
])
def test_a_bad_plan_is_refused_naming_where_and_nothing_is_stored(
        tmp_path: Path, db: str, env: dict[str, str], change: object, message: str) -> None:
    plan = plan_json(db, env, "--extra-obs", "second")["plan"]
    change(plan)  # type: ignore[operator]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    before = database_hash(Path(db))
    result = run_console(["channels", "--db", db, "--set", str(path)], env)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert database_hash(Path(db)) == before


def test_no_show_is_an_error_that_says_what_to_do(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_console(["channels", "--db", str(tmp_path / "none.sqlite")], env)
    assert result.returncode == 2
    assert "import a show first" in result.stderr
