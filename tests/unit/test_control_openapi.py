"""GET /api/openapi.json: every route the server answers, and nothing else, described as
OpenAPI 3.1; the schemas say what the server enforces."""

from __future__ import annotations

import re
from typing import Any

import pytest

from console.models.limits import MAX_ADDED_S, MAX_MESSAGE
from console.services.control_api import ControlServer
from console.services.control_openapi import openapi_document
from tests.helpers.loops import LoopRunner
from tests.unit.test_control_api import API_LOGGER, TOKEN, RecordingActions, Reply, call
from tests.unit.test_control_push import LiveActions

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# Paths near the real ones: none of them may be answered as a route.
NEIGHBOURS = ["/", "/api", "/api/", "/api/openapi", "/api/openapi.yaml", "/api/wss",
              "/api/takes", "/api/state/", "/openapi.json", "/api/Take", "/api/booth"]


def fetch(aio: LoopRunner, *requests: tuple[str, str, object]) -> list[Reply]:
    async def main() -> list[Reply]:
        server = ControlServer(LiveActions(), TOKEN, 0)
        await server.start()
        try:
            return [await call(server.port, method, path, body)
                    for method, path, body in requests]
        finally:
            await server.stop()

    return aio.run(main())


def operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items()
            for method in item if method in METHODS}


def test_the_document_is_served_and_is_the_one_built_from_the_routes(aio: LoopRunner) -> None:
    (reply,) = fetch(aio, ("GET", "/api/openapi.json", None))
    assert reply.status == 200
    assert reply.json == openapi_document()


@pytest.mark.expected_log(API_LOGGER)
def test_the_document_needs_the_token_like_every_route(aio: LoopRunner) -> None:
    async def main() -> int:
        server = ControlServer(RecordingActions(), TOKEN, 0)
        await server.start()
        try:
            return (await call(server.port, "GET", "/api/openapi.json", token=None)).status
        finally:
            await server.stop()

    assert aio.run(main()) == 401


def test_every_route_answered_is_documented_and_every_documented_one_answered(
        aio: LoopRunner) -> None:
    document = openapi_document()
    documented = operations(document)
    server = ControlServer(RecordingActions(), TOKEN, 0)
    assert {(route.method, path) for path, (route, _) in server._routes.items()} == documented
    probes = [(method, path, None) for method, path in sorted(documented)]
    probes += [(method, path, None) for path in NEIGHBOURS for method in ("GET", "POST")]
    for (method, path, _), reply in zip(probes, fetch(aio, *probes), strict=True):
        listed = document["paths"].get(path, {}).get(method.lower())
        if listed is None:
            assert reply.status == 404, (method, path)
        else:
            assert str(reply.status) in listed["responses"], (method, path, reply.status)


def test_it_is_structurally_valid_openapi_3_1() -> None:
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    assert isinstance(document["info"]["title"], str)
    assert isinstance(document["info"]["version"], str)
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer"}
    ids = []
    for path, item in document["paths"].items():
        assert path.startswith("/api/")
        for method, operation in item.items():
            assert method in METHODS
            ids.append(operation["operationId"])
            assert operation["responses"], (method, path)
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5][0-9][0-9]", status)
                assert response["description"]
            body = operation.get("requestBody")
            if body is not None:
                assert body["content"]["application/json"]["schema"]["type"] == "object"
    assert len(ids) == len(set(ids))
    for reference in find_references(document):
        assert resolve(document, reference) is not None, reference


def find_references(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [ref for value in node.values() for ref in find_references(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in find_references(value)]
    return []


def resolve(document: dict[str, Any], reference: str) -> object:
    assert reference.startswith("#/")
    node: Any = document
    for part in reference[2:].split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def body_schema(path: str) -> dict[str, Any]:
    schema = openapi_document()["paths"][path]["post"]["requestBody"]["content"]
    return schema["application/json"]["schema"]["properties"]  # type: ignore[no-any-return]


def test_the_ranges_documented_are_the_ones_enforced(aio: LoopRunner) -> None:
    seconds = body_schema("/api/add-time")["seconds"]
    text = body_schema("/api/message")["text"]
    assert (seconds["minimum"], seconds["maximum"]) == (-MAX_ADDED_S, MAX_ADDED_S)
    assert text["maxLength"] == MAX_MESSAGE
    replies = fetch(aio, ("POST", "/api/add-time", {"seconds": seconds["maximum"]}),
                    ("POST", "/api/add-time", {"seconds": seconds["maximum"] + 0.5}),
                    ("POST", "/api/add-time", {"seconds": seconds["minimum"] - 0.5}),
                    ("POST", "/api/message", {"text": "x" * text["maxLength"]}),
                    ("POST", "/api/message", {"text": "x" * (text["maxLength"] + 1)}))
    assert [reply.status for reply in replies] == [200, 400, 400, 200, 400]


def test_the_websocket_messages_are_described() -> None:
    operation = openapi_document()["paths"]["/api/ws"]["get"]
    assert "101" in operation["responses"]
    for words in ('"type": "state"', '"type": "change"', '"type": "answer"', '"token"',
                  '"action"', "1008", "1001"):
        assert words in operation["description"], words
