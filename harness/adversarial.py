"""Messages built to cost the assistant the most, shared by tests and benchmarks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clinic.limits import MAX_MESSAGE_CHARS
from clinic.safety.phrases import (
    DEFAULT_PHRASES_FILE,
    compile_phrase,
    read_context_phrases,
    read_phrases,
    read_word_classes,
)

PHRASES = Path(__file__).resolve().parents[1] / DEFAULT_PHRASES_FILE


def every_phrase_word(phrases: Path = PHRASES) -> str:
    """One wording of each word the crisis phrases and their context use, read
    by the detector's own compiler (words left as written, not normalised)."""
    classes = read_word_classes(phrases)
    words = []
    for phrase in [*read_phrases(phrases), *read_context_phrases(phrases)]:
        for token in compile_phrase(phrase.text, lambda word: [word], classes):
            words.extend(a_word_it_takes(token))
    return " ".join(words)


def a_word_it_takes(token: dict[str, Any]) -> list[str]:
    """A word a token pattern matches; none for a bare wildcard."""
    for attribute in ("NORM", "LOWER"):
        spec = token.get(attribute)
        if isinstance(spec, str):
            return [spec]
        if isinstance(spec, dict):
            return [sorted(spec["IN"])[0]]
    return ["30"] if token.get("LIKE_NUM") else []


def filled_to_the_limit(text: str) -> str:
    """``text`` over and over, cut to the longest message the channels accept."""
    times = MAX_MESSAGE_CHARS // (len(text) + 1) + 1
    return ((text + " ") * times)[:MAX_MESSAGE_CHARS]


def the_words_of_every_phrase_to_the_limit() -> str:
    """Every crisis pattern can match it everywhere: the most the detector's
    matching can cost (clinic/safety/matching.py)."""
    return filled_to_the_limit(every_phrase_word())
