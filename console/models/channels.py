"""The interpretation channels of a show: which audio carries which language, where.

The floor channel carries the room's own sound (the floor language); each
interpretation channel carries one booth's voice. A channel is an OBS input on one
OBS connection, sent to one or more of that OBS's output audio tracks. An OBS
output has six audio tracks and no more: :func:`plan_problems` says plainly when
the mixes do not fit one OBS (seven languages need a second OBS instance).

Which booth speaks for a language depends on who is on the floor
(:func:`channel_modes`): a booth whose language the speaker speaks rests (the
floor serves it), a booth that understands the speaker interprets directly, and
one that does not takes relay from its pivot booth.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from console.models.limits import MAX_NAME, check_text

TRACKS_PER_OUTPUT = 6  # OBS: Get/SetInputAudioTracks know tracks "1" to "6"
MAIN_OBS = "main"


@dataclass(frozen=True)
class ChannelConfig:
    language: str  # BCP-47 code, e.g. "fr"
    obs: str  # the name of the OBS connection that carries it
    input: str  # the OBS input with this language's audio
    tracks: tuple[int, ...]  # the output audio tracks it goes to, 1 to 6
    destination: str = ""  # where the mix goes (a stream, a channel of the player)
    floor: bool = False  # the room's own sound
    covers: tuple[str, ...] = ()  # languages the booth interprets from directly
    pivot: str | None = None  # the booth whose interpretation it relays otherwise


class ReadinessPolicy(enum.StrEnum):
    """What a take does when a channel that will be on air is not ready or has no sound."""

    WARN = "warn"  # take, and say which channels are not ready
    REQUIRE = "require"  # refuse unless the operator confirms an override


@dataclass(frozen=True)
class ChannelPlan:
    channels: tuple[ChannelConfig, ...] = ()
    silent_after_s: float = 5.0  # silence on air longer than this raises the alarm
    readiness: ReadinessPolicy = ReadinessPolicy.WARN

    def channel(self, language: str) -> ChannelConfig | None:
        return next((c for c in self.channels if c.language == language), None)

    @property
    def floor(self) -> ChannelConfig | None:
        return next((c for c in self.channels if c.floor), None)

    @property
    def obs_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.obs for c in self.channels))


@dataclass(frozen=True)
class PlanProblem:
    """One thing wrong with a plan, in words for the operator; ``field`` says where."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


def plan_problems(plan: ChannelPlan, floor_language: str,
                  languages: Iterable[str] | None = None,
                  obs_names: Iterable[str] | None = None) -> list[PlanProblem]:
    """Everything that keeps ``plan`` from working for a show with ``floor_language`` and
    interpretation ``languages`` (when given), on the OBS connections ``obs_names`` (when
    given); empty when it is sound."""
    problems: list[PlanProblem] = []
    problems += _floor_problems(plan, floor_language)
    if languages is not None:
        problems += _coverage_problems(plan, languages)
    if obs_names is not None:
        problems += _connection_problems(plan, set(obs_names))
    problems += _channel_problems(plan.channels)
    for obs, channels in _by_obs(plan.channels).items():
        problems += _track_problems(obs, channels)
    problems += _pivot_problems(plan)
    return problems


def _floor_problems(plan: ChannelPlan, floor_language: str) -> list[PlanProblem]:
    floors = [c for c in plan.channels if c.floor]
    if len(floors) != 1:
        return [PlanProblem("floor", f"a plan needs exactly one floor channel, not "
                                     f"{len(floors)}")]
    if floors[0].language != floor_language:
        return [PlanProblem("floor", f"the floor channel carries {floors[0].language!r} but "
                                     f"the show's floor language is {floor_language!r}")]
    return []


def _coverage_problems(plan: ChannelPlan, languages: Iterable[str]) -> list[PlanProblem]:
    return [PlanProblem(f"channel {language}", "the show is interpreted into it but no "
                                               "channel carries it")
            for language in languages if plan.channel(language) is None]


def _connection_problems(plan: ChannelPlan, known: set[str]) -> list[PlanProblem]:
    return [PlanProblem(f"OBS {obs!r}", f"this console has no OBS connection called {obs!r} "
                                        f"(start it with --extra-obs {obs}=ws://HOST:PORT)")
            for obs in plan.obs_names if obs not in known]


def _channel_problems(channels: Iterable[ChannelConfig]) -> list[PlanProblem]:
    problems: list[PlanProblem] = []
    seen: set[str] = set()
    for channel in channels:
        where = f"channel {channel.language}"
        if channel.language in seen:
            problems.append(PlanProblem(where, "the language has two channels"))
        seen.add(channel.language)
        try:
            check_text(channel.input, f"{where}: input", max_length=MAX_NAME)
            check_text(channel.destination, f"{where}: destination", max_length=MAX_NAME)
        except ValueError as error:
            problems.append(PlanProblem(where, str(error)))
        if not channel.input.strip():
            problems.append(PlanProblem(where, "no OBS input carries it"))
        if not channel.tracks:
            problems.append(PlanProblem(where, "it goes to no audio track"))
        for track in channel.tracks:
            if not 1 <= track <= TRACKS_PER_OUTPUT:
                problems.append(PlanProblem(where, f"track {track} does not exist: an OBS "
                                                   f"output has tracks 1 to {TRACKS_PER_OUTPUT}"))
    return problems


