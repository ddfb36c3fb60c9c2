"""Preflight, pure: what the rundown needs that an OBS inventory lacks; and scene
collection files read offline (the real psykon collection among them)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.models.preflight import (
    LOWER_THIRD_IMAGE,
    LOWER_THIRD_TEXT,
    MissingItem,
    MissingKind,
    ObsInventory,
    preflight,
    scene_needs,
)
from console.models.show import Day, Segment, SegmentKind, Session, Show, Speaker, Stage
from console.obs.preflight import CollectionError, read_collection

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
PSYKON = REALDATA / "psykon-MB_Beam.json"
ZONE = ZoneInfo("Europe/Berlin")
LOWER_THIRDS = frozenset({LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE})


def segment(ident: str, scene: str | None, speakers: int = 0, minute: int = 0) -> Segment:
    return Segment(
        id=ident, kind=SegmentKind.TALK if speakers else SegmentKind.BREAK, title=ident,
        planned_start=datetime(2026, 5, 4, 9, minute, tzinfo=ZONE),
        planned_duration=timedelta(minutes=1),
        speakers=tuple(Speaker(f"Speaker {n}", "en") for n in range(speakers)), scene=scene,
    )


def show_of(*stages: tuple[str, tuple[Segment, ...]]) -> Show:
    return Show(name="Preflight", timezone="Europe/Berlin", floor_language="en", stages=tuple(
        Stage(name, (Day(date(2026, 5, 4), (Session("S", segments),)),))
        for name, segments in stages
    ))


SHOW = show_of(("Main", (
    segment("talk-1", "Speaker", speakers=1, minute=0),
    segment("break", "Break", minute=1),
    segment("talk-2", "Speaker", speakers=2, minute=2),
    segment("film", "Video", minute=3),
    segment("no-scene", None, speakers=1, minute=4),
    segment("cam", "CAM", speakers=1, minute=5),
)))


def test_an_obs_with_everything_passes_with_nothing_missing() -> None:
    inventory = ObsInventory(
        scenes={"Speaker": LOWER_THIRDS | {"Camera"}, "Break": frozenset(),
                "Video": frozenset(), "CAM": LOWER_THIRDS},
        inputs=LOWER_THIRDS | {"Camera"},
    )
    report = preflight(SHOW, inventory)
    assert report.ok
    assert report.missing == ()
    assert report.to_json() == {"ok": True, "missing": [],
                                "checked": {"scenes": 4, "sources": 4}}


def test_missing_scenes_block_and_missing_lower_thirds_warn() -> None:
    inventory = ObsInventory(scenes={"Speaker": frozenset({LOWER_THIRD_TEXT}),
                                     "Break": frozenset()},
                             inputs=frozenset({LOWER_THIRD_TEXT}))
    report = preflight(SHOW, inventory)
    assert not report.ok
    assert [item.to_json() for item in report.missing] == [
        {"kind": "source", "name": LOWER_THIRD_IMAGE, "scene": "Speaker",
         "segments": ["talk-1", "talk-2"], "blocking": False},
        {"kind": "scene", "name": "Video", "scene": "Video", "segments": ["film"],
         "blocking": True},
        {"kind": "scene", "name": "CAM", "scene": "CAM", "segments": ["cam"], "blocking": True},
        {"kind": "source", "name": LOWER_THIRD_TEXT, "scene": "CAM", "segments": ["cam"],
         "blocking": False},
        {"kind": "source", "name": LOWER_THIRD_IMAGE, "scene": "CAM", "segments": ["cam"],
         "blocking": False},
    ]
    assert [item.name for item in report.blocking] == ["Video", "CAM"]


def test_only_warnings_is_ok() -> None:
    inventory = ObsInventory(scenes=dict.fromkeys(("Speaker", "Break", "Video", "CAM"),
                                                  frozenset()))
    report = preflight(SHOW, inventory)
    assert report.ok
    assert {item.kind for item in report.missing} == {MissingKind.SOURCE}
    assert len(report.missing) == 4


def test_scene_names_match_exactly() -> None:
    inventory = ObsInventory(scenes={"speaker": LOWER_THIRDS, "Speaker ": LOWER_THIRDS})
    names = [item.name for item in preflight(SHOW, inventory).blocking]
    assert "Speaker" in names


def test_one_stage_only() -> None:
    show = show_of(("Main", (segment("a", "Main cam", speakers=1),)),
                   ("Side", (segment("b", "Side cam"),)))
    report = preflight(show, ObsInventory(), stage="Side")
    assert [item.name for item in report.missing] == ["Side cam"]
    assert [need.scene for need in scene_needs(show)] == ["Main cam", "Side cam"]
    with pytest.raises(ValueError, match="no stage 'Nowhere'"):
        preflight(show, ObsInventory(), stage="Nowhere")


def test_an_empty_show_needs_nothing() -> None:
    report = preflight(show_of(), ObsInventory())
    assert report.ok
    assert report.to_json()["checked"] == {"scenes": 0, "sources": 0}


def test_items_describe_themselves() -> None:
    item = MissingItem(MissingKind.SOURCE, LOWER_THIRD_TEXT, "Panel", ("a", "b"), False)
    assert item.describe() == \
        "source 'Lower third text' is missing from scene 'Panel' (needed by 2 segments)"


# -- scene collection files ------------------------------------------------------


def test_the_real_psykon_collection_parses() -> None:
    inventory = read_collection(PSYKON)
    assert set(inventory.scenes) == {
        "_Droidcam", "Calibration", "_BGMusic", "FAKESLIDES", "COMPO2", "Clock", "COUNTDOWN",
        "COMPO1", "SLIDES", "CAM", "Playground", "_BG", "MESSAGE", "_BG_Cowee",
    }
    assert inventory.scenes["CAM"] == {"BM_Cam"}
    # nested scenes are items by name; GDI+ text sources (text_gdiplus_v2) are inputs
    assert inventory.scenes["COUNTDOWN"] == {"_BGMusic", "_BG", "Timer", "CountdownText"}
    assert {"Timer", "tx_01", "BM_Cam", "CalibrationImage"} <= inventory.inputs
    assert not set(inventory.scenes) & inventory.inputs


def test_preflight_against_the_psykon_collection() -> None:
    report = preflight(SHOW, read_collection(PSYKON))
    assert [item.name for item in report.blocking] == ["Speaker", "Break", "Video"]
    cam = [item for item in report.missing if item.scene == "CAM"]
    assert [(item.name, item.blocking) for item in cam] == \
        [(LOWER_THIRD_TEXT, False), (LOWER_THIRD_IMAGE, False)]


def write(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "collection.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_obs30_items_by_uuid_and_groups(tmp_path: Path) -> None:
    path = write(tmp_path, {
        "name": "Thirty",
        "sources": [
            {"id": "text_ft2_source", "versioned_id": "text_ft2_source_v2",
             "name": LOWER_THIRD_TEXT, "uuid": "u-text"},
            {"id": "image_source", "name": LOWER_THIRD_IMAGE, "uuid": "u-image"},
            {"id": "scene", "name": "Speaker", "uuid": "u-scene", "settings": {"items": [
                {"source_uuid": "u-text"},
                {"name": "Captions", "source_uuid": "u-group"},
            ]}},
        ],
        "groups": [{"id": "group", "name": "Captions", "uuid": "u-group",
                    "settings": {"items": [{"source_uuid": "u-image"}]}}],
    })
    inventory = read_collection(path)
    assert inventory.scenes == {"Speaker": {LOWER_THIRD_TEXT, "Captions", LOWER_THIRD_IMAGE}}
    assert inventory.inputs == {LOWER_THIRD_TEXT, LOWER_THIRD_IMAGE}
    assert not [item for item in preflight(SHOW, inventory).missing if item.scene == "Speaker"]


@pytest.mark.parametrize(("document", "message"), [
    ([], r"collection.json: \$: expected an object, found a list"),
    ({"name": "x"}, r"\$.sources: missing"),
    ({"sources": {}}, r"\$.sources: expected a list, found an object"),
    ({"sources": [{"id": "scene"}]}, r"\$.sources\[0\].name: expected a non-empty string"),
    ({"sources": [{"id": "scene", "name": "A", "settings": {"items": [{}]}}]},
     r"\$.sources\[0\].settings.items\[0\]: a scene item with neither"),
    ({"sources": [{"id": "scene", "name": "A", "settings": {"items": [
        {"source_uuid": "nope"}]}}]},
     r"\$.sources\[0\].settings.items\[0\].source_uuid: 'nope' is not the uuid"),
    ({"sources": [{"id": "scene", "name": "A", "settings": {"items": 3}}]},
     r"\$.sources\[0\].settings.items: expected a list, found a number"),
    ({"sources": [], "groups": [{"name": "G", "settings": []}]},
     r"\$.groups\[0\].settings: expected an object, found a list"),
])
def test_a_broken_collection_names_the_file_and_the_json_path(
    tmp_path: Path, document: object, message: str,
) -> None:
    with pytest.raises(CollectionError, match=message) as raised:
        read_collection(write(tmp_path, document))
    assert str(raised.value).startswith(str(tmp_path / "collection.json"))


def test_not_json_and_no_file(tmp_path: Path) -> None:
    path = tmp_path / "collection.json"
    path.write_text('{"sources": [', encoding="utf-8")
    with pytest.raises(CollectionError, match=r"collection.json: not valid JSON at line 1"):
        read_collection(path)
    with pytest.raises(CollectionError, match=r"absent.json: cannot read"):
        read_collection(tmp_path / "absent.json")
