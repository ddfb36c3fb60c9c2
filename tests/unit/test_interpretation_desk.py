"""The interpretation desk over a real show runner and as-run log: signals followed by an
injected clock, outages and booth changes recorded, and what a take is warned about."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from psygnal import Signal as PsygnalSignal

from console.models.asrun import AsRunEntry, AsRunKind, ConsoleRole
from console.models.booth import BoothState, changed
from console.models.channels import ChannelMode, default_plan
from console.models.meters import NO_METERS_AFTER_S, MeterReading, SignalState
from console.models.show import Segment, Speaker, find_segment
from console.services.asrun_log import AsRunLog
from console.services.interpretation import (
    MUTED_ALARM_AFTER_S,
    ChannelView,
    InterpretationDesk,
)
from console.services.show_runner import ShowRunner
from console.store.asrun import AsRunWriter, read_asrun
from console.store.database import open_database
from console.store.shows import save_show
from tests.helpers.loops import LoopRunner
from tests.unit.sample_show import sample_show

T0 = datetime(2026, 12, 5, 6, 0, tzinfo=UTC)
LOUD = MeterReading(-20.0, -12.0)
QUIET = MeterReading(-80.0, -75.0)
# The sample show's floor is Arabic with English and Urdu booths; its talk is in Arabic.
PLAN = default_plan("ar", ["en", "ur"])
TALK = "Sample-talk"


class Clocks:
    """The wall clock (as-run stamps) and the monotonic clock (signals), moved by hand."""

    def __init__(self) -> None:
        self.wall = T0
        self.mono = 1000.0

    def now(self) -> datetime:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


class Booths:
    """A booth source the test speaks for."""

    changed = PsygnalSignal(object)

    def __init__(self) -> None:
        self._states: dict[str, BoothState] = {}

    @property
    def states(self) -> dict[str, BoothState]:
        return dict(self._states)

    def say(self, language: str, **changes: Any) -> BoothState:
        before = self._states.get(language, BoothState(language))
        state = changed(before, T0, f"booth-{language}", **changes)
        self._states[language] = state
        self.changed.emit(state)
        return state


class Desk:
    """One desk over a real show runner, as-run log and database, and what it is fed."""

    def __init__(self, aio: LoopRunner, db_path: Path) -> None:
        self.aio = aio
        self.db_path = db_path
        self.clocks = Clocks()
        self.writer = AsRunWriter(db_path)
        asrun = AsRunLog(self.writer, "unit-desk", ConsoleRole.STAGE, self.clocks.now)
        self.runner = ShowRunner(db_path, asrun)
        self.meters: dict[str, MeterReading] | None = {
            "Floor (ar)": LOUD, "Booth en": LOUD, "Booth ur": LOUD}
        self.booths = Booths()
        self.runs_the_show = True
        self.mutes: dict[str, bool] = {}  # OBS's mute of each input it knows
        self.desk = InterpretationDesk(
            PLAN, "ar", self.runner, asrun,
            read_meters=lambda _obs: None if self.meters is None else dict(self.meters),
            booths=self.booths, runs_the_show=lambda: self.runs_the_show,
            read_mutes=lambda _obs, name: self.mutes.get(name),
            monotonic=self.clocks.monotonic)

    def close(self) -> None:
        self.aio.run(self.desk.close())
        self.aio.run(self.runner.close())
        self.writer.close()

    def meter(self, input_name: str, reading: MeterReading) -> None:
        """From now on OBS meters ``input_name`` at ``reading``."""
        self.meters = {**(self.meters or {}), input_name: reading}

    def go_live(self, segment_id: str = TALK) -> None:
        self.aio.run(self.runner.go_live(segment_id))
        self.desk.poll()

    def after(self, seconds: float) -> None:
        """Let ``seconds`` pass, then one look at the channels."""
        self.clocks.advance(seconds)
        self.desk.poll()

    def view(self, language: str) -> ChannelView:
        view = self.desk.view(language)
        assert view is not None
        return view

    def interpreter_rows(self) -> list[AsRunEntry]:
        assert self.writer.flush(5)
        database = open_database(self.db_path)
        try:
            return read_asrun(database, kinds=[AsRunKind.INTERPRETER])
        finally:
            database.conn.close()

    def events(self, event: str) -> list[AsRunEntry]:
        return [row for row in self.interpreter_rows() if row.details["event"] == event]


@pytest.fixture
def desk(aio: LoopRunner, tmp_path: Path) -> Iterator[Desk]:
    db_path = tmp_path / "show.sqlite"
    database = open_database(db_path)
    save_show(database, sample_show())
    database.conn.close()
    made = Desk(aio, db_path)
    yield made
    made.close()


def go_silent(desk: Desk, language: str = "en") -> None:
    """Live, then ``language``'s booth quiet for longer than the plan allows."""
    desk.go_live()
    desk.meter(f"Booth {language}", QUIET)
    desk.after(PLAN.silent_after_s + 0.1)


