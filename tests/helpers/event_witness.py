"""An independent witness of OBS's events, in a process of its own.

``python -m tests.helpers.event_witness PORT`` (the password in ``OBS_WEBSOCKET_PASSWORD``)
prints ``READY``, then one JSON line per program-scene change and transition start with
the instant it arrived. Its own process: the console under test can neither delay it
(the interpreter lock) nor be delayed by it.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from typing import Any

import obsws_python

logging.getLogger("obsws_python").setLevel(logging.CRITICAL + 1)


def main() -> int:
    port = int(sys.argv[1])

    def emit(kind: str, **fields: Any) -> None:
        print(json.dumps({"kind": kind, "t": time.time(), **fields}), flush=True)

    def on_current_program_scene_changed(data: Any) -> None:
        emit("program", scene=str(data.scene_name))

    def on_scene_transition_started(_data: Any) -> None:
        emit("transition")

    client = obsws_python.EventClient(host="127.0.0.1", port=port,
                                      password=os.environ["OBS_WEBSOCKET_PASSWORD"], timeout=5)
    client.callback.register([on_current_program_scene_changed, on_scene_transition_started])
    print("READY", flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin
    finally:
        client.disconnect()
    return 0


if __name__ == "__main__":
    sys.exit(main())
