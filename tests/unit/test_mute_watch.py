"""The mutes of the channels' inputs, as OBS says them: read when OBS connects, when an
input appears and when asked, then followed by OBS's events; unknown when OBS is gone
or has no such input. OBS is a fake gateway here; tests/e2e/test_channels_e2e.py mutes a
real OBS's input."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from psygnal import Signal

from console.models.obs_events import InputMuteChanged, ResourceChange, ResourcesChanged
from console.models.obs_state import ConnectionState
from console.obs.errors import ObsRequestFailed
from console.services.mute_watch import MuteWatch
from tests.helpers.loops import LoopRunner, until


class FakeGateway:
    events = Signal(object)
    state_changed = Signal(object)

    def __init__(self, muted: dict[str, bool]) -> None:
        self.obs_muted = muted
        self.asked: list[str] = []

    async def input_muted(self, input_name: str) -> bool:
        self.asked.append(input_name)
        if input_name not in self.obs_muted:
            raise ObsRequestFailed("GetInputMute", 600, "No source was found")
        return self.obs_muted[input_name]

    def says(self, event: object) -> None:
        self.events.emit(event)


NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
def resources(change: ResourceChange, name: str) -> ResourcesChanged:
    return ResourcesChanged(received_at=NOW, change=change, name=name)


INPUTS = {"main": ["Booth fr", "Booth es"], "second": ["Booth ms"]}


def test_mutes_are_read_then_followed(aio: LoopRunner) -> None:
    main = FakeGateway({"Booth fr": True, "Booth es": False})
    second = FakeGateway({})
    watch = MuteWatch({"main": main, "second": second}, lambda: INPUTS)

    async def scenario() -> None:
        watch.start()
        try:
            await until(lambda: watch("main", "Booth es") is False, 2, "the first read")
            assert watch("main", "Booth fr") is True
            assert watch("second", "Booth ms") is None  # no such input there
            assert watch("third", "Booth ms") is None  # no such OBS

            main.says(InputMuteChanged(received_at=NOW, input="Booth fr", muted=False))
            assert watch("main", "Booth fr") is False
            main.says(resources(ResourceChange.INPUT_REMOVED, "Booth es"))
            assert watch("main", "Booth es") is None

            second.obs_muted["Booth ms"] = True
            second.says(resources(ResourceChange.INPUT_CREATED, "Booth ms"))
            await until(lambda: watch("second", "Booth ms") is True, 2, "the new input")

            main.state_changed.emit(ConnectionState.RECONNECTING)
            assert watch("main", "Booth fr") is None  # OBS gone: nothing is known
            main.obs_muted["Booth fr"] = True
            main.state_changed.emit(ConnectionState.CONNECTED)
            await until(lambda: watch("main", "Booth fr") is True, 2, "the read again")
        finally:
            await watch.close()
        main.says(InputMuteChanged(received_at=NOW, input="Booth fr", muted=False))
        await asyncio.sleep(0)
        assert watch("main", "Booth fr") is True  # closed: it follows nothing more

    aio.run(scenario())
