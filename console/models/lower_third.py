"""A speaker's lower third, and whether OBS's own text source can draw it.

Pure: no Qt, no I/O. OBS's Linux text source (``text_ft2_source_v2``) does no
complex-script shaping: Arabic and Urdu letters come out unjoined and in the
wrong order, Indic conjuncts and combining marks fall apart. Such names are
rendered to an image by Qt instead (``console/ui/lower_third_render.py``);
:func:`needs_rendered_image` decides which.
"""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from console.models.show import Speaker


class Direction(enum.StrEnum):
    LTR = "ltr"
    RTL = "rtl"


# Blocks of scripts that need shaping (joining, reordering, conjuncts, stacked marks),
# first and last code point inclusive, with their ISO 15924 code. Right-to-left
# scripts are also caught by their bidirectional class; they are listed for the code.
_COMPLEX_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0590, 0x05FF, "Hebr"),
    (0x0600, 0x06FF, "Arab"),
    (0x0700, 0x074F, "Syrc"),
    (0x0750, 0x077F, "Arab"),  # Arabic Supplement
    (0x0780, 0x07BF, "Thaa"),
    (0x07C0, 0x07FF, "Nkoo"),
    (0x0800, 0x083F, "Samr"),
    (0x0840, 0x085F, "Mand"),
    (0x0860, 0x086F, "Syrc"),  # Syriac Supplement
    (0x0870, 0x08FF, "Arab"),  # Arabic Extended-B and -A
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x0F00, 0x0FFF, "Tibt"),
    (0x1000, 0x109F, "Mymr"),
    (0x1780, 0x17FF, "Khmr"),
    (0x1800, 0x18AF, "Mong"),
    (0x1900, 0x194F, "Limb"),
    (0x1A00, 0x1AAF, "Bugi"),  # Buginese, Tai Tham
    (0x1B00, 0x1B7F, "Bali"),
    (0x1B80, 0x1BFF, "Sund"),  # Sundanese, Batak
    (0xA800, 0xA82F, "Sylo"),
    (0xA840, 0xA87F, "Phag"),
    (0xA880, 0xA8DF, "Saur"),
    (0xA8E0, 0xA8FF, "Deva"),  # Devanagari Extended
    (0xA980, 0xA9DF, "Java"),
    (0xAA00, 0xAA5F, "Cham"),
    (0xA9E0, 0xA9FF, "Mymr"),
    (0xAA60, 0xAA7F, "Mymr"),
    (0xFB1D, 0xFB4F, "Hebr"),  # Hebrew presentation forms
    (0xFB50, 0xFDFF, "Arab"),  # Arabic Presentation Forms-A
    (0xFE70, 0xFEFF, "Arab"),  # Arabic Presentation Forms-B (U+FEFF is not a letter)
    (0x10800, 0x10FFF, "Rtl"),  # historic right-to-left scripts (Phoenician, Adlam...)
    (0x11000, 0x11FFF, "Brah"),  # Brahmi and the other historic Indic scripts
    (0x1E900, 0x1E95F, "Adlm"),
    (0x1EE00, 0x1EEFF, "Arab"),  # Arabic mathematical letters
)

_RTL_CLASSES = frozenset({"R", "AL"})
_STRONG_CLASSES = frozenset({"L", "R", "AL"})
# Invisible formatting a plain text renderer draws as boxes or ignores wrongly:
# zero-width (non-)joiner, marks, embeddings, overrides, isolates.
_FORMAT_CONTROLS = frozenset(
    {0x200C, 0x200D, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})


def script_of(char: str) -> str | None:
    """The ISO 15924 code of a complex-script character, ``None`` for anything else."""
    point = ord(char)
    for first, last, code in _COMPLEX_BLOCKS:
        if first <= point <= last:
            return code
    return None


def needs_rendered_image(text: str | None) -> bool:
    """True when ``text`` holds characters OBS's FreeType text source cannot draw right.

    That is: right-to-left characters (bidirectional class R, AL or AN), characters of
    scripts that need shaping (Arabic, Hebrew, Syriac, Thaana, N'Ko, the Indic scripts,
    Thai, Lao, Tibetan, Myanmar, Khmer...), combining marks that do not fold into a
    precomposed letter, and invisible bidi or joining controls.
    """
    if not text:
        return False
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.bidirectional(char) in ("R", "AL", "AN"):
            return True
        if script_of(char) is not None:
            return True
        if unicodedata.category(char) in ("Mn", "Mc", "Me"):
            return True
        if ord(char) in _FORMAT_CONTROLS:
            return True
    return False


def base_direction(text: str | None) -> Direction:
    """The paragraph direction by the first strong character (Unicode rules P2, P3)."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in _STRONG_CLASSES:
            return Direction.RTL if kind in _RTL_CLASSES else Direction.LTR
    return Direction.LTR


def dominant_script(text: str | None) -> str:
    """The complex script most characters of ``text`` belong to, else ``"Latn"``
    (meaning: any script a plain text renderer handles: Latin, Greek, Cyrillic...)."""
    counts: dict[str, int] = {}
    for char in text or "":
        code = script_of(char)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    if not counts:
        return "Latn"
    return max(counts, key=lambda code: counts[code])


def primary_language(tag: str) -> str:
    """``"ur"`` from ``"ur-PK"``, lower case."""
    return tag.strip().replace("_", "-").split("-", 1)[0].lower()


@dataclass(frozen=True, slots=True)
class LowerThird:
    """What a lower third shows: the name, an optional role line, the speaker's language."""

    name: str
    role: str | None
    language: str  # BCP-47, e.g. "ar", "ur-PK": picks the font with the script

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("lower third name must not be empty")
        if self.role is not None and not self.role.strip():
            raise ValueError("lower third role must be None or not empty")

    @classmethod
    def from_speaker(cls, speaker: Speaker) -> LowerThird:
        role = speaker.affiliation.strip() if speaker.affiliation else None
        return cls(name=speaker.name.strip(), role=role or None, language=speaker.language)

    @property
    def needs_image(self) -> bool:
        """OBS's text source would draw the name or the role wrong: use a rendered image."""
        return needs_rendered_image(self.name) or needs_rendered_image(self.role)

    @property
    def direction(self) -> Direction:
        """The name's direction: the whole lower third is aligned by it."""
        return base_direction(self.name)

    @property
    def script(self) -> str:
        return dominant_script(self.name)

    @property
    def plain_text(self) -> str:
        """The text for an OBS text source (only right when :attr:`needs_image` is False)."""
        return self.name if self.role is None else f"{self.name}\n{self.role}"

