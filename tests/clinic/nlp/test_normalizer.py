from __future__ import annotations

import pytest
from spacy.language import Language

from clinic.nlp.normalizer import allowed_edits


def norms(nlp: Language, text: str) -> list[str]:
    return [token.norm_ for token in nlp(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Killing myself", ["kill", "myself"]),
        ("kil myslef", ["kill", "myself"]),
        ("I can't go on", ["i", "can", "not", "go", "on"]),
        ("im gonna", ["i", "be", "go", "to"]),
        ("side efects of ketamene", ["side", "effect", "of", "ketamine"]),
        ("sucide", ["suicide"]),
        ("hellooo anyone there", ["hello", "anyone", "there"]),
        ("i want to killl myselfff", ["i", "want", "to", "kill", "myself"]),
        ("sooooo sleeeepy", ["so", "sleepy"]),
    ],
)
def test_norms_are_lemmatised_and_repaired(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert norms(nlp, text) == expected


def test_common_words_are_never_repaired(nlp: Language) -> None:
    # "dye" is a real word: turning it into "die" would invent a crisis.
    assert norms(nlp, "I want to dye my hair") == [
        "i",
        "want",
        "to",
        "dye",
        "my",
        "hair",
    ]


def test_repaired_words_also_get_a_repaired_lemma(nlp: Language) -> None:
    doc = nlp("ketamene infussion")
    assert [token.lemma_ for token in doc] == ["ketamine", "infusion"]


@pytest.mark.parametrize(
    ("word", "edits"), [("ok", 0), ("kil", 1), ("sucide", 1), ("infussion", 2)]
)
def test_longer_words_tolerate_more_edits(word: str, edits: int) -> None:
    assert allowed_edits(word) == edits


def test_pipeline_contains_only_the_projects_own_components(nlp: Language) -> None:
    assert nlp.pipe_names == ["lemmatizer", "clinic_normalizer", "clinic_figurative"]


@pytest.mark.parametrize("word", ["tms", "ect", "ayahuasca", "psilocybin", "lithium"])
def test_treatment_names_are_known_english_and_left_alone(
    nlp: Language, word: str
) -> None:
    normalizer = nlp.get_pipe("clinic_normalizer")
    assert normalizer.is_known_word(word)
    assert norms(nlp, word) == [word]


def test_etc_is_not_mistaken_for_ect(nlp: Language) -> None:
    assert norms(nlp, "etc") == ["etc"]
