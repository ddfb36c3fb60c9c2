"""The real console (``run_gui``) that puts one segment live as soon as it starts.

``python -m tests.helpers.live_console DB OBS_URL SEGMENT_ID``: prints ``LIVE`` once the
segment is live and saved, then runs until killed. A test stands in for the stage
manager who pressed Take; the rest is the app exactly as users run it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from console import logs, paths
from console.app import AppOptions, ConsoleApp, run_gui


def main() -> int:
    db_path, obs_url, segment_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    logs.configure("INFO")

    async def put_live(console: ConsoleApp) -> None:
        await console.runner.go_live(segment_id)
        print("LIVE", flush=True)

    options = AppOptions(db_path=db_path, obs_url=obs_url,
                         settings_path=paths.config_dir() / "window.ini")
    return run_gui(options, os.environ.get("OBS_WEBSOCKET_PASSWORD", ""), after_start=put_live)


if __name__ == "__main__":
    sys.exit(main())