# -- signals and outages ----------------------------------------------------------------


def test_a_silent_channel_on_air_is_silent_only_after_silent_after_s(desk: Desk) -> None:
    desk.go_live()
    desk.meter("Booth en", QUIET)
    desk.after(PLAN.silent_after_s)
    assert desk.view("en").signal is SignalState.PRESENT
    assert not desk.view("en").alarm
    assert desk.interpreter_rows() == []


@pytest.mark.expected_log("console.services.interpretation")
def test_a_silent_channel_on_air_raises_the_alarm_and_records_the_outage(desk: Desk) -> None:
    go_silent(desk)
    assert desk.view("en").signal is SignalState.SILENT
    assert desk.view("en").alarm
    [row] = desk.interpreter_rows()
    assert (row.kind, row.language) == (AsRunKind.INTERPRETER, "en")
    assert dict(row.details) == {"event": "outage_start", "signal": "silent",
                                 "input": "Booth en"}


@pytest.mark.expected_log("console.services.interpretation")
def test_the_outage_ends_when_sound_returns_with_its_length(desk: Desk) -> None:
    go_silent(desk)
    desk.meter("Booth en", LOUD)
    desk.after(3.0)
    assert desk.view("en").signal is SignalState.PRESENT
    [end] = desk.events("outage_end")
    assert end.language == "en"
    assert dict(end.details) == {"event": "outage_end", "signal": "present", "outage_s": 3.0}


@pytest.mark.expected_log("console.services.interpretation")
def test_an_outage_is_recorded_once_however_long_it_lasts(desk: Desk) -> None:
    go_silent(desk)
    desk.after(10.0)
    desk.after(10.0)
    assert len(desk.events("outage_start")) == 1


@pytest.mark.expected_log("console.services.interpretation")
def test_an_input_muted_in_obs_on_air_is_an_outage_once_no_cough_explains_it(
        desk: Desk) -> None:
    desk.go_live()
    desk.mutes = {"Booth en": True, "Booth ur": False}
    desk.after(0.1)  # the desk sees the mute
    desk.after(MUTED_ALARM_AFTER_S - 0.5)
    view = desk.view("en")
    assert view.muted is True
    assert not view.alarm  # a cough's mute arrives a moment before the booth says so
    assert desk.view("ur").muted is False
    assert desk.view("ar").muted is None  # OBS said nothing of it
    assert "en: muted in OBS (Booth en)" in desk.desk.take_warnings(talk("ar"))
    desk.after(1.0)
    view = desk.view("en")
    assert view.alarm
    assert view.signal is SignalState.PRESENT  # OBS may still meter a muted input
    assert view.problem == "muted in OBS"
    assert view.to_json()["muted"] is True
    [row] = desk.events("outage_start")
    assert (row.language, row.details["muted"], row.details["signal"]) == (
        "en", True, "present")
    desk.mutes["Booth en"] = False
    desk.after(0.1)
    assert not desk.view("en").alarm
    [end] = desk.events("outage_end")
    assert end.details["outage_s"] == 0.1


def test_a_coughing_booth_muted_in_obs_is_no_outage(desk: Desk) -> None:
    desk.go_live()
    desk.booths.say("en", coughing=True)
    desk.mutes = {"Booth en": True}
    desk.after(MUTED_ALARM_AFTER_S + 5)
    assert not desk.view("en").on_air
    assert not desk.view("en").alarm
    assert desk.interpreter_rows()[-1].details["event"] == "booth"


