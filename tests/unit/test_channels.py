"""Channel plans: the six-track rule, floor and pivot rules, the default plan, and which
booth speaks for which language while someone is on the floor."""

from __future__ import annotations

from dataclasses import replace

from console.models.channels import (
    MAIN_OBS,
    ChannelConfig,
    ChannelMode,
    ChannelPlan,
    ChannelRole,
    PlanProblem,
    ReadinessPolicy,
    channel_modes,
    default_plan,
    input_name,
    plan_problems,
)

FLOOR = ChannelConfig("en", MAIN_OBS, "Floor (en)", (1,), floor=True)
FR = ChannelConfig("fr", MAIN_OBS, "Booth fr", (2,), covers=("en",))
DE = ChannelConfig("de", MAIN_OBS, "Booth de", (3,), covers=("en",), pivot="fr")
ES = ChannelConfig("es", MAIN_OBS, "Booth es", (4,), covers=("en", "fr"), pivot="fr")
SOUND = ChannelPlan((FLOOR, FR, DE, ES))


def problems(*channels: ChannelConfig, floor_language: str = "en") -> list[str]:
    return [str(p) for p in plan_problems(ChannelPlan(channels), floor_language)]


def booth(language: str, track: int, obs: str = MAIN_OBS) -> ChannelConfig:
    return ChannelConfig(language, obs, input_name(language), (track,), covers=("en",))


# -- the plan itself ----------------------------------------------------------------


def test_plan_finds_channels_floor_and_obs_names_in_order() -> None:
    plan = ChannelPlan((FLOOR, replace(FR, obs="second"), DE))
    assert plan.channel("fr") == replace(FR, obs="second")
    assert plan.channel("zh") is None
    assert plan.floor == FLOOR
    assert plan.obs_names == (MAIN_OBS, "second")


def test_an_empty_plan_has_no_floor_and_warns_by_default() -> None:
    plan = ChannelPlan()
    assert plan.floor is None
    assert plan.readiness is ReadinessPolicy.WARN
    assert plan.silent_after_s == 5.0


def test_a_problem_reads_as_field_then_problem() -> None:
    assert str(PlanProblem("floor", "missing")) == "floor: missing"


def test_a_sound_plan_has_no_problems() -> None:
    assert plan_problems(SOUND, "en") == []


# -- the six-track rule -------------------------------------------------------------


def test_seven_mixes_on_one_obs_are_refused_with_a_second_obs_instance() -> None:
    languages = ["fr", "de", "es", "ar", "zh", "ru"]
    plan = (FLOOR, *(booth(language, index % 6 + 1) for index, language in
                     enumerate(languages, start=1)))
    found = [p for p in plan_problems(ChannelPlan(plan), "en") if "mixes" in p.problem]
    assert len(found) == 1
    assert found[0].field == f"OBS {MAIN_OBS!r}"
    assert "7 mixes (en, fr, de, es, ar, zh, ru) do not fit one OBS" in found[0].problem
    assert "Put 1 of them on a second OBS instance" in found[0].problem


def test_six_mixes_fit_one_obs() -> None:
    plan = (FLOOR, *(booth(language, track) for track, language in
                     enumerate(["fr", "de", "es", "ar", "zh"], start=2)))
    assert problems(*plan) == []


def test_seven_mixes_over_two_obs_instances_fit() -> None:
    plan = (FLOOR, *(booth(language, track) for track, language in
                     enumerate(["fr", "de", "es", "ar", "zh"], start=2)),
            booth("ru", 1, obs="second"))
    assert problems(*plan) == []


def test_two_mixes_on_one_track_of_one_obs_are_refused() -> None:
    assert problems(FLOOR, FR, replace(DE, tracks=(2,), pivot=None)) == [
        f"OBS {MAIN_OBS!r}: track 2 carries both fr and de: each mix needs a track of its own"]


def test_the_same_track_on_two_obs_instances_is_fine() -> None:
    assert problems(FLOOR, FR, replace(DE, obs="second", tracks=(2,), pivot=None)) == []


def test_tracks_outside_one_to_six_are_refused() -> None:
    found = problems(FLOOR, replace(FR, tracks=(0, 7)))
    assert "channel fr: track 0 does not exist: an OBS output has tracks 1 to 6" in found
    assert "channel fr: track 7 does not exist: an OBS output has tracks 1 to 6" in found


def test_a_channel_without_a_track_is_refused() -> None:
    assert problems(FLOOR, replace(FR, tracks=())) == ["channel fr: it goes to no audio track"]


def test_a_mix_may_go_to_several_tracks() -> None:
    assert problems(FLOOR, replace(FR, tracks=(2, 5))) == []


# -- channels ---------------------------------------------------------------------------


def test_a_language_with_two_channels_is_refused() -> None:
    assert "channel fr: the language has two channels" in problems(
        FLOOR, FR, replace(FR, input="Booth fr 2", tracks=(3,)))


def test_a_channel_without_an_input_is_refused() -> None:
    assert problems(FLOOR, replace(FR, input="  ")) == ["channel fr: no OBS input carries it"]


def test_a_control_character_in_an_input_name_is_refused() -> None:
    found = problems(FLOOR, replace(FR, input="Booth\x00fr"))
    assert len(found) == 1
    assert found[0].startswith("channel fr: channel fr: input: contains the control character "
                               "U+0000")


