"""``run --role``: the stage console by default; an interpreter booth needs its language, and
arguments that belong to the other role are refused before any window opens (exit 2, one
line on stderr)."""

from __future__ import annotations

import argparse

import pytest

from console.commands import run


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    run.register(parser.add_subparsers())
    return parser.parse_args(["run", *argv])


def test_the_stage_is_the_default_role() -> None:
    assert parse().role == "stage"
    assert parse("--role", "interpreter", "--language", "fr").role == "interpreter"


@pytest.mark.parametrize(("argv", "said"), [
    (["--role", "interpreter"], "needs --language"),
    (["--role", "interpreter", "--language", "français"], "not a language code"),
    (["--role", "interpreter", "--language", "fr", "--rehearsal"], "--rehearsal"),
    (["--role", "interpreter", "--language", "fr", "--interpreter", " "], "--interpreter"),
    (["--role", "interpreter", "--language", "fr", "--interpreter", "A\x07"], "--interpreter"),
    (["--language", "fr"], "for --role interpreter"),
    (["--interpreter", "Amélie"], "for --role interpreter"),
])
def test_arguments_that_do_not_fit_the_role_are_refused(
    argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse(*argv)
    assert run.run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert said in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(("value", "said"), [
    ("second", "write NAME=URL"),
    ("Second=ws://127.0.0.1:4456", "write NAME=URL"),
    ("main=ws://127.0.0.1:4456", "is taken"),
    ("second=http://127.0.0.1:4456", "--extra-obs"),
    ("second=ws://127.0.0.1:99999", "--extra-obs"),
    ("bad\x07=ws://127.0.0.1:4456", "write NAME=URL"),
])
def test_an_extra_obs_that_does_not_parse_is_refused_before_any_window(
    value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parse("--extra-obs", value)
    assert run.run(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --extra-obs")
    assert said in err
    assert err.count("\n") == 1


def test_extra_obs_are_named_and_each_has_its_own_password_variable(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from console import secrets
    from console.commands.common import parse_extra_obs

    assert parse_extra_obs(["second=ws://127.0.0.1:4456", "third-booths=ws://10.0.0.2"]) == (
        ("second", "ws://127.0.0.1:4456"), ("third-booths", "ws://10.0.0.2:4455"))
    with pytest.raises(ValueError, match="taken"):
        parse_extra_obs(["second=ws://127.0.0.1:4456", "second=ws://127.0.0.1:4457"])
    assert secrets.password_variable("third-booths") == "OBS_WEBSOCKET_PASSWORD_THIRD_BOOTHS"
    assert secrets.password_variable("main") == "OBS_WEBSOCKET_PASSWORD"
    monkeypatch.setenv("OBS_WEBSOCKET_PASSWORD_SECOND", "s3cret-second")
    monkeypatch.setenv("OBS_WEBSOCKET_PASSWORD", "s3cret-main")
    assert run.extra_passwords((("second", "ws://127.0.0.1:4456"),)) == {
        "second": "s3cret-second"}
