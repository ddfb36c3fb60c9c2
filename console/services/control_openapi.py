"""The control API described as OpenAPI 3.1, built from the route table the server routes by.

Every route gets its request body schema (types, ranges and lengths as
``control_routes`` enforces them), its answers (200 and the refusals the route
itself gives) and the answers any request may get (401, 404, 405, 408, 413, 400 for
a malformed request, 500, 503), each with its JSON body. The WebSocket's messages
are described in words: OpenAPI has no vocabulary for them.
"""

from __future__ import annotations

from typing import Any

from console.services.control_routes import MAX_BODY, ROUTES, WS_PATH, Route

VERSION = "1"

ERROR = {"type": "object", "required": ["ok", "error"], "additionalProperties": True,
         "properties": {
             "ok": {"const": False},
             "error": {"type": "string", "description": "what was wrong and what to do"},
             "field": {"type": "string", "description": "the body field that was refused"}}}

WHY = {
    400: "A malformed request (request line, headers, Content-Length, chunked body), or a "
         "body field of the wrong type or out of range (`field` names it)",
    401: "No valid `Authorization: Bearer <token>` header; nothing happened",
    404: "No such route",
    405: "The route takes another method (the `Allow` header names it)",
    408: "The request head and body did not arrive within the request timeout",
    409: "Refused by the console: nothing to take, OBS refused, a take already in flight, "
         "channels not ready (`channel_warnings`), not a booth, or the action was ignored",
    413: f"The body is over {MAX_BODY} bytes",
    500: "A fault in the console (logged with its traceback)",
    503: "Too many connections; try again (`Retry-After`)",
}
ANY_REQUEST = (400, 401, 404, 405, 408, 413, 500, 503)

WEBSOCKET = f"""Upgrade to a WebSocket (`GET {WS_PATH}`, same port).

Authentication: the `Authorization: Bearer <token>` header on the upgrade request, or,
without it, the first text message `{{"token": "<token>"}}` within a few seconds (a wrong
or late one closes the socket with code 1008). A token in the URL is refused (400).

The console sends text frames, each one JSON object:
- `{{"type": "state", "state": {{...}}}}` once after authentication: the whole state,
  the same object as `GET /api/state`;
- `{{"type": "change", "state": {{...}}}}` on every change: the top-level keys of the
  state that changed, with their new values (the live segment's time left each second);
- `{{"type": "answer", "id": <as sent>, "status": <HTTP status>, "body": {{...}}}}` for
  each action.

Actions: `{{"action": "<name>", "id": <any JSON value>, ...the route's body fields}}`,
where the name is a POST route's last part (`take`, `back`, `skip`, `hold`, `add-time`,
`message`, `rehearsal`, `note`, `ready`, `handover`, `cough`). The answer carries the
status and body that route gives over HTTP (e.g. `{{"action": "add-time", "seconds": 60}}`).
A binary message closes the socket (1003), and so does one over {MAX_BODY} bytes (1009).

A client that reads too slowly for its queue of messages is closed (1008, with the
reason); the console closing closes every socket (1001)."""


def openapi_document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Conference console control API", "version": VERSION,
                 "description": "Every request needs `Authorization: Bearer <token>`. "
                                "The server listens on 127.0.0.1 only, on the port of "
                                "`conference-console run --control-port N`, and closes "
                                "each connection after its answer."},
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR},
        },
        "paths": paths,
    }


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.handler, "summary": route.summary,
        "responses": _responses(route)}
    if route.path == WS_PATH:
        operation["description"] = WEBSOCKET
    if route.body is not None:
        operation["requestBody"] = {"required": "required" in route.body, "content": {
            "application/json": {"schema": route.body}}}
    return operation


def _responses(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    if route.path == WS_PATH:
        responses["101"] = {"description": "Switched to the WebSocket protocol"}
    else:
        responses["200"] = {"description": "Done", "content": {
            "application/json": {"schema": route.answer}}}
    for status in sorted({*route.refusals, *ANY_REQUEST}):
        responses[str(status)] = {"description": WHY[status], "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return responses
