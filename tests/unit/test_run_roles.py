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
