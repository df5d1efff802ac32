"""Crisis phrases from ``config/crisis_phrases.yml``, compiled for spaCy's Matcher.

The phrase language is documented at the top of the YAML file. Words are
normalised with the same spaCy pipeline that normalises visitor messages, so
"killing" in a phrase and "kiling" in a message both become "kill".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PHRASES_FILE = Path("config/crisis_phrases.yml")
WILDCARD = "*"
NUMBER = "<number>"
WILDCARD_SPAN = 3  # "*" stands for up to this many words

Normalise = Callable[[str], list[str]]
TokenPattern = dict[str, Any]


class PhraseError(ValueError):
    """A phrase that cannot be compiled; the message says which and why."""


@dataclass(frozen=True)
class CrisisPhrase:
    category: str
    text: str


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def read_phrases(path: Path = DEFAULT_PHRASES_FILE) -> list[CrisisPhrase]:
    categories = _read(path).get("categories") or {}
    return [
        CrisisPhrase(category, str(text))
        for category, texts in categories.items()
        for text in texts or []
    ]


# Phrases that put a crisis phrase's words in context (the "context:" section):
# figurative speech ("shooting myself in the foot"), risk that is over ("years
# ago", "went away"), risk that is now ("tonight", "again"), risk denied ("I
# have never been suicidal"), words of risk ("die", "pills"): when every one
# in a message is inside a figure of speech, the classifier's crisis reading
# rests on the idiom and does not count) and the death of someone else ("my
# father died by suicide": grief, not the visitor's own risk) with what makes it
# urgent all the same ("just", "tonight", "I'm going to do it too").
FIGURATIVE, OVER, CURRENT, NEGATED, RISK, LOSS, URGENT = CONTEXT_KINDS = (
    "figurative",
    "over",
    "current",
    "negated",
    "risk",
    "loss",
    "urgent",
)


def read_context_phrases(path: Path = DEFAULT_PHRASES_FILE) -> list[CrisisPhrase]:
    context = _read(path).get("context") or {}
    unknown = sorted(set(context) - set(CONTEXT_KINDS))
    if unknown:
        raise PhraseError(
            f"context: has {', '.join(unknown)}; it takes {', '.join(CONTEXT_KINDS)}"
        )
    return [
        CrisisPhrase(kind, str(text))
        for kind, texts in context.items()
        for text in texts or []
    ]


def read_word_classes(path: Path = DEFAULT_PHRASES_FILE) -> dict[str, list[str]]:
    """Named word lists, used in phrases as ``<name>`` (e.g. ``<medicine>``)."""
    classes = _read(path).get("classes") or {}
    return {name: [str(word) for word in words] for name, words in classes.items()}


def _class_name(word: str) -> str | None:
    if word.startswith("<") and word.endswith(">") and word != NUMBER:
        return word[1:-1]
    return None


def _single_norm(word: str, normalise: Normalise, phrase: str) -> str:
    norms = normalise(word)
    if len(norms) != 1:
        raise PhraseError(
            f"'{word}' in phrase '{phrase}' is more than one word; "
            "write it as separate words (e.g. 'can not' for can't)"
        )
    return norms[0]


def _alternatives(spec: str, normalise: Normalise, phrase: str) -> list[str]:
    return sorted({_single_norm(word, normalise, phrase) for word in spec.split("/")})


def _class_pattern(
    name: str, classes: dict[str, list[str]], normalise: Normalise, phrase: str
) -> TokenPattern:
    if name not in classes:
        raise PhraseError(
            f"phrase '{phrase}' uses <{name}>, which classes: does not define"
        )
    return {"NORM": {"IN": _alternatives("/".join(classes[name]), normalise, phrase)}}


def _word_patterns(
    word: str, normalise: Normalise, phrase: str, classes: dict[str, list[str]]
) -> Iterator[TokenPattern]:
    optional = word.startswith("(") and word.endswith(")")
    spec = word[1:-1] if optional else word
    if (name := _class_name(spec)) is not None:
        pattern = _class_pattern(name, classes, normalise, phrase)
        yield {**pattern, "OP": "?"} if optional else pattern
        return
    if "=" in spec[1:]:
        # "=a/=b" would look for a word spelt "=b" (session 36's audit found
        # "=researching/=researched" missing "I have researched methods").
        raise PhraseError(
            f"'{word}' in phrase '{phrase}': write '=' once, before the whole "
            "group (=a/b/c); a group is either all exact words or none"
        )
    if spec.startswith("="):
        exact = {"LOWER": {"IN": spec[1:].lower().split("/")}}
        yield {**exact, "OP": "?"} if optional else exact
        return
    if "/" not in spec:
        norms = normalise(spec)
        if not norms:
            raise PhraseError(f"'{word}' in phrase '{phrase}' has no words")
        for norm in norms:
            yield {"NORM": norm, "OP": "?"} if optional else {"NORM": norm}
        return
    norm_in = {"NORM": {"IN": _alternatives(spec, normalise, phrase)}}
    yield {**norm_in, "OP": "?"} if optional else norm_in


def compile_phrase(
    text: str, normalise: Normalise, classes: dict[str, list[str]] | None = None
) -> list[TokenPattern]:
    """Token patterns for one phrase (see the YAML file for the notation)."""
    classes = classes or {}
    pattern: list[TokenPattern] = []
    for word in text.split():
        if word == WILDCARD:
            pattern.extend({"OP": "?"} for _ in range(WILDCARD_SPAN))
        elif word == NUMBER:
            pattern.append({"LIKE_NUM": True})
        else:
            pattern.extend(_word_patterns(word, normalise, text, classes))
    if not any(token.get("OP") != "?" for token in pattern):
        raise PhraseError(f"phrase '{text}' has no required word")
    return pattern
