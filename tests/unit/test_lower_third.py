"""A speaker's lower third: which names need an image, direction, script."""

from __future__ import annotations

import pytest

from console.models.lower_third import (
    Direction,
    LowerThird,
    base_direction,
    dominant_script,
    needs_rendered_image,
)
from console.models.show import Speaker

ARABIC = "ليلى حداد"
URDU = "عائشہ ملک"
LATIN = "Jane Doe"


@pytest.mark.parametrize("text", [
    ARABIC, URDU, "דוד לוי", "ܐܦܪܝܡ", "ދިވެހި", "ߒߞߏ", "अनन्ya", "প্রিয়া", "สมชาย",
    "Jane \u0661\u0662", "Maria\u200d", "Farouq\u0301", "Ali \ufefb",
])
def test_right_to_left_and_complex_scripts_need_an_image(text: str) -> None:
    assert needs_rendered_image(text)


@pytest.mark.parametrize("text", [
    LATIN, "Zoë Müller-Łukasiewicz", "José Nguyễn", "Ольга Петрова", "Γιώργος", "O'Brien (Chair)",
    "Jose\u0301", "Nguye\u0302\u0303n\u0323",  # decomposed, but NFC folds them
    "", None,
])
def test_latin_greek_cyrillic_do_not(text: str | None) -> None:
    assert not needs_rendered_image(text)


def test_lower_third_from_a_speaker() -> None:
    lower = LowerThird.from_speaker(Speaker(name=f" {ARABIC} ", language="ar",
                                            affiliation="Minister of Culture"))
    assert lower == LowerThird(ARABIC, "Minister of Culture", "ar")
    assert lower.needs_image  # the name alone decides it
    assert lower.direction is Direction.RTL
    assert lower.script == "Arab"
    assert LowerThird.from_speaker(Speaker(name=LATIN, language="en")).role is None
    latin = LowerThird(LATIN, "Chair", "en")
    assert not latin.needs_image
    assert latin.plain_text == "Jane Doe\nChair"
    # An Arabic role under a Latin name still needs the image.
    assert LowerThird(LATIN, "رئيسة الجلسة", "en").needs_image
    with pytest.raises(ValueError, match="name"):
        LowerThird("  ", None, "en")


def test_direction_and_script_follow_the_first_strong_letter() -> None:
    assert base_direction(f"{ARABIC} (PhD)") is Direction.RTL
    assert base_direction(f"Dr {ARABIC}") is Direction.LTR
    assert base_direction("123") is Direction.LTR
    assert dominant_script(URDU) == "Arab"
    assert dominant_script("अनन्या") == "Deva"
    assert dominant_script(LATIN) == "Latn"
