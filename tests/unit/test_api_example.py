"""``api-example``: every route and OSC address listed, no token printed, and its curl
lines work as pasted against a running control API."""

from __future__ import annotations

import asyncio
import json
import os
import re
from pathlib import Path

import pytest

from console.cli import main
from console.services.control_routes import ROUTES, WS_PATH
from console.services.control_token import TOKEN_ENV
from console.services.osc_feedback import ADDRESSES
from console.services.osc_surface import address_table
from tests.helpers.loops import LoopRunner
from tests.unit.test_control_api import TOKEN, RecordingActions, serving
from tests.unit.test_control_push import LiveActions
from tests.unit.test_control_push import serving as push_serving


def printed(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["api-example", *args]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def listing(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    document: dict[str, object] = json.loads(printed(capsys, "--json", *args))
    return document


@pytest.mark.parametrize("json_output", [False, True])
def test_every_route_and_osc_address_is_listed_without_the_token(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        json_output: bool) -> None:
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    out = printed(capsys, *(["--json"] if json_output else []))
    assert TOKEN not in out
    assert f"${TOKEN_ENV}" in out
    for route in ROUTES:
        assert f"127.0.0.1:8080{route.path}" in out, route.path
    for address, arguments in address_table():
        assert f"oscsend 127.0.0.1 8000 {address}" in out
        assert arguments in out
    for address in ADDRESSES:
        assert address in out


def test_the_json_keys_and_one_entry_per_route(capsys: pytest.CaptureFixture[str]) -> None:
    document = listing(capsys, "--port", "9123", "--osc-port", "9000")
    assert set(document) == {"routes", "websocket", "osc", "osc_feedback"}
    routes = document["routes"]
    assert isinstance(routes, list)
    assert [(r["method"], r["path"]) for r in routes] == \
        [(r.method, r.path) for r in ROUTES if r.path != WS_PATH]
    assert all({"method", "path", "body", "curl"} <= set(r) for r in routes)
    message = next(r for r in routes if r["path"] == "/api/message")
    assert message["body"] == {"text": "Wrap up, please"}
    socket = document["websocket"]
    assert isinstance(socket, dict)
    assert socket["url"] == f"ws://127.0.0.1:9123{WS_PATH}"
    osc = document["osc"]
    assert isinstance(osc, list)
    add_time = next(c for c in osc if c["address"] == "/console/add-time")
    assert add_time["example"] == "oscsend 127.0.0.1 9000 /console/add-time i 60"


def test_a_port_out_of_range_is_refused_naming_the_flag(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["api-example", "--port", "70000"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "--port" in err


async def paste(line: str) -> dict[str, object]:
    """``line`` run by a shell with the token in its environment, as a user pastes it."""
    process = await asyncio.create_subprocess_exec(
        "bash", "-c", line, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, TOKEN_ENV: TOKEN})
    out, _ = await process.communicate()
    assert process.returncode == 0, line
    answer: dict[str, object] = json.loads(out)
    return answer


def printed_curl(capsys: pytest.CaptureFixture[str], port: int) -> dict[str, str]:
    routes = listing(capsys, "--port", str(port))["routes"]
    assert isinstance(routes, list)
    return {route["path"]: route["curl"] for route in routes}


def test_the_curl_lines_work_as_pasted(
        aio: LoopRunner, capsys: pytest.CaptureFixture[str]) -> None:
    actions = RecordingActions()

    async def scenario() -> dict[str, dict[str, object]]:
        async with serving(actions) as server:
            curl = printed_curl(capsys, server.port)
            return {path: await paste(curl[path]) for path in
                    ("/api/state", "/api/message", "/api/add-time", "/api/openapi.json")}

    answers = aio.run(scenario())
    assert answers["/api/state"]["drift_s"] == -12.0  # the state: the token was taken
    assert answers["/api/message"] == {"ok": True, "action": "message"}
    assert answers["/api/openapi.json"]["openapi"] == "3.1.0"
    assert ("message", ("Wrap up, please",)) in actions.calls
    assert ("add_time", (60.0,)) in actions.calls


def test_every_printed_body_is_one_its_route_accepts(
        aio: LoopRunner, capsys: pytest.CaptureFixture[str]) -> None:
    """Against stand-in actions: a refusal may come from the console (409: not a booth,
    no as-run log here), never from the body (400 names a field)."""

    async def scenario() -> dict[str, dict[str, object]]:
        async with push_serving(LiveActions()) as server:
            curl = printed_curl(capsys, server.port)
            return {path: await paste(line) for path, line in curl.items()}

    answers = aio.run(scenario())
    assert set(answers) == {route.path for route in ROUTES if route.path != WS_PATH}
    for path, answer in answers.items():
        assert "field" not in answer, (path, answer)
        assert "internal error" not in str(answer.get("error", "")), (path, answer)
    assert answers["/api/rehearsal"] == {"ok": True, "action": "set_rehearsal"}
    assert answers["/api/cough"]["ok"] is False  # the stage console is not a booth


def test_the_readme_lines_are_the_printed_ones(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's curl, websocat and oscsend lines are what api-example prints, so the
    test above runs them."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    commands = ("curl ", "websocat ", "oscsend ")
    in_blocks = [line for line in readme.splitlines() if line.startswith(commands)]
    in_text = re.findall(r"`((?:curl|websocat|oscsend) [^`]+)`", readme.replace("\n", " "))
    pasted = in_blocks + in_text
    assert len(in_blocks) >= 2
    assert len(in_text) >= 3
    out = printed(capsys)
    for line in pasted:
        assert line in out, line


def readme_table_addresses(heading: str) -> list[str]:
    """The addresses in the first column of the README table under ``heading``."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split(heading, 1)[1].split("\n\n", 2)[1]
    return re.findall(r"^\| `(/console/[a-z-]+)`", table, flags=re.MULTILINE)


def test_the_listed_osc_addresses_are_the_readme_ones() -> None:
    acted_on = readme_table_addresses("**Addresses the console acts on**")
    assert [address for address, _ in address_table()] == acted_on
    feedback = readme_table_addresses("**Feedback**")
    assert len(feedback) >= 8
    assert set(feedback) <= set(ADDRESSES)
