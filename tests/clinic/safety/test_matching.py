"""The crisis phrase matcher finds what spaCy's Matcher with every pattern finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from clinic.components.crisis_detector import build_context_matcher, build_matcher
from clinic.evaluation import read_message_sets, read_training_examples
from clinic.real_questions import crisis_posts, questions
from clinic.safety.matching import SLICE_TOKENS, PhraseMatcher, Rule, required_words
from clinic.safety.phrases import (
    compile_phrase,
    read_context_phrases,
    read_phrases,
    read_word_classes,
)
from harness.adversarial import the_words_of_every_phrase_to_the_limit

ROOT = Path(__file__).resolve().parents[3]
PHRASES = ROOT / "config" / "crisis_phrases.yml"
CRISIS_SETS = sorted((ROOT / "tests" / "crisis").rglob("*.yml"))


def every_message() -> list[str]:
    """The crisis sets, the real questions and posts and the training data."""
    texts = [
        text
        for path in CRISIS_SETS
        for category in read_message_sets(path).values()
        for text in category
    ]
    texts += [message.text for message in (*questions(), *crisis_posts())]
    texts += [example.text for example in read_training_examples(ROOT / "data")]
    return texts


def plain_matcher(nlp: Language, context: bool) -> Matcher:
    """spaCy's Matcher with every pattern, as the detector used before."""
    classes = read_word_classes(PHRASES)
    read = read_context_phrases if context else read_phrases
    matcher = Matcher(nlp.vocab)

    def normalise(word: str) -> list[str]:
        return [token.norm_ for token in nlp(word)]

    for phrase in read(PHRASES):
        matcher.add(phrase.category, [compile_phrase(phrase.text, normalise, classes)])
    return matcher


def crosses_an_edge(start: int, end: int) -> bool:
    return start // SLICE_TOKENS != (end - 1) // SLICE_TOKENS


@pytest.fixture(scope="module")
def docs(nlp: Language) -> list[Doc]:
    return list(nlp.pipe(every_message()))


@pytest.fixture(scope="module")
def long_doc(nlp: Language, docs: list[Doc]) -> Doc:
    """Messages one after another, and a phrase across each of three slices' edges."""
    phrase = "i want to end it all tonight, years ago"
    filler = "ketamine " * (SLICE_TOKENS - 4)
    edges = " ".join([filler + phrase] * 3)
    # Each block above is SLICE_TOKENS + 6 tokens: this puts the context words
    # "years ago" across the fourth edge, so the context matcher has one too.
    over = "ketamine " * (SLICE_TOKENS - 19) + "years ago"
    return nlp(" ".join([edges, over, *(doc.text for doc in docs[:3000])]))


Matchers = tuple[Matcher, PhraseMatcher]


@pytest.fixture(scope="module", params=[False, True], ids=["phrases", "context"])
def matchers(nlp: Language, request: pytest.FixtureRequest) -> Matchers:
    """spaCy's Matcher with every pattern, and the detector's."""
    build = build_context_matcher if request.param else build_matcher
    return plain_matcher(nlp, request.param), build(nlp, PHRASES)


def test_every_message_gets_the_matches_of_every_pattern(
    docs: list[Doc], matchers: Matchers
) -> None:
    plain, ours = matchers
    expected = [sorted(plain(doc)) for doc in docs]
    differing = [
        doc.text
        for doc, matches in zip(docs, expected, strict=True)
        if sorted(ours(doc)) != matches
    ]
    assert len(docs) > 5000
    assert differing == []
    assert sum(map(bool, expected)) > 300  # the comparison saw matches


def test_a_long_message_gets_every_match_across_its_slices(
    long_doc: Doc, matchers: Matchers
) -> None:
    plain, ours = matchers
    assert len(long_doc) > 20 * SLICE_TOKENS
    expected = sorted(plain(long_doc))
    assert sorted(ours(long_doc)) == expected
    crossing = [
        (start, end) for _, start, end in expected if crosses_an_edge(start, end)
    ]
    assert crossing  # a match the slices' reach had to find


def test_a_message_without_the_words_of_any_phrase_is_not_matched(
    nlp: Language,
) -> None:
    matcher = build_matcher(nlp, PHRASES)
    assert matcher.possible(nlp("hello, what does a session cost?")) == ()
    assert matcher.possible(nlp("i want to kill myself"))


def test_optional_words_and_numbers_require_nothing() -> None:
    pattern = [
        {"NORM": "take"},
        {"LIKE_NUM": True},
        {"NORM": {"IN": ["pill", "tablet"]}},
        {"NORM": "more", "OP": "?"},
        {"OP": "?"},
        {"LOWER": {"IN": ["overdosed"]}},
    ]
    assert required_words(pattern) == (
        ("NORM", frozenset({"take"})),
        ("NORM", frozenset({"pill", "tablet"})),
        ("LOWER", frozenset({"overdosed"})),
    )


def test_a_message_with_the_words_of_most_patterns_uses_them_all(
    nlp: Language,
) -> None:
    rules = [Rule("a", [{"NORM": "x"}]), Rule("b", [{"NORM": "y"}])]
    matcher = PhraseMatcher(nlp.vocab, rules)
    doc = nlp("x y x")
    assert matcher.possible(doc) == (0, 1)
    assert len(matcher(doc)) == 3


def test_a_message_with_the_words_of_every_phrase_tries_every_pattern(
    nlp: Language,
) -> None:
    """tests/integration/test_bad_input.py times it through the real server."""
    doc = nlp(the_words_of_every_phrase_to_the_limit())
    for matcher in (build_matcher(nlp, PHRASES), build_context_matcher(nlp, PHRASES)):
        possible = matcher.possible(doc)
        assert 2 * len(possible) > matcher.patterns
        assert matcher.compiled_for(possible) is matcher.compiled_for_every_pattern


def test_repeated_words_are_required_and_negated_ones_are_not() -> None:
    pattern = [
        {"NORM": "very", "OP": "+"},
        {"NORM": "not", "OP": "!"},
        {"NORM": "sad", "LOWER": "sad"},
    ]
    assert required_words(pattern) == (
        ("NORM", frozenset({"very"})),
        ("NORM", frozenset({"sad"})),
        ("LOWER", frozenset({"sad"})),
    )
