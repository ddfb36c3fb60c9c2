"""The control API fuzzed from its own OpenAPI document against a running console.

``conference-console run`` (the demo show, a real OBS) serves the API; schemathesis reads
``GET /api/openapi.json`` from it with the token and, per route, sends the document's
explicit edge cases (its coverage phase: boundaries, wrong types, missing fields, each
positive and negative) and then bodies it generates, valid and invalid. Fuzzed takes,
holds and skips really reach OBS. Each answer must be a status the document lists for
that route (so never a 500), match the schema it documents for that status, and arrive
within the request timeout (a hang fails as a timeout); the console must still answer
``GET /api/state`` afterwards. The seed is fixed so that a run is repeatable.
"""

from __future__ import annotations

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
from console.services.control_routes import ROUTES, WS_PATH, Route
from tests.helpers.control import TOKEN, console_running, provisioned_demo

pytestmark = [pytest.mark.obs, pytest.mark.timeout(300)]

HEADERS = {"Authorization": f"Bearer {TOKEN}"}
ANSWER_TIMEOUT_S = 15  # beyond the server's request timeout: a hang, not a slow take
SEED = 20261205
FUZZED_EXAMPLES = 12  # per route and generation mode; the coverage cases come on top
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
    modes = fuzz(api_schema[route.path][route.method], control_port)
    assert modes == {GenerationMode.POSITIVE, GenerationMode.NEGATIVE}
    status, now = state(control_port)
    assert status == 200
    assert now["obs"]["state"] == "connected"
    if route.handler == "take":  # the fuzzed takes went to OBS, not only to the rundown
        assert now["live"] is not None
        assert now["obs"]["program_scene"] == now["live"]["scene"]
