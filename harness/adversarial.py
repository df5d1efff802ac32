"""Messages built to cost the assistant the most, shared by tests and benchmarks."""

from __future__ import annotations

from pathlib import Path

from clinic.limits import MAX_MESSAGE_CHARS
from clinic.safety.phrases import (
    DEFAULT_PHRASES_FILE,
    read_context_phrases,
    read_phrases,
    read_word_classes,
)

PHRASES = Path(__file__).resolve().parents[1] / DEFAULT_PHRASES_FILE


def every_phrase_word(phrases: Path = PHRASES) -> str:
    """One wording of each word the crisis phrases and their context use."""
    classes = read_word_classes(phrases)
    words = []
    for phrase in [*read_phrases(phrases), *read_context_phrases(phrases)]:
        for word in phrase.text.split():
            spec = word.strip("()=")
            if spec.startswith("<") and spec[1:-1] in classes:
                spec = classes[spec[1:-1]][0]
            words.append("30" if spec in ("*", "<number>") else spec.split("/")[0])
    return " ".join(words)


def filled_to_the_limit(text: str) -> str:
    """``text`` over and over, cut to the longest message the channels accept."""
    times = MAX_MESSAGE_CHARS // (len(text) + 1) + 1
    return ((text + " ") * times)[:MAX_MESSAGE_CHARS]


def the_words_of_every_phrase_to_the_limit() -> str:
    """Every crisis pattern can match it everywhere: the most the detector's
    matching can cost (clinic/safety/matching.py)."""
    return filled_to_the_limit(every_phrase_word())
