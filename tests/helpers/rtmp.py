"""A stream server for OBS to stream to in tests: ffmpeg listening for one RTMP publisher.

``ffmpeg -listen 1`` takes one connection, reads the stream and throws it away. Killing it
is a stream server gone in the middle of a show (OBS reconnects); starting it again on the
same port is the server back. ffmpeg must be installed (``make deps`` installs it); a
missing one fails the test with the command to fix it, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from console.obs.private_obs import free_port

INSTALL_HINT = "install it with 'make deps' (apt-get install ffmpeg)"
_LISTEN = "0A"  # a socket's state in /proc/net/tcp: listening


def listening(port: int) -> bool:
    """Whether something listens on ``port`` (read from /proc: connecting to find out would
    be the one connection ffmpeg takes)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[1].rsplit(":", 1)[1] == f"{port:04X}" and fields[3] == _LISTEN:
                return True
    return False


class RtmpServer:
    """ffmpeg receiving ``rtmp://127.0.0.1:PORT/live/test`` (OBS: server ``.../live``,
    key ``test``)."""

    def __init__(self, log_path: Path) -> None:
        if shutil.which("ffmpeg") is None:
            pytest.fail(f"ffmpeg not found: {INSTALL_HINT}", pytrace=False)
        self.port = free_port()
        self.server = f"rtmp://127.0.0.1:{self.port}/live"
        self.key = "test"
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 10.0) -> None:
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-listen", "1",
                 "-i", f"{self.server}/{self.key}", "-f", "null", "-"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while not listening(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"ffmpeg did not listen on {self.port}; see "
                                     f"{self._log_path}")
            time.sleep(0.02)

    def kill(self) -> None:
        """The server gone at once, as a crash or a lost network would have it."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        if process is not None:
            process.wait(timeout=10)
