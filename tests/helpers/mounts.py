"""A small filesystem of a test's own: a tmpfs mounted under the test's folder.

Mounting needs root, as CI runs; root may write any folder whatever its mode, so a
read-only or full filesystem is the only honest way to refuse it a write.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def private_tmpfs(mount_point: Path, size: str, why: str) -> Iterator[Path]:
    """A tmpfs of ``size`` ("1m") at ``mount_point`` (created), unmounted afterwards;
    ``why`` says what the test needs it for when it cannot run."""
    if os.geteuid() != 0:
        pytest.fail(f"this test mounts a tmpfs ({why}) and needs root (make test runs as "
                    "root in CI); run it as root", pytrace=False)
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount_point)],
                   check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def remount_read_only(mount_point: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(mount_point)], check=True)
