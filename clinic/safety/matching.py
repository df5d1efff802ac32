"""spaCy's Matcher for the crisis phrases, run on what a message can match.

A maximum-size message (64,000 characters, about 14,000 tokens) took spaCy's
Matcher 0.45 s over the 409 crisis phrases and 0.22 s over their context,
though nearly every phrase needs a word that message never uses ("kill",
"pills", "overdose"). So each phrase's pattern is filed under the words it
cannot match without, and a message is matched only with the patterns whose
every required word occurs in it (usually none: a "hello" skips the Matcher).
The matches are the Matcher's own, only found with fewer patterns to try:
``tests/clinic/safety/test_matching.py`` compares both over every message of the
crisis and real-question sets.

A long message is matched a slice at a time: the Matcher is compiled code that
holds Python's lock for the whole of one call, and a long message is read on a
worker thread beside the server's event loop
(``clinic/rasa_patches/off_the_loop.py``), which waits for the lock meanwhile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

Match = tuple[int, int, int]  # (match id, first token, token after the last)
TokenPattern = dict[str, Any]
# The token attributes the crisis phrases compare (clinic/safety/phrases.py).
WORD_ATTRIBUTES = ("NORM", "LOWER")
# Tokens matched in one call; each call held the lock about 20 ms on the slower
# machines here.
SLICE_TOKENS = 500
# Subsets of the patterns kept compiled: most messages need one of a few.
COMPILED_SUBSETS = 256


@dataclass(frozen=True)
class Rule:
    """One phrase's pattern under its category's name."""

    key: str
    pattern: list[TokenPattern]


def _values(spec: Any) -> frozenset[str] | None:
    if isinstance(spec, str):
        return frozenset([spec])
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return frozenset(str(value) for value in spec["IN"])
    return None  # a comparison this filter does not read: no requirement


def required_words(
    pattern: Sequence[TokenPattern],
) -> tuple[tuple[str, frozenset[str]], ...]:
    """For each token the pattern cannot match without: the attribute it
    compares and the values that satisfy it. A token that must match once or
    more (``+``) counts; optional (``?``, ``*``) and negated (``!``) tokens and
    other comparisons (``LIKE_NUM``) require nothing."""
    needs = []
    for token in pattern:
        if token.get("OP", "1") not in ("1", "+"):
            continue
        for attribute in WORD_ATTRIBUTES:
            values = _values(token.get(attribute))
            if values is not None:
                needs.append((attribute, values))
    return tuple(needs)


class PhraseMatcher:
    """Called as spaCy's Matcher is, with the same matches."""

    def __init__(self, vocab: Vocab, rules: Sequence[Rule]) -> None:
        self._vocab = vocab
        self._rules = tuple(rules)
        self._needs = tuple(required_words(rule.pattern) for rule in self._rules)
        self._longest = max((len(rule.pattern) for rule in self._rules), default=0)
        every = tuple(range(len(self._rules)))
        self.compiled_for_every_pattern = self._compile(every, validate=True)
        self._compiled = lru_cache(maxsize=COMPILED_SUBSETS)(self._compile)

    def __len__(self) -> int:
        """The number of match ids (categories), as for spaCy's Matcher."""
        return len(self.compiled_for_every_pattern)

    @property
    def patterns(self) -> int:
        return len(self._rules)

    def _compile(self, indices: tuple[int, ...], validate: bool = False) -> Matcher:
        matcher = Matcher(self._vocab, validate=validate)
        patterns: dict[str, list[list[TokenPattern]]] = {}
        for index in indices:
            rule = self._rules[index]
            patterns.setdefault(rule.key, []).append(rule.pattern)
        for key, key_patterns in patterns.items():
            matcher.add(key, key_patterns)
        return matcher

    def possible(self, doc: Doc) -> tuple[int, ...]:
        """The rules whose every required word occurs in ``doc``."""
        words = {
            "NORM": {token.norm_ for token in doc},
            "LOWER": {token.lower_ for token in doc},
        }
        return tuple(
            index
            for index, needs in enumerate(self._needs)
            if all(
                not values.isdisjoint(words[attribute]) for attribute, values in needs
            )
        )

    def compiled_for(self, indices: tuple[int, ...]) -> Matcher:
        """A Matcher of those rules; of every rule when they are more than half
        (a message with the words of most phrases: compiling a subset would
        cost as much as matching with all)."""
        if 2 * len(indices) > self.patterns:
            return self.compiled_for_every_pattern
        return self._compiled(indices)

    def __call__(self, doc: Doc) -> list[Match]:
        indices = self.possible(doc)
        if not indices:
            return []
        return list(in_slices(self.compiled_for(indices), doc, self._longest))


def in_slices(matcher: Matcher, doc: Doc, longest: int) -> Iterable[Match]:
    """``matcher(doc)``, a slice of ``SLICE_TOKENS`` at a time. Each slice
    reaches ``longest`` tokens into the next, so every match that starts in it
    ends in it; a match starting in that reach is left to the next slice."""
    if len(doc) <= SLICE_TOKENS + longest:
        yield from matcher(doc)
        return
    for first in range(0, len(doc), SLICE_TOKENS):
        piece = doc[first : min(len(doc), first + SLICE_TOKENS + longest)]
        for key, start, end in matcher(piece):
            if start < SLICE_TOKENS:
                yield key, first + start, first + end
