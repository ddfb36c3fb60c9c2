"""The lower-third template: how a rendered lower third looks, read from a JSON file.

``resources/lower-third/template.json`` holds the canvas size (OBS's canvas, so the
image needs no transform in the scene), the bar (colour, opacity, accent stripe,
margins, padding), the name and role lines (colour, size, the smallest size a long
name may shrink to, weight) and font families per script, with fallbacks, and per
script and language (``"Arab:ur"``).

:func:`load_template` reads and validates the file; a bad file raises
:class:`TemplateError` naming the file and the field (or the JSON line and column).
The types are plain data with no Qt: the renderer (``console/ui/lower_third_render.py``)
turns them into Qt sizes and fonts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console.models.lower_third import dominant_script, primary_language
from console.paths import resources_dir

DEFAULT_TEMPLATE = Path("lower-third") / "template.json"

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TemplateError(ValueError):
    """The lower-third template is missing, unreadable or has a bad field."""


@dataclass(frozen=True, slots=True)
class BarStyle:
    colour: str
    opacity: float
    accent_colour: str
    accent_width: int
    margin_left: int
    margin_right: int
    margin_bottom: int
    padding_x: int
    padding_y: int
    line_gap: int


@dataclass(frozen=True, slots=True)
class TextStyle:
    colour: str
    size_px: int
    min_size_px: int  # a long name shrinks down to this size, then is elided
    bold: bool


@dataclass(frozen=True, slots=True)
class LowerThirdTemplate:
    canvas_width: int
    canvas_height: int
    bar: BarStyle
    name: TextStyle
    role: TextStyle
    default_fonts: tuple[str, ...]
    script_fonts: Mapping[str, tuple[str, ...]]  # "Arab", or "Arab:ur" for one language
    source: Path | None = None

    def families_for(self, text: str, language: str) -> tuple[str, ...]:
        """Font families for ``text``, best first: ``script:language``, then ``script``,
        then the defaults (Qt falls back along the list, then to the system's fonts)."""
        script = dominant_script(text)
        chosen: list[str] = []
        for key in (f"{script}:{primary_language(language)}", script):
            chosen.extend(self.script_fonts.get(key, ()))
        chosen.extend(self.default_fonts)
        return tuple(dict.fromkeys(chosen))


class _Reader:
    """Reads typed fields out of the parsed JSON, naming the file and field on error."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, field: str, problem: str) -> TemplateError:
        return TemplateError(f"{self.path}: {field}: {problem}")

    def section(self, data: Mapping[str, Any], field: str, known: set[str]) -> dict[str, Any]:
        value = data.get(field.rsplit(".", 1)[-1])
        if not isinstance(value, dict):
            raise self.fail(field, f"expected an object, got {value!r}")
        unknown = sorted(set(value) - known)
        if unknown:
            raise self.fail(f"{field}.{unknown[0]}", "unknown field")
        return value

    def integer(self, data: Mapping[str, Any], field: str, low: int, high: int) -> int:
        value = data.get(field.rsplit(".", 1)[-1])
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(field, f"expected a whole number from {low} to {high}, got {value!r}")
        return value

    def number(self, data: Mapping[str, Any], field: str, low: float, high: float) -> float:
        value = data.get(field.rsplit(".", 1)[-1])
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                not math.isfinite(value) or not low <= value <= high:
            raise self.fail(field, f"expected a number from {low} to {high}, got {value!r}")
        return float(value)

    def colour(self, data: Mapping[str, Any], field: str) -> str:
        value = data.get(field.rsplit(".", 1)[-1])
        if not isinstance(value, str) or not _COLOUR.match(value):
            raise self.fail(field, f"expected a colour like \"#0b0d10\", got {value!r}")
        return value

    def boolean(self, data: Mapping[str, Any], field: str) -> bool:
        value = data.get(field.rsplit(".", 1)[-1])
        if not isinstance(value, bool):
            raise self.fail(field, f"expected true or false, got {value!r}")
        return value

    def families(self, value: Any, field: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or \
                not all(isinstance(item, str) and item.strip() for item in value):
            raise self.fail(field, f"expected a list of font family names, got {value!r}")
        return tuple(item.strip() for item in value)

    def text_style(self, data: Mapping[str, Any], field: str) -> TextStyle:
        section = self.section(data, field, {"colour", "size_px", "min_size_px", "bold"})
        size = self.integer(section, f"{field}.size_px", 8, 400)
        minimum = self.integer(section, f"{field}.min_size_px", 8, 400)
        if minimum > size:
            raise self.fail(f"{field}.min_size_px", f"must not exceed size_px ({size})")
        return TextStyle(colour=self.colour(section, f"{field}.colour"), size_px=size,
                         min_size_px=minimum, bold=self.boolean(section, f"{field}.bold"))


def default_template_path() -> Path:
    return resources_dir() / DEFAULT_TEMPLATE


def load_template(path: Path | None = None) -> LowerThirdTemplate:
    """Read a lower-third template (default: ``resources/lower-third/template.json``)."""
    path = path or default_template_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise TemplateError(f"{path}: cannot read the lower-third template: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TemplateError(f"{path}: line {error.lineno} column {error.colno}: "
                            f"not valid JSON: {error.msg}") from error
    read = _Reader(path)
    if not isinstance(data, dict):
        raise read.fail("(top level)", "expected an object")
    unknown = sorted(set(data) - {"version", "canvas", "bar", "name", "role", "fonts"})
    if unknown:
        raise read.fail(unknown[0], "unknown field")
    if data.get("version") != 1:
        raise read.fail("version", f"expected 1, got {data.get('version')!r}")

    canvas = read.section(data, "canvas", {"width", "height"})
    width = read.integer(canvas, "canvas.width", 64, 7680)
    height = read.integer(canvas, "canvas.height", 64, 4320)

    bar_fields = {"colour", "opacity", "accent_colour", "accent_width", "margin_left",
                  "margin_right", "margin_bottom", "padding_x", "padding_y", "line_gap"}
    bar_data = read.section(data, "bar", bar_fields)
    pixels = {name: read.integer(bar_data, f"bar.{name}", 0, max(width, height))
              for name in sorted(bar_fields - {"colour", "opacity", "accent_colour"})}
    bar = BarStyle(colour=read.colour(bar_data, "bar.colour"),
                   opacity=read.number(bar_data, "bar.opacity", 0.0, 1.0),
                   accent_colour=read.colour(bar_data, "bar.accent_colour"), **pixels)
    if bar.margin_left + bar.margin_right + 2 * bar.padding_x + bar.accent_width >= width // 2:
        raise read.fail("bar", "margins, padding and accent leave less than half the canvas "
                               "for the text")

    fonts = read.section(data, "fonts", {"default", "scripts"})
    default_fonts = read.families(fonts.get("default"), "fonts.default")
    scripts = fonts.get("scripts", {})
    if not isinstance(scripts, dict):
        raise read.fail("fonts.scripts", f"expected an object, got {scripts!r}")
    script_fonts = {key: read.families(value, f"fonts.scripts.{key}")
                    for key, value in scripts.items()}

    return LowerThirdTemplate(
        canvas_width=width, canvas_height=height, bar=bar,
        name=read.text_style(data, "name"), role=read.text_style(data, "role"),
        default_fonts=default_fonts, script_fonts=script_fonts, source=path)
