"""The Now/Next panel's lower-third preview: the rendered frame, scaled, and its empty state."""

from __future__ import annotations

from typing import Any

from console.models.lower_third import LowerThird
from console.ui.lower_third_preview import LowerThirdPreview

ARABIC = "ليلى حداد"


def test_preview_shows_the_rendered_frame(qtbot: Any) -> None:
    preview = LowerThirdPreview()
    qtbot.addWidget(preview)
    preview.resize(480, 270)
    assert preview.image() is None
    preview.grab()  # paints the empty state

    lower = LowerThird(ARABIC, None, "ar")
    preview.set_lower_third(lower)
    assert preview.lower_third == lower
    image = preview.image()
    assert image is not None
    assert (image.width(), image.height()) == (1920, 1080)
    assert preview.toolTip() == ARABIC
    assert preview.heightForWidth(480) == 270

    shot = preview.grab().toImage()
    rendered = preview.rendered
    assert rendered is not None
    bar = rendered.bar_rect
    # The bar, scaled by 1/4, is where the preview draws it.
    centre = shot.pixelColor(bar.center().x() // 4, bar.top() // 4 + 2)
    assert centre.red() < 60  # the dark bar, not the checkerboard
    preview.set_lower_third(None)
    assert preview.image() is None