# -- the floor ----------------------------------------------------------------------


def test_a_plan_without_a_floor_channel_is_refused() -> None:
    assert problems(FR) == ["floor: a plan needs exactly one floor channel, not 0"]


def test_a_plan_with_two_floor_channels_is_refused() -> None:
    second_floor = ChannelConfig("en", "second", "Floor 2", (1,), floor=True)
    assert "floor: a plan needs exactly one floor channel, not 2" in problems(
        FLOOR, second_floor)


def test_the_floor_channel_must_carry_the_shows_floor_language() -> None:
    assert problems(FLOOR, FR, floor_language="ar") == [
        "floor: the floor channel carries 'en' but the show's floor language is 'ar'"]


# -- pivots -------------------------------------------------------------------------


def test_a_pivot_that_has_no_channel_is_refused() -> None:
    assert problems(FLOOR, FR, replace(DE, pivot="zh")) == [
        "channel de: its pivot 'zh' is not another booth"]


def test_the_floor_is_no_pivot() -> None:
    assert problems(FLOOR, FR, replace(DE, pivot="en")) == [
        "channel de: its pivot 'en' is not another booth"]


def test_a_booth_is_not_its_own_pivot() -> None:
    assert problems(FLOOR, replace(FR, pivot="fr")) == [
        "channel fr: its pivot 'fr' is not another booth"]


# -- the default plan ---------------------------------------------------------------


def test_default_plan_puts_the_floor_first_and_one_booth_per_language() -> None:
    plan = default_plan("ar", ["en", "ar", "fr"])
    assert [c.language for c in plan.channels] == ["ar", "en", "fr"]
    assert plan.channels[0] == ChannelConfig("ar", MAIN_OBS, "Floor (ar)", (1,), floor=True)
    assert plan.channel("en") == ChannelConfig("en", MAIN_OBS, "Booth en", (2,),
                                               covers=("ar",))
    assert plan.channel("fr") == ChannelConfig("fr", MAIN_OBS, "Booth fr", (3,),
                                               covers=("ar",), pivot="en")
    assert plan_problems(plan, "ar") == []


def test_default_plan_of_the_floor_alone_has_no_pivot() -> None:
    plan = default_plan("ar", [])
    assert [(c.language, c.pivot) for c in plan.channels] == [("ar", None)]
    assert plan_problems(plan, "ar") == []


def test_default_plan_puts_the_seventh_language_on_the_second_obs() -> None:
    plan = default_plan("en", ["fr", "de", "es", "ar", "zh", "ru"], ("main", "second"))
    assert [c.obs for c in plan.channels] == ["main"] * 6 + ["second"]
    assert plan.channel("ru") == ChannelConfig("ru", "second", "Booth ru", (1,),
                                               covers=("en",), pivot="fr")
    assert plan_problems(plan, "en") == []


def test_default_plan_with_one_obs_and_seven_languages_says_to_add_an_obs() -> None:
    plan = default_plan("en", ["fr", "de", "es", "ar", "zh", "ru"])
    assert plan.obs_names == (MAIN_OBS,)
    assert any("second OBS instance" in p.problem for p in plan_problems(plan, "en"))


# -- who speaks for whom ------------------------------------------------------------


def test_nobody_live_means_the_floor_language_is_spoken() -> None:
    assert channel_modes(SOUND, None, "en") == channel_modes(SOUND, "en", "en") == {
        "en": ChannelRole(ChannelMode.FLOOR), "fr": ChannelRole(ChannelMode.DIRECT),
        "de": ChannelRole(ChannelMode.DIRECT), "es": ChannelRole(ChannelMode.DIRECT)}


def test_a_booth_whose_language_the_speaker_speaks_rests_on_the_floor() -> None:
    roles = channel_modes(SOUND, "fr", "en")
    assert roles["fr"] == ChannelRole(ChannelMode.FLOOR)
    assert roles["en"] == ChannelRole(ChannelMode.FLOOR)


def test_a_booth_that_covers_the_speaker_interprets_directly() -> None:
    assert channel_modes(SOUND, "fr", "en")["es"] == ChannelRole(ChannelMode.DIRECT)


def test_a_booth_that_does_not_cover_the_speaker_relays_from_a_direct_pivot() -> None:
    plan = ChannelPlan((FLOOR, replace(FR, covers=("en", "ja")), DE))
    roles = channel_modes(plan, "ja", "en")
    assert roles["fr"] == ChannelRole(ChannelMode.DIRECT)
    assert roles["de"] == ChannelRole(ChannelMode.RELAY, "fr")


def test_no_source_when_the_pivot_does_not_interpret_directly() -> None:
    roles = channel_modes(SOUND, "ja", "en")
    assert roles["fr"] == ChannelRole(ChannelMode.NO_SOURCE)
    assert roles["de"] == ChannelRole(ChannelMode.NO_SOURCE)


def test_no_source_when_the_pivot_rests_on_the_floor() -> None:
    # The speaker speaks French: the French booth rests, so it interprets nothing to relay.
    assert channel_modes(SOUND, "fr", "en")["de"] == ChannelRole(ChannelMode.NO_SOURCE)


def test_no_source_without_a_pivot() -> None:
    assert channel_modes(ChannelPlan((FLOOR, FR)), "ja", "en")["fr"].mode is \
        ChannelMode.NO_SOURCE