@pytest.mark.expected_log("console.services.interpretation")
def test_a_missing_input_on_air_is_no_input(desk: Desk) -> None:
    desk.meters = {"Floor (ar)": LOUD, "Booth en": LOUD}
    desk.after(NO_METERS_AFTER_S + 0.1)
    desk.go_live()
    assert desk.view("ur").signal is SignalState.NO_INPUT
    assert desk.view("ur").to_json()["signal"] == "no input"
    [row] = desk.events("outage_start")
    assert (row.language, row.details["signal"]) == ("ur", "no input")


def test_without_meters_every_signal_is_unknown(desk: Desk) -> None:
    desk.meters = None
    desk.go_live()
    assert {view.signal for view in desk.desk.views} == {SignalState.UNKNOWN}
    assert desk.view("en").to_json()["level_db"] is None
    assert desk.interpreter_rows() == []


def test_nothing_is_recorded_by_a_console_that_does_not_run_the_show(desk: Desk) -> None:
    desk.runs_the_show = False
    go_silent(desk)  # no WARNING either: the console that runs the show raises it
    assert desk.view("en").alarm
    desk.booths.say("en", ready=True)
    assert desk.interpreter_rows() == []


def test_nothing_is_on_air_while_nothing_is_live(desk: Desk) -> None:
    desk.meters = {"Floor (ar)": QUIET, "Booth en": QUIET}
    desk.after(PLAN.silent_after_s + 1)
    assert [view.on_air for view in desk.desk.views] == [False, False, False]
    assert desk.view("en").signal is SignalState.PRESENT
    assert desk.view("ur").signal is SignalState.NO_INPUT
    assert not any(view.alarm for view in desk.desk.views)
    assert desk.interpreter_rows() == []


def test_nothing_is_on_air_in_rehearsal(desk: Desk) -> None:
    desk.aio.run(desk.runner.set_rehearsal(True))
    desk.meters = {"Floor (ar)": QUIET}
    desk.go_live()
    desk.after(PLAN.silent_after_s + 1)
    assert not any(view.on_air or view.alarm for view in desk.desk.views)
    assert desk.interpreter_rows() == []


def test_on_air_live_are_the_floor_and_the_booths_that_interpret(desk: Desk) -> None:
    desk.go_live()
    assert [(v.language, v.on_air, v.mode) for v in desk.desk.views] == [
        ("ar", True, ChannelMode.FLOOR), ("en", True, ChannelMode.DIRECT),
        ("ur", True, ChannelMode.DIRECT)]


def test_a_booth_quiet_through_the_break_is_not_silent_at_the_take(desk: Desk) -> None:
    desk.meter("Booth en", QUIET)
    desk.after(60.0)
    desk.go_live()
    desk.after(0.1)
    assert desk.view("en").signal is SignalState.PRESENT
    assert desk.interpreter_rows() == []


# -- what is announced -------------------------------------------------------------------


def listen(desk: Desk) -> list[tuple[ChannelView, ...]]:
    heard: list[tuple[ChannelView, ...]] = []
    desk.desk.changed.connect(heard.append)
    return heard


def test_changed_does_not_fire_when_only_a_level_changes(desk: Desk) -> None:
    heard = listen(desk)
    desk.meter("Booth en", MeterReading(-30.0, -25.0))
    desk.after(0.1)
    assert heard == []
    assert desk.desk.levels()["en"][0] == -30.0
    assert desk.view("en").level_db == -30.0


def test_changed_fires_when_a_signal_state_changes(desk: Desk) -> None:
    heard = listen(desk)
    desk.meter("Booth en", MeterReading(-3.0, 0.0))
    desk.after(0.1)
    assert len(heard) == 1
    assert heard[0] == desk.desk.views
    assert desk.view("en").signal is SignalState.CLIPPING


def test_changed_fires_when_a_booth_says_something(desk: Desk) -> None:
    heard = listen(desk)
    desk.booths.say("en", ready=True, interpreter="Amal")
    assert len(heard) == 1
    assert (desk.view("en").ready, desk.view("en").interpreter) == (True, "Amal")


# -- booths -------------------------------------------------------------------------------


def test_a_booth_change_is_recorded_once_per_change_of_facts(desk: Desk) -> None:
    desk.booths.say("en", ready=True, interpreter="Amal")
    desk.booths.say("en", coughing=True)  # a cough is no fact for the record
    desk.booths.say("en", coughing=False)
    desk.booths.say("en", ready=False)
    rows = desk.events("booth")
    assert [(row.language, row.details["ready"]) for row in rows] == [
        ("en", True), ("en", False)]
    assert dict(rows[0].details) == {"event": "booth", "ready": True, "interpreter": "Amal",
                                     "console": "booth-en"}