def _track_problems(obs: str, channels: list[ChannelConfig]) -> list[PlanProblem]:
    problems: list[PlanProblem] = []
    if len(channels) > TRACKS_PER_OUTPUT:
        names = ", ".join(c.language for c in channels)
        problems.append(PlanProblem(
            f"OBS {obs!r}", f"{len(channels)} mixes ({names}) do not fit one OBS: an output "
            f"has {TRACKS_PER_OUTPUT} audio tracks. Put {len(channels) - TRACKS_PER_OUTPUT} of "
            "them on a second OBS instance"))
        return problems  # which track is shared follows from that: one problem, said once
    owners: dict[int, str] = {}
    for channel in channels:
        for track in channel.tracks:
            if track in owners and owners[track] != channel.language:
                problems.append(PlanProblem(
                    f"OBS {obs!r}", f"track {track} carries both {owners[track]} and "
                    f"{channel.language}: each mix needs a track of its own"))
            owners.setdefault(track, channel.language)
    return problems


def _pivot_problems(plan: ChannelPlan) -> list[PlanProblem]:
    problems: list[PlanProblem] = []
    for channel in plan.channels:
        if channel.pivot is None:
            continue
        pivot = plan.channel(channel.pivot)
        if pivot is None or pivot.floor or pivot.language == channel.language:
            problems.append(PlanProblem(f"channel {channel.language}",
                                        f"its pivot {channel.pivot!r} is not another booth"))
    return problems


def _by_obs(channels: Iterable[ChannelConfig]) -> dict[str, list[ChannelConfig]]:
    grouped: dict[str, list[ChannelConfig]] = defaultdict(list)
    for channel in channels:
        grouped[channel.obs].append(channel)
    return grouped


def input_name(language: str, floor: bool = False) -> str:
    """The OBS input a channel uses unless told otherwise ("Floor (ar)", "Booth fr")."""
    return f"Floor ({language})" if floor else f"Booth {language}"


def default_plan(floor_language: str, languages: Iterable[str],
                 obs_names: tuple[str, ...] = (MAIN_OBS,)) -> ChannelPlan:
    """The floor and one booth per language, six mixes to an OBS (the rest on the next
    OBS named), one track each; every booth interprets from the floor language and
    takes relay from the first booth otherwise."""
    ordered = [floor_language, *[language for language in languages
                                 if language != floor_language]]
    first_booth = ordered[1] if len(ordered) > 1 else None
    channels = []
    for index, language in enumerate(ordered):
        obs_index = min(index // TRACKS_PER_OUTPUT, len(obs_names) - 1)
        floor = language == floor_language
        pivot = None if floor or language == first_booth else first_booth
        channels.append(ChannelConfig(
            language=language, obs=obs_names[obs_index], input=input_name(language, floor),
            tracks=(index % TRACKS_PER_OUTPUT + 1,), floor=floor,
            covers=() if floor else (floor_language,), pivot=pivot))
    return ChannelPlan(tuple(channels))


class ChannelMode(enum.StrEnum):
    FLOOR = "floor"  # the speaker speaks this language: the floor sound serves it
    DIRECT = "direct"  # the booth interprets the speaker directly
    RELAY = "relay"  # the booth interprets its pivot booth
    NO_SOURCE = "no source"  # it understands neither the speaker nor a working pivot


@dataclass(frozen=True)
class ChannelRole:
    mode: ChannelMode
    relay_from: str | None = None  # the pivot language, in relay
    notes: tuple[str, ...] = field(default=())


def heard_on_air(channel: ChannelConfig | None, role: ChannelRole | None, *, live: bool,
                 rehearsal: bool, muted: bool = False) -> bool:
    """Whether the audience of a channel hears it now: a segment is live (not in
    rehearsal) and it is the floor, or a booth that does not rest on the floor and whose
    microphone is not ``muted`` (a cough). A channel no booth can serve is on air too:
    its listeners hear silence, which is an outage."""
    if not live or rehearsal or channel is None:
        return False
    if channel.floor:
        return True
    return role is not None and role.mode is not ChannelMode.FLOOR and not muted


def channel_modes(plan: ChannelPlan, speaker_language: str | None,
                  floor_language: str) -> Mapping[str, ChannelRole]:
    """What each channel does while someone speaking ``speaker_language`` is on the floor
    (None: nobody live, every booth stands by on the floor language)."""
    spoken = speaker_language or floor_language
    roles: dict[str, ChannelRole] = {}
    for channel in plan.channels:
        if channel.floor or channel.language == spoken:
            roles[channel.language] = ChannelRole(ChannelMode.FLOOR)
        elif spoken in channel.covers:
            roles[channel.language] = ChannelRole(ChannelMode.DIRECT)
    for channel in plan.channels:
        if channel.language in roles:
            continue
        pivot = plan.channel(channel.pivot) if channel.pivot else None
        if pivot is not None and roles.get(pivot.language, ChannelRole(
                ChannelMode.NO_SOURCE)).mode is ChannelMode.DIRECT:
            roles[channel.language] = ChannelRole(ChannelMode.RELAY, pivot.language)
        else:
            roles[channel.language] = ChannelRole(ChannelMode.NO_SOURCE)
    return roles
