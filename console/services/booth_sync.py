"""Booth states kept in step between consoles, through OBS: no server of our own.

Every console (the stage, each interpreter booth) is a client of the same OBS. A
console that changes a booth's state sends it to all the others with
``BroadcastCustomEvent``; each keeps the newest state per language
(``booth.newer``: the higher sequence number, then the later time), so a state
heard twice, or late, changes nothing. Messages that are not ours (other tools
use custom events too) are ignored; ours that do not read are refused with an
INFO log line, never half-read.

A console that joins late learns the current states at once, two ways:

- OBS's persistent data (global realm, slot ``booth.SLOT``) holds the newest
  state of every booth, written after every change (read, merged, written, in
  the background), so it works when no other console runs. A state there older
  than :data:`STALE_AFTER` is a past show's and is left out.
- A roll call: the newcomer asks, and every other console answers with what it
  speaks for (a booth console its own booth's state, the stage console who is on
  and who is next).

The newcomer does both whenever it (re)connects to OBS. Every send goes through
the gateway it is given, which is the main OBS gateway's background lane, so it
never waits in front of a take. OBS echoes our own broadcasts to our own event
socket; a message signed with this console's id is ours, and skipped.

Signals (psygnal, on the event loop's thread):
    changed(object): a booth's newest :class:`~console.models.booth.BoothState`
        (changed here, by another console, or read from OBS's persistent data).
    stage_changed(object): the stage console's newest
        :class:`~console.models.stage_summary.StageSummary`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from psygnal import Signal, SignalInstance

from console.models import booth
from console.models.asrun import ConsoleRole
from console.models.booth import BoothState, RollCall
from console.models.errors import InvalidValue
from console.models.obs_events import CustomEvent, ObsEvent
from console.models.obs_state import ConnectionState
from console.models.stage_summary import StageSummary
from console.obs.errors import ObsError
from console.services.background import BackgroundTask

log = logging.getLogger(__name__)

# A state in OBS's persistent data older than this belongs to an earlier show day.
STALE_AFTER = timedelta(hours=12)
CLOSING_SAVE_S = 2.0


class BoothTransport(Protocol):
    """What the sync needs of OBS: an :class:`~console.obs.gateway.ObsGateway`."""

    @property
    def state(self) -> ConnectionState: ...
    @property
    def events(self) -> SignalInstance: ...
    @property
    def state_changed(self) -> SignalInstance: ...
    async def broadcast(self, data: Mapping[str, Any]) -> None: ...
    async def persistent_data(self, slot: str) -> Any: ...
    async def set_persistent_data(self, slot: str, value: Any) -> None: ...


@dataclass(frozen=True)
class Sender:
    """This console, as its messages sign it."""

    console: str  # unique to this run: another run of the same console is another sender
    role: ConsoleRole


def sender_id(name: str, instance: str) -> str:
    """A console id readable by people and unique to one run ("booth-fr [3f9a…]")."""
    return f"{name[:200]} [{instance}]"


def _now() -> datetime:
    return datetime.now(UTC)


class BoothSync:
    """The newest state of every booth and of the stage, as consoles tell it through OBS."""

    changed = Signal(object)
    stage_changed = Signal(object)

    def __init__(self, obs: BoothTransport, me: Sender, *,
                 own_languages: tuple[str, ...] = (),
                 stage_source: Callable[[], StageSummary | None] | None = None,
                 clock: Callable[[], datetime] = _now, slot: str = booth.SLOT) -> None:
        self._obs = obs
        self._me = me
        self._own_languages = own_languages  # the booths this console answers for
        self._stage_source = stage_source  # what this console says of the stage, if anything
        self._clock = clock
        self._slot = slot
        self._states: dict[str, BoothState] = {}
        self._stage: StageSummary | None = None
        self._seq = 0  # of this console's roll calls and stage summaries
        self._change_lock = asyncio.Lock()  # one change at a time, each from the newest state
        # Joining, answering roll calls and writing the slot take turns in one task.
        self._wake = asyncio.Event()
        self._wanted: set[str] = set()
        self._worker = BackgroundTask("booth-sync", self._work)

    # -- what is known -----------------------------------------------------------------

    @property
    def me(self) -> Sender:
        return self._me

    @property
    def states(self) -> Mapping[str, BoothState]:
        """The newest state of every booth heard of, by language."""
        return dict(self._states)

    def state(self, language: str) -> BoothState | None:
        return self._states.get(language)

    @property
    def stage(self) -> StageSummary | None:
        """What the stage console said last (None: not heard from yet)."""
        return self._stage

    def set_stage_source(self, source: Callable[[], StageSummary | None]) -> None:
        """Answer roll calls with what ``source`` says of the stage (None: nothing)."""
        self._stage_source = source

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._obs.events.connect(self._on_event)
        self._obs.state_changed.connect(self._on_connection)
        self._worker.start()
        if self._obs.state is ConnectionState.CONNECTED:
            self._want("join")

    async def close(self) -> None:
        """Stop listening; a change not yet kept in OBS's persistent data is written now,
        so a console closed right after a change does not take it away with it."""
        self._obs.events.disconnect(self._on_event, missing_ok=True)
        self._obs.state_changed.disconnect(self._on_connection, missing_ok=True)
        await self._worker.stop()
        if "save" in self._wanted and self._obs.state is ConnectionState.CONNECTED:
            try:
                async with asyncio.timeout(CLOSING_SAVE_S):
                    await self._save_slot()
            except (ObsError, TimeoutError) as error:
                log.info("booth sync: the last change could not be kept in OBS: %s", error)

    # -- saying something --------------------------------------------------------------

    async def publish(self, language: str,
                      change: Callable[[BoothState], BoothState]) -> BoothState:
        """Apply ``change`` to the newest state of ``language``'s booth and tell everyone.

        ``change`` may refuse (raise an OperatorError) or answer the state it was given
        (nothing to say): nothing is sent then. The state counts only once OBS has taken
        the broadcast; an OBS error leaves it unchanged. Answers the booth's newest state
        (a partner's change may have crossed ours).
        """
        async with self._change_lock:
            known = self._states.get(language) or BoothState(language)
            state = change(known)
            if state is known:
                return known
            await self._obs.broadcast(booth.encode(state))
            self._accept(state)
        self._want("save")
        return self._states.get(language, state)

    async def override(self, language: str, ready: bool, by: str) -> BoothState:
        """The stage manager sets a booth's readiness for it (its console is down, it
        called on the intercom); the state carries who did, and the booth's next change
        of its own ends the override."""
        def change(state: BoothState) -> BoothState:
            if state.ready == ready and state.override_by == by:
                return state
            return booth.changed(state, self._clock(), self._me.console, ready=ready,
                                 override_by=by, role=self._me.role.value)

        state = await self.publish(language, change)
        log.info("booth %s marked %s by %s (override)", language,
                 "ready" if ready else "not ready", by,
                 extra={"language": language, "ready": ready, "override_by": by})
        return state

    async def publish_stage(self, summary: StageSummary) -> StageSummary:
        """Tell every console who is on and who is next (the stage console's part)."""
        self._seq += 1  # taken before sending: a later call carries later news
        signed = replace(summary, console=self._me.console, role=self._me.role.value,
                         seq=self._seq, sent_at=self._clock())
        await self._obs.broadcast(booth.encode_stage(signed))
        self._stage = signed
        return signed

    async def roll_call(self) -> None:
        """Ask every other console to say what it knows."""
        self._seq += 1
        await self._obs.broadcast(booth.encode_roll_call(
            RollCall(self._me.console, self._me.role.value, self._seq)))

    # -- hearing -----------------------------------------------------------------------

    def _on_event(self, event: ObsEvent) -> None:
        if not isinstance(event, CustomEvent) or not booth.is_booth_message(event.data):
            return
        try:
            message = booth.decode_message(event.data)
        except InvalidValue as error:
            log.info("refused a booth message: %s", error,
                     extra={"sender": str(event.data.get("console"))[:100]})
            return
        if message.console == self._me.console:
            return  # our own, echoed by OBS to our event socket
        if isinstance(message, BoothState):
            self._accept(message)
        elif isinstance(message, RollCall):
            self._want("answer")
        elif booth.newer_stage(message, self._stage):
            self._stage = message
            self.stage_changed.emit(message)

    def _accept(self, state: BoothState) -> bool:
        known = self._states.get(state.language)
        if known is None and len(self._states) >= booth.MAX_BOOTHS:
            log.info("ignored a state of booth %r: already %d booths", state.language,
                     booth.MAX_BOOTHS)
            return False
        if not booth.newer(state, known):
            return False
        self._states[state.language] = state
        self.changed.emit(state)
        return True

    def _on_connection(self, state: ConnectionState) -> None:
        if state is ConnectionState.CONNECTED:
            self._want("join")

    # -- the background work: joining, answering, keeping the slot ----------------------

    def _want(self, work: str) -> None:
        self._wanted.add(work)
        self._wake.set()

    async def _work(self) -> None:
        steps = {"join": self._join, "answer": self._answer, "save": self._save_slot}
        while True:
            await self._wake.wait()
            self._wake.clear()
            for name, step in steps.items():
                if name not in self._wanted:
                    continue
                self._wanted.discard(name)  # asked for again during the step: done again
                try:
                    await step()
                except asyncio.CancelledError:
                    self._wanted.add(name)  # close() finishes a save
                    raise
                except ObsError as error:
                    # Done again at the next connection (the slot also at the next change).
                    log.info("booth sync: %s failed: %s", name, error)
                    if name == "save":
                        self._wanted.add("save")
                except Exception:
                    log.exception("booth sync: %s failed with an internal error", name)

    async def _join(self) -> None:
        stored = await self._read_slot()
        for state in stored.values():
            self._accept(state)
        if any(booth.newer(state, stored.get(language))
               for language, state in self._states.items()):
            self._wanted.add("save")  # OBS lost what we know (it restarted from older data)
            self._wake.set()
        await self.roll_call()
        await self._answer()  # what we speak for may have changed while we were away

    async def _answer(self) -> None:
        for language in self._own_languages:
            state = self._states.get(language)
            if state is not None:
                await self._obs.broadcast(booth.encode(state))
        summary = self._stage_source() if self._stage_source is not None else None
        if summary is not None:
            await self.publish_stage(summary)

    async def _read_slot(self) -> dict[str, BoothState]:
        states, problems = booth.decode_slot(await self._obs.persistent_data(self._slot))
        for problem in problems:
            log.info("left out of OBS's booth states: %s", problem)
        oldest = self._clock() - STALE_AFTER
        return {state.language: state for state in states
                if state.updated_at is not None and state.updated_at >= oldest}

    async def _save_slot(self) -> None:
        # Read, merge, write: another console may have written since we last read.
        stored = await self._read_slot()
        for state in stored.values():
            self._accept(state)
        merged = {**stored, **self._states}
        await self._obs.set_persistent_data(self._slot, booth.encode_slot(merged.values()))