def test_an_override_is_recorded_with_who_made_it(desk: Desk) -> None:
    desk.booths.say("ur", ready=True, override_by="Stage manager")
    desk.booths.say("ur", ready=True, override_by=None)  # the booth confirms it itself
    rows = desk.events("booth")
    assert [(row.details["ready"], row.details.get("override_by")) for row in rows] == [
        (True, "Stage manager"), (True, None)]
    assert desk.desk.view("ur") is not None
    assert desk.view("ur").override_by is None


def test_each_booth_is_recorded_for_its_own_language(desk: Desk) -> None:
    desk.booths.say("en", ready=True)
    desk.booths.say("ur", ready=True)
    assert [row.language for row in desk.events("booth")] == ["en", "ur"]


# -- a take's warnings -----------------------------------------------------------------


def talk(speaker_language: str | None = None) -> Segment:
    """The sample talk, or the same talk given by someone speaking ``speaker_language``."""
    segment = find_segment(sample_show(), TALK)
    assert segment is not None
    if speaker_language is None:
        return segment
    return replace(segment, speakers=(Speaker("Someone", speaker_language),))


def test_take_warnings_name_booths_not_ready_and_missing_inputs(desk: Desk) -> None:
    desk.meters = {"Floor (ar)": LOUD, "Booth en": LOUD}
    desk.after(NO_METERS_AFTER_S + 0.1)
    desk.booths.say("en", ready=True)
    assert desk.desk.take_warnings(talk()) == [
        "ur: no input in OBS (Booth ur)", "ur: the booth is not ready"]


def test_take_warnings_are_empty_when_every_booth_is_ready(desk: Desk) -> None:
    desk.booths.say("en", ready=True)
    desk.booths.say("ur", ready=True)
    assert desk.desk.take_warnings(talk()) == []


def test_take_warnings_leave_out_a_booth_that_rests_on_the_floor(desk: Desk) -> None:
    desk.booths.say("ur", ready=True)
    # An English speaker: the English booth rests, Urdu relays nothing (its pivot rests).
    assert desk.desk.take_warnings(talk("en")) == ["ur: no booth can serve it (no pivot)"]


def test_take_warnings_name_channels_no_booth_can_serve(desk: Desk) -> None:
    desk.booths.say("en", ready=True)
    desk.booths.say("ur", ready=True)
    assert desk.desk.take_warnings(talk("ja")) == [
        "en: no booth can serve it (no pivot)", "ur: no booth can serve it (no pivot)"]


# -- the control API's shape --------------------------------------------------------------


def test_a_channel_view_as_json_has_exactly_the_api_keys(desk: Desk) -> None:
    desk.booths.say("en", ready=True, interpreter="Amal")
    desk.go_live()
    assert desk.view("en").to_json() == {
        "language": "en", "obs": "main", "input": "Booth en", "ready": True,
        "signal": "present", "level_db": -20.0, "on_air": True, "interpreter": "Amal",
        "mode": "direct", "relay_from": None, "alarm": False, "muted": None}


def test_a_channel_no_booth_spoke_for_has_no_readiness_or_interpreter(desk: Desk) -> None:
    as_json = desk.view("ur").to_json()
    assert (as_json["ready"], as_json["interpreter"], as_json["on_air"]) == (None, None, False)


def test_closing_the_desk_stops_following_the_booths(desk: Desk) -> None:
    heard: list[tuple[ChannelView, ...]] = []
    desk.aio.run(desk.desk.close())
    desk.desk.changed.connect(heard.append)
    desk.booths.say("en", ready=True)
    assert heard == []
    assert desk.events("booth") == []


@pytest.mark.expected_log("console.services.interpretation")
def test_a_console_that_takes_over_during_an_outage_records_it_from_then(desk: Desk) -> None:
    desk.runs_the_show = False
    go_silent(desk)
    desk.after(5.0)
    desk.runs_the_show = True
    desk.after(2.0)
    desk.meter("Booth en", LOUD)
    desk.after(1.0)
    [start] = desk.events("outage_start")
    [end] = desk.events("outage_end")
    assert start.language == end.language == "en"
    assert end.details["outage_s"] == 1.0  # from the takeover's first look, not before
