"""Arguments shared by several subcommands."""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from console import paths
from console.models.channels import MAIN_OBS
from console.obs.endpoint import ObsEndpoint


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: the console database; defaults to the user data folder."""
    parser.add_argument(
        "--db", type=Path, default=paths.default_database(), metavar="PATH",
        help="the console database (default: %(default)s)",
    )


@contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text file to write ``path`` whole: a temporary file beside it, renamed over it
    once the block ends without error (and removed otherwise), so a failed export never
    leaves half a file, nor destroys the one that was there."""
    directory = path.parent if str(path.parent) else Path()
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def output_stream(path: Path | None) -> Iterator[TextIO]:
    """Where a command writes what it exports: ``path`` (see :func:`atomic_output`), or
    standard output."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_output(path) as file:
            yield file


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, replacing it whole, or leaving it as it was
    on error."""
    with atomic_output(path) as file:
        file.write(text)


def write_output(path: Path | None, text: str) -> None:
    """``text`` to ``path`` (see :func:`atomic_output`), or to standard output."""
    with output_stream(path) as file:
        file.write(text)


OBS_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def add_extra_obs_argument(parser: argparse.ArgumentParser) -> None:
    """``--extra-obs NAME=URL`` (repeatable): another OBS instance, named as in the
    channel plan (the first OBS, ``--obs``, is called "main")."""
    parser.add_argument(
        "--extra-obs", action="append", default=[], metavar="NAME=URL",
        help="another OBS instance for interpretation channels (an output has six audio "
        "tracks: the seventh mix needs a second OBS), named as in the channel plan, e.g. "
        "second=ws://127.0.0.1:4456; repeatable. Its password comes from "
        "OBS_WEBSOCKET_PASSWORD_<NAME> (e.g. OBS_WEBSOCKET_PASSWORD_SECOND) or the keyring",
    )


def parse_extra_obs(values: list[str]) -> tuple[tuple[str, str], ...]:
    """``[("second", "ws://127.0.0.1:4456"), ...]`` from the flag's values; ValueError
    naming the flag and the value otherwise."""
    parsed: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not OBS_NAME.fullmatch(name):
            raise ValueError(f"--extra-obs {value!r}: write NAME=URL, NAME in lower-case "
                             "letters, digits, - and _ (e.g. second=ws://127.0.0.1:4456)")
        if name == MAIN_OBS or name in parsed:
            raise ValueError(f"--extra-obs {value!r}: the name {name!r} is taken "
                             f"({MAIN_OBS!r} is the --obs connection)")
        try:
            parsed[name] = ObsEndpoint.parse(url).url
        except ValueError as error:
            raise ValueError(f"--extra-obs {value!r}: {error}") from None
    return tuple(parsed.items())
