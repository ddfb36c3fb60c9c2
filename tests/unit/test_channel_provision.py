"""Channel provisioning decisions that need no OBS, and how its report reads."""

from __future__ import annotations

from typing import cast

from console.models.channels import ChannelPlan, default_plan
from console.obs.channel_provision import provision_channels
from console.obs.connection import ObsConnection
from console.obs.provision import ChannelOutcome, ChannelStatus, ProvisionReport, SceneSource
from tests.helpers.loops import LoopRunner

NO_OBS = cast(ObsConnection, object())  # any request would fail: none may be made


def test_a_show_without_interpretation_has_nothing_to_provision(aio: LoopRunner) -> None:
    report = aio.run(provision_channels(NO_OBS, ChannelPlan(), "ar"))
    assert report == ProvisionReport()
    assert report.describe() == ["nothing to create: OBS has everything the show needs"]


def test_a_plan_with_problems_asks_nothing_of_obs(aio: LoopRunner) -> None:
    plan = default_plan("ar", ["en", "fr", "es", "tr", "ur", "ms"])
    report = aio.run(provision_channels(NO_OBS, plan, "ar"))
    assert report.channels == []
    assert report.plan_problems
    assert report.describe()[0] == "nothing to create"
    assert report.describe()[1].startswith("channel plan: OBS 'main': 7 mixes")


def test_the_report_says_what_happened_to_each_channel() -> None:
    report = ProvisionReport(
        created=["Interpretation audio"],
        created_inputs=[SceneSource("Interpretation audio", "Floor (ar)", visible=True)],
        added_items=[SceneSource("Opening", "Interpretation audio", visible=True),
                     SceneSource("Speaker", "Lower third text")],
        channels=[
            ChannelOutcome("ar", "Floor (ar)", (1,), ChannelStatus.CREATED),
            ChannelOutcome("en", "Booth en", (2,), ChannelStatus.TRACKS_SET),
            ChannelOutcome("fr", "Booth fr", (3,), ChannelStatus.READY),
            ChannelOutcome("es", "Booth es", (4,), ChannelStatus.MISSING,
                           why="OBS has no input of that name"),
        ])
    assert report.changed_anything
    assert report.describe() == [
        "created scene 'Interpretation audio'",
        "created source 'Floor (ar)' in scene 'Interpretation audio'",
        "added source 'Interpretation audio' to scene 'Opening'",
        "added source 'Lower third text' to scene 'Speaker' (hidden)",
        "channel ar: input 'Floor (ar)' created as a placeholder, on track 1",
        "channel en: input 'Booth en' now goes to track 2",
        "channel es: input 'Booth es': OBS has no input of that name",
    ]
    assert report.audio_problems == ["channel es: input 'Booth es': OBS has no input of that name"]
    assert report.to_json()["channels"][1] == {
        "language": "en", "obs": "main", "input": "Booth en", "tracks": [2],
        "status": "tracks set"}
    assert report.to_json()["created"]["scene_items"][0] == {
        "scene": "Opening", "name": "Interpretation audio"}
