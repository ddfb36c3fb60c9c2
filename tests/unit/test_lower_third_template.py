"""The lower-third template: fonts by script and language, and a bad file named by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from console.formats.lower_third_template import (
    TemplateError,
    default_template_path,
    load_template,
)

ARABIC = "ليلى حداد"
URDU = "عائشہ ملک"
LATIN = "Jane Doe"


def test_fonts_follow_script_then_language() -> None:
    template = load_template()
    assert template.families_for(ARABIC, "ar")[0] == "Noto Naskh Arabic"
    assert template.families_for(URDU, "ur-PK")[0] == "Noto Naskh Arabic"
    assert template.families_for("דוד", "he")[0] == "Noto Sans Hebrew"
    assert template.families_for(LATIN, "ur")[0] == "Noto Sans"
    assert template.families_for(LATIN, "en")[-1] == "DejaVu Sans"


def _template_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_template_path().read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["bar"].update(colour="red"), r"bar\.colour: expected a colour"),
    (lambda d: d["bar"].update(opacity=2), r"bar\.opacity: expected a number"),
    (lambda d: d["name"].pop("size_px"), r"name\.size_px: expected a whole number"),
    (lambda d: d["role"].update(min_size_px=99), r"role\.min_size_px: must not exceed"),
    (lambda d: d["fonts"]["scripts"].update(Arab=[]), r"fonts\.scripts\.Arab: expected a list"),
    (lambda d: d["bar"].update(colur="#000000"), r"bar\.colur: unknown field"),
    (lambda d: d.update(version=2), r"version: expected 1"),
])
def test_a_bad_template_names_the_file_and_the_field(tmp_path: Path, change: Any,
                                                     message: str) -> None:
    data = _template_data()
    change(data)
    path = tmp_path / "template.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TemplateError, match=message) as caught:
        load_template(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_broken_json_and_a_missing_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text('{"version": 1,\n "canvas": }', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"template\.json: line 2 column"):
        load_template(path)
    with pytest.raises(TemplateError, match=r"missing\.json: cannot read"):
        load_template(tmp_path / "missing.json")
