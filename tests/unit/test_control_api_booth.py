"""The Control API's booth routes (ready, handover, cough) and the channels in the state:
values checked where they enter (400 naming the field), a console that is not a booth
refuses them (409), the stage's routes refused on a booth."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest

from console.services.booth_desk import NOT_THE_STAGE, BoothControl, BoothError
from console.services.control_api import ControlServer
from tests.helpers.loops import LoopRunner
from tests.unit.test_control_api import TOKEN, RecordingActions, call

CHANNELS = [{"language": "fr", "obs": "main", "input": "Booth fr", "ready": True,
             "signal": "unknown", "level_db": None, "on_air": False, "interpreter": "Amélie"}]


class RecordingBooth:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.refuse: str | None = None

    async def _record(self, name: str, value: object) -> dict[str, Any]:
        self.calls.append((name, value))
        if self.refuse:
            raise BoothError(self.refuse)
        return {name: value}

    async def set_ready(self, ready: bool) -> dict[str, Any]:
        return await self._record("ready", ready)

    async def handover_action(self, accept: bool | None) -> dict[str, Any]:
        return await self._record("handover", accept)

    async def cough(self, on: bool) -> dict[str, Any]:
        return await self._record("cough", on)


@asynccontextmanager
async def serving(booth: RecordingBooth | None) -> AsyncIterator[ControlServer]:
    server = ControlServer(RecordingActions(), TOKEN, 0, booth=booth,
                           channels=lambda: CHANNELS)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def run(aio: LoopRunner, booth: RecordingBooth | None,
        scenario: Callable[[int], Coroutine[Any, Any, None]]) -> None:
    async def main() -> None:
        async with serving(booth) as server:
            await scenario(server.port)

    aio.run(main())


def test_the_state_carries_every_channel(aio: LoopRunner) -> None:
    async def scenario(port: int) -> None:
        reply = await call(port, "GET", "/api/state")
        assert reply.status == 200
        assert reply.json["channels"] == CHANNELS
        assert reply.json["drift_s"] == -12.0  # the rest as before

    run(aio, None, scenario)


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/api/ready", {"ready": True}, ("ready", True)),
    ("/api/ready", {"ready": False}, ("ready", False)),
    ("/api/cough", {"on": True}, ("cough", True)),
    ("/api/cough", {"on": False}, ("cough", False)),
    ("/api/handover", None, ("handover", None)),
    ("/api/handover", {}, ("handover", None)),
    ("/api/handover", {"accept": True}, ("handover", True)),
    ("/api/handover", {"accept": False}, ("handover", False)),
])
def test_a_booth_does_what_it_is_asked(aio: LoopRunner, path: str, body: object,
                                       expected: tuple[str, object]) -> None:
    booth = RecordingBooth()

    async def scenario(port: int) -> None:
        reply = await call(port, "POST", path, body)
        assert reply.status == 200, reply.json
        assert reply.json["ok"] is True

    run(aio, booth, scenario)
    assert booth.calls == [expected]


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/ready", {"ready": "yes"}, "ready"),
    ("/api/ready", {"ready": 1}, "ready"),
    ("/api/ready", {}, "ready"),
    ("/api/ready", None, "ready"),
    ("/api/cough", {"on": None}, "on"),
    ("/api/cough", ["on"], "on"),
    ("/api/handover", {"accept": "true"}, "accept"),
    ("/api/handover", [True], "accept"),
    ("/api/handover", "accept", "accept"),
])
def test_a_booth_refuses_values_that_do_not_fit_naming_the_field(
    aio: LoopRunner, path: str, body: object, field: str
) -> None:
    booth = RecordingBooth()

    async def scenario(port: int) -> None:
        reply = await call(port, "POST", path, body)
        assert reply.status == 400
        assert reply.json["field"] == field

    run(aio, booth, scenario)
    assert booth.calls == []


def test_a_refused_booth_action_is_a_conflict(aio: LoopRunner) -> None:
    booth = RecordingBooth()
    booth.refuse = "no handover request is waiting"

    async def scenario(port: int) -> None:
        reply = await call(port, "POST", "/api/handover", {"accept": True})
        assert reply.status == 409
        assert reply.json == {"ok": False, "error": "no handover request is waiting"}

    run(aio, booth, scenario)


@pytest.mark.parametrize(("path", "body"), [
    ("/api/ready", {"ready": True}), ("/api/handover", None),
    ("/api/handover", {"accept": True}), ("/api/cough", {"on": True}),
    ("/api/ready", {"ready": "not even valid"})])
def test_a_console_that_is_not_a_booth_refuses_booth_actions(
    aio: LoopRunner, path: str, body: object
) -> None:
    async def scenario(port: int) -> None:
        reply = await call(port, "POST", path, body)
        assert reply.status == 409
        assert "not a booth" in reply.json["error"]

    run(aio, None, scenario)


@pytest.mark.parametrize("path", ["/api/take", "/api/back", "/api/skip", "/api/hold"])
def test_a_booth_refuses_the_stages_actions(aio: LoopRunner, path: str) -> None:
    class Desk:
        def describe(self) -> dict[str, Any]:
            return {"role": "interpreter"}

    async def main() -> None:
        server = ControlServer(BoothControl(Desk()), TOKEN, 0,  # type: ignore[arg-type]
                               booth=RecordingBooth())
        await server.start()
        try:
            reply = await call(server.port, "POST", path)
            assert reply.status == 409
            assert reply.json["error"] == NOT_THE_STAGE
            state = await call(server.port, "GET", "/api/state")
            assert state.json == {"role": "interpreter"}
        finally:
            await server.stop()

    aio.run(main())
