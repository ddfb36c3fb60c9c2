"""Looping WAV files that stand in for the interpreters' voices in the demo (and tests).

OBS on a machine with no sound card still meters an ``ffmpeg_source`` that loops a
file, so each booth of the demo gets a file of its own: syllable-like bursts of a
voiced tone (a fundamental and two harmonics, gliding like intonation, short gaps
between syllables and a breath between phrases) at about -20 dBFS RMS while it
sounds, a different pitch per language. One booth can be given pure silence, so
the console's silence alarm has something to show.

The files are generated, never stored in the repository: a few seconds of mono
16-bit audio each, written once per folder (the name carries the version of the
recipe, so a changed recipe writes new files).
"""

from __future__ import annotations

import array
import math
import random
import sys
import wave
from collections.abc import Iterable
from pathlib import Path

SAMPLE_RATE = 24_000  # plenty for a voice; OBS resamples
LOOP_S = 4.0
LEVEL_DBFS = -20.0  # RMS while a syllable sounds, as a booth microphone at speaking level
LOWEST_PITCH_HZ = 105.0
PITCH_STEP_HZ = 22.0  # between one language's voice and the next
RECIPE = "v1"
_HARMONICS = ((1, 1.0), (2, 0.5), (3, 0.25))  # (multiple of the fundamental, amplitude)


def booth_file(folder: Path, language: str, silent: bool = False) -> Path:
    return folder / f"booth-{language}-{'silent' if silent else 'voice'}-{RECIPE}.wav"


def write_booth_files(folder: Path, languages: Iterable[str],
                      silent: Iterable[str] = ()) -> dict[str, Path]:
    """One looping file per language in ``folder``, silence for those in ``silent``;
    files already there are kept. Returns each language's file."""
    folder.mkdir(parents=True, exist_ok=True)
    quiet = set(silent)
    files: dict[str, Path] = {}
    for index, language in enumerate(languages):
        path = booth_file(folder, language, language in quiet)
        if not path.exists():
            samples = _silence() if language in quiet else \
                _voice(LOWEST_PITCH_HZ + index * PITCH_STEP_HZ, seed=language)
            _write(path, samples)
        files[language] = path
    return files


def _silence() -> array.array[int]:
    return array.array("h", bytes(2 * int(LOOP_S * SAMPLE_RATE)))


def _voice(pitch_hz: float, seed: str) -> array.array[int]:
    """Syllables of a voiced tone, the loop ending on a pause so it repeats seamlessly."""
    chooser = random.Random(seed)
    total = int(LOOP_S * SAMPLE_RATE)
    signal = [0.0] * total
    at = int(0.05 * SAMPLE_RATE)
    syllables = 0
    while True:
        length = int(chooser.uniform(0.12, 0.28) * SAMPLE_RATE)
        if at + length > total - int(0.1 * SAMPLE_RATE):
            break
        glide = chooser.uniform(-0.12, 0.12)
        _syllable(signal, at, length, pitch_hz * chooser.uniform(0.9, 1.1), glide)
        syllables += 1
        # A breath after every few syllables; a phrase never pauses long enough to read
        # as silence (the alarm's shortest setting is a couple of seconds).
        pause = chooser.uniform(0.25, 0.4) if syllables % 6 == 0 else chooser.uniform(0.04, 0.1)
        at += length + int(pause * SAMPLE_RATE)
    return _to_pcm(signal, _gain(signal))


def _syllable(signal: list[float], start: int, length: int, pitch_hz: float,
              glide: float) -> None:
    phase = 0.0
    for n in range(length):
        progress = n / length
        envelope = math.sin(math.pi * progress) ** 0.6  # quick onset, a rounded end
        phase += 2 * math.pi * pitch_hz * (1 + glide * progress) / SAMPLE_RATE
        value = sum(amplitude * math.sin(multiple * phase) for multiple, amplitude in _HARMONICS)
        signal[start + n] = envelope * value


def _gain(signal: list[float]) -> float:
    sounding = [value for value in signal if value != 0.0]
    rms = math.sqrt(sum(value * value for value in sounding) / max(len(sounding), 1))
    return 10 ** (LEVEL_DBFS / 20) / rms if rms else 0.0


def _to_pcm(signal: list[float], gain: float) -> array.array[int]:
    return array.array("h", (max(-32767, min(32767, round(value * gain * 32767)))
                             for value in signal))


def _write(path: Path, samples: array.array[int]) -> None:
    if sys.byteorder == "big":
        samples.byteswap()  # WAV samples are little-endian
    partial = path.with_suffix(".partial")
    with wave.open(str(partial), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(samples.tobytes())
    partial.replace(path)
