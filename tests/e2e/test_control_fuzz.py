"""The control API fuzzed from its own OpenAPI document against a running console.

``conference-console run`` (the demo show, a real OBS) serves the API; schemathesis reads
``GET /api/openapi.json`` from it with the token and, per route, sends the document's
explicit edge cases (its coverage phase: boundaries, wrong types, missing fields, a
missing token, other methods, each positive and negative) and then bodies it generates,
valid and invalid. Fuzzed takes, holds and skips really reach OBS. Each answer must be a
status the document lists for that route (so never a 500), match the schema it documents
for that status, and arrive within a bound well beyond the server's request timeout (a
hang fails as a timeout); the console must still answer ``GET /api/state`` afterwards.
The seed is fixed so that a run is repeatable.

On the same console, the hostile requests known before the fuzzer: numbers, control
characters, sizes, and a take made while many connections idle.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis import checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.schemas import APIOperation, BaseSchema

from console.obs.private_obs import PrivateObs
from console.services.control_api import MAX_BODY, ControlServer
from console.services.control_routes import ROUTES, WS_PATH, Route
from tests.helpers.control import TOKEN, console_running, provisioned_demo
from tests.unit.test_control_push import stalled_socket

pytestmark = [pytest.mark.obs, pytest.mark.timeout(300)]

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
ANSWER_TIMEOUT_S = 15  # beyond the server's request timeout: a hang, not a slow take
SEED = 20261205
FUZZED_EXAMPLES = 12  # generated per route, valid and invalid; the coverage cases come on top
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]

CONFIG = SchemathesisConfig.from_dict({
    "seed": SEED,
    "headers": HEADERS,
    "generation": {"mode": "all", "max-examples": FUZZED_EXAMPLES, "database": "none"},
    "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True},
               "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
})
# The WebSocket's upgrade is no request/answer route: tests/unit/test_control_push.py has it.
FUZZED = [route for route in ROUTES if route.path != WS_PATH]


@pytest.fixture(scope="module")
def control_port(tmp_path_factory: pytest.TempPathFactory,
                 shared_obs: PrivateObs) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("fuzz")
    with console_running(folder, shared_obs, provisioned_demo(folder, shared_obs),
                         name="fuzz") as (_app, port):
        yield port


@pytest.fixture(scope="module")
def api_schema(control_port: int) -> BaseSchema:
    return schemathesis.openapi.from_url(
        f"http://127.0.0.1:{control_port}/api/openapi.json", config=CONFIG,
        headers=HEADERS, timeout=ANSWER_TIMEOUT_S)


def fuzz(operation: APIOperation, port: int) -> set[GenerationMode]:
    """Every case schemathesis makes for ``operation``, in the phases its command runs;
    the generation modes of the cases sent.

    Built per operation rather than with ``schemathesis.pytest.from_fixture``, whose
    reporting of one test per operation does not work with this pytest.
    """
    base = f"http://127.0.0.1:{port}"
    modes: set[GenerationMode] = set()

    def one_case(case: schemathesis.Case) -> None:
        response = case.call(base_url=base, timeout=ANSWER_TIMEOUT_S)
        case.validate_response(response, checks=CHECKS)
        assert state(port)[0] == 200
        if case.meta is not None:
            modes.add(case.meta.generation.mode)

    build_operation_test(config=operation.schema.config, operation=operation,
                         test_func=one_case, given_kwargs={}, feedback=FeedbackSources())()
    return modes


def state(port: int) -> tuple[int, dict[str, Any]]:
    answer = requests.get(f"http://127.0.0.1:{port}/api/state", headers=HEADERS,
                          timeout=ANSWER_TIMEOUT_S)
    return answer.status_code, answer.json()


@pytest.mark.parametrize("route", FUZZED, ids=lambda route: f"{route.method} {route.path}")
def test_every_answer_is_documented_and_the_console_keeps_serving(
        route: Route, api_schema: BaseSchema, control_port: int) -> None:
    if route.handler == "take":  # a fuzzed request may have left rehearsal on
        assert post_raw(control_port, "/api/rehearsal", b'{"on": false}')[0] == 200
    modes = fuzz(api_schema[route.path][route.method], control_port)
    assert modes == {GenerationMode.POSITIVE, GenerationMode.NEGATIVE}
    status, now = state(control_port)
    assert status == 200
    assert now["obs"]["state"] == "connected"
    if route.handler == "take":  # the fuzzed takes went to OBS, not only to the rundown
        assert now["live"] is not None
        assert now["obs"]["program_scene"] == now["live"]["scene"]


# --- the hostile cases known before the fuzzer, against the same console ----------------

def post_raw(port: int, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    answer = requests.post(f"http://127.0.0.1:{port}{path}", data=body, timeout=ANSWER_TIMEOUT_S,
                           headers={**HEADERS, "Content-Type": "application/json"})
    return answer.status_code, answer.json()


def on_air(port: int) -> dict[str, Any]:
    """The live segment, after a take if nothing was live; out of rehearsal, so that takes
    go to program."""
    assert post_raw(port, "/api/rehearsal", b'{"on": false}')[0] == 200
    live = state(port)[1]["live"]
    if live is None:
        assert post_raw(port, "/api/take", b"")[0] == 200
        live = state(port)[1]["live"]
    assert live is not None
    return live


TEXTS = [f"Back{char}in 5" for char in ("\x00", "\x07", "\x1b", "\n", "\r", "\x7f", "\x85")]
REFUSED: list[tuple[str, str, bytes]] = [
    *[("/api/add-time", "seconds", b'{"seconds": %s}' % number) for number in (
        b"1e308", b"-1e308", b"NaN", b"Infinity", b"-Infinity", str(2**64).encode(),
        str(-2**64).encode())],
    *[(path, field, json.dumps({field: text}).encode())
      for path, field in (("/api/message", "text"), ("/api/note", "note")) for text in TEXTS],
    *[(path, field, b'{"%s": "lone \\ud800 surrogate"}' % field.encode())
      for path, field in (("/api/message", "text"), ("/api/note", "note"))],
]


@pytest.mark.parametrize(("path", "field", "body"), REFUSED)
def test_hostile_values_are_refused_naming_the_field(
        control_port: int, path: str, field: str, body: bytes) -> None:
    on_air(control_port)
    before = state(control_port)[1]
    status, answer = post_raw(control_port, path, body)
    assert (status, answer["ok"], answer["field"]) == (400, False, field)
    after = state(control_port)[1]
    assert (after["message"], after["live"]["segment_id"]) == (
        before["message"], before["live"]["segment_id"])


def test_minus_zero_seconds_adds_nothing(control_port: int) -> None:
    on_air(control_port)
    status, answer = post_raw(control_port, "/api/add-time", b'{"seconds": -0.0}')
    assert (status, answer["added_s"]) == (200, 0)


def test_a_body_just_over_64_kib_or_announced_huge_gives_413(control_port: int) -> None:
    over = b'{"text": "' + b"x" * (MAX_BODY - 11) + b'"}'
    assert len(over) == MAX_BODY + 1
    assert post_raw(control_port, "/api/message", over)[0] == 413
    with socket.create_connection(("127.0.0.1", control_port), timeout=ANSWER_TIMEOUT_S) as raw:
        raw.sendall((f"POST /api/message HTTP/1.1\r\nAuthorization: Bearer {TOKEN}\r\n"
                     f"Content-Length: {10**30}\r\n\r\n").encode())
        answer = b"".join(iter(lambda: raw.recv(65536), b""))
    assert answer.split(b" ", 2)[1] == b"413"
    assert state(control_port)[0] == 200


def test_a_take_goes_on_air_while_many_connections_idle(control_port: int) -> None:
    """Sockets that send nothing and WebSocket clients that never read, as many of each as
    the connection cap leaves room for beside a few requests (beyond it: 503, by design)."""
    each = (ControlServer.max_connections - 16) // 2
    idle: list[socket.socket] = []
    try:
        for _ in range(each):
            idle.append(socket.create_connection(("127.0.0.1", control_port)))
            idle.append(stalled_socket(control_port, TOKEN))
        before = on_air(control_port)
        status, answer = post_raw(control_port, "/api/take", b"")
        assert status == 200, answer
        now = state(control_port)[1]
    finally:
        for connection in idle:
            connection.close()
    assert answer["segment_id"] == now["live"]["segment_id"] != before["segment_id"]
    assert now["obs"]["program_scene"] == now["live"]["scene"]
