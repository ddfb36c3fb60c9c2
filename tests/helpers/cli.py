"""Running the real ``conference-console`` as a subprocess, and reading its structured log."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

from console.models.show import Show
from console.store.database import open_database
from console.store.shows import load_show

CONSOLE = [sys.executable, "-m", "console"]


def console_environment(tmp_path: Path, password: str | None = None,
                        extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A clean environment: private data and config folders, offscreen Qt, no inherited secret."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("OBS_WEBSOCKET_PASSWORD", "CONSOLE_CONTROL_TOKEN")}
    env.update(
        CONSOLE_DATA_DIR=str(tmp_path / "data"),
        CONSOLE_CONFIG_DIR=str(tmp_path / "config"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONWARNINGS="error::DeprecationWarning",
        # No keyring daemon in tests: the null backend makes "no password stored" explicit.
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    if password is not None:
        env["OBS_WEBSOCKET_PASSWORD"] = password
    env.update(extra or {})
    return env


def run_console(args: Sequence[str], env: Mapping[str, str], timeout_s: float = 30) -> \
        subprocess.CompletedProcess[str]:
    return subprocess.run([*CONSOLE, *args], env=dict(env), capture_output=True, text=True,
                          timeout=timeout_s, stdin=subprocess.DEVNULL, check=False)


def call_console(args: Sequence[str], env: Mapping[str, str]) -> \
        subprocess.CompletedProcess[str]:
    """What :func:`run_console` gives, from ``console.cli.main`` in this process, with
    ``env`` as the whole environment: the same commands without a Python start-up each
    (a second or more). Each command keeps a test that starts it as a program."""
    from console import logs
    from console.cli import main

    out, err = io.StringIO(), io.StringIO()
    level = logging.getLogger().level
    with mock.patch.dict(os.environ, env, clear=True), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse refusing the arguments
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            logs.reset()
            logging.getLogger().setLevel(level)
    return subprocess.CompletedProcess([*CONSOLE, *args], code, out.getvalue(), err.getvalue())


class ConsoleProcess:
    """The console app as a subprocess whose JSON log lines are collected as they arrive."""

    def __init__(self, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.process = subprocess.Popen(
            [*CONSOLE, *args], env=dict(env), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.raw_lines: list[str] = []
        self.records: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="console-log-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            with self._lock:
                self.raw_lines.append(line)
                with contextlib.suppress(ValueError):
                    self.records.append(json.loads(line))

    def wait_for_record(self, timeout_s: float, **fields: Any) -> dict[str, Any]:
        """The first log record whose fields include ``fields``; fail after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with self._lock:
                for record in self.records:
                    if all(record.get(key) == value for key, value in fields.items()):
                        return record
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"no log record with {fields}; log was:\n{self.log_text()}")

    def log_text(self) -> str:
        with self._lock:
            return "".join(self.raw_lines)

    def stop(self, timeout_s: float = 20) -> int:
        """SIGTERM, as a desktop session ending would; return the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            code = self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        self._reader.join(timeout=5)
        assert self.process.stdout is not None
        self.process.stdout.close()
        assert self.process.stderr is not None
        self.process.stderr.close()
        return code


def imported_demo(folder: Path) -> tuple[Path, Show]:
    """The demo show imported into ``folder/show.sqlite`` as a user does it, and as stored."""
    db = folder / "show.sqlite"
    assert run_console(["import", "--demo", "--db", str(db)],
                       console_environment(folder)).returncode == 0
    database = open_database(db)
    try:
        show = load_show(database)
    finally:
        database.conn.close()
    assert show is not None
    return db, show


def run_in_process(module: ModuleType, *argv: str) -> int:
    """``conference-console COMMAND ARGV...`` run here, through the parser that ``module``
    (a console.commands module) registers; COMMAND is the one it adds."""
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers()
    module.register(subparsers)
    [command] = subparsers.choices
    args = parser.parse_args([command, *argv])
    code: int = args.handler(args)
    return code
