from __future__ import annotations

import pytest
from spacy.language import Language

from clinic.components.linear_classifier import normalised_text
from clinic.nlp.normalizer import allowed_edits, swaps


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
        # What visitors ask about, misspelt as on a phone.
        ("iz it adictive", ["iz", "it", "addictive"]),
        ("will i halucinate", ["will", "i", "hallucinate"]),
        ("do i need a perscription", ["do", "i", "need", "a", "prescription"]),
        ("is theraphy included", ["be", "therapy", "include"]),
    ],
)
def test_norms_are_lemmatised_and_repaired(
    nlp: Language, text: str, expected: list[str]
) -> None:
    assert norms(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dr. Kell said i should wait a week", "kell"),
        ("my doctor is Mrs. Hert", "hert"),
        ("i saw Mrs. Kil today", "kil"),
    ],
)
def test_a_name_after_a_title_is_not_taken_for_a_misspelling(
    nlp: Language, text: str, name: str
) -> None:
    """ "Dr. Kell" is a doctor, not "kill"."""
    assert name in norms(nlp, text)


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("i want to Kil myself", "kill"),
        ("Kil myself", "kill"),
        ("How Do I Kil Myself", "kill"),
        ("I Kil myself every day in my head", "kill"),
        # A capitalised word after another is no name: a first review of
        # session 36 read these as names and the phrases missed them.
        ("Feeling Sucidal tonight", "suicidal"),
        ("Thinking About Sucide all the time lately", "suicide"),
        ("I want to Kil Myslef", "myself"),
    ],
)
def test_a_capitalised_misspelling_is_still_repaired(
    nlp: Language, text: str, repaired: str
) -> None:
    assert repaired in norms(nlp, text)


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


@pytest.mark.parametrize(
    ("text", "phrases_read", "classifier_reads"),
    [
        # "waht" is one letter from "want" and two swapped letters from "what":
        # the crisis phrases keep "want", the classifier reads the question.
        (
            "waht are the side efects",
            "want be the side effect",
            "what be the side effect",
        ),
        ("i waht to die", "i want to die", "i what to die"),
        ("is thsi safe", "be thsi safe", "be this safe"),
        ("how mcuh does it cost", "how mcuh doe it cost", "how much doe it cost"),
        # The repair is a swap too: both read the key word.
        ("wnat to die", "want to die", "want to die"),
        ("kil myslef", "kill myself", "kill myself"),
        # "hwo" is "how" or "who": no guess.
        ("hwo long", "hwo long", "hwo long"),
    ],
)
def test_a_swap_that_makes_a_common_word_is_read_so_by_the_classifier_only(
    nlp: Language, text: str, phrases_read: str, classifier_reads: str
) -> None:
    doc = nlp(text)
    assert " ".join(token.norm_ for token in doc) == phrases_read
    assert normalised_text(doc) == classifier_reads


def test_swaps_change_neighbouring_letters_only() -> None:
    assert swaps("waht") == ["awht", "what", "wath"]
    assert swaps("all") == ["lal"]


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


@pytest.mark.parametrize("word", ["whta", "thsi", "mcuh"])
def test_a_common_word_with_two_letters_swapped_is_known_english(
    nlp: Language, word: str
) -> None:
    assert nlp.get_pipe("clinic_normalizer").is_known_word(word)
