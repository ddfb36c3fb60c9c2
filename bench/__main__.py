"""Run every benchmark, print the figures and write them to bench/RESULTS.md."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.asrun_log_bench import run_asrun_log_bench
from bench.control_push_bench import run_control_push_bench
from bench.import_bench import run_import_bench
from bench.meter_bench import run_meter_bench
from bench.obs_bench import run_obs_bench
from bench.timing_bench import run_timing_bench
from bench.viewer_graph_bench import run_viewer_graph_bench
from console import logs

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores, {model or cpu}, " \
        f"Python {platform.python_version()}"


def main() -> None:
    logs.configure("WARNING")
    obs = run_obs_bench()
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}, "
        "against a private OBS Studio under Xvfb (software OpenGL), by `make bench`.",
        "",
        "| what | baseline (same run) | console | ratio / difference | target |",
        "|---|---|---|---|---|",
        "| SetCurrentProgramScene round trip, median (baseline: bare obsws-python) | "
        f"{obs.bare_request_ms:.2f} ms | "
        f"{obs.console_request_ms:.2f} ms | {obs.request_ratio:.2f}x | at most 1.2x |",
        "| OBS event to model update, median (baseline: bare obsws-python EventClient) | "
        f"{obs.bare_event_ms:.2f} ms | "
        f"{obs.console_event_ms:.2f} ms | {obs.event_extra_ms:+.2f} ms | at most +5 ms |",
        *run_meter_bench(),
        *run_import_bench(),
        *run_timing_bench(),
        *run_viewer_graph_bench(),
        *run_asrun_log_bench(),
        *run_control_push_bench(),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
