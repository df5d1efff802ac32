from __future__ import annotations

import pytest
from spacy.language import Language


def lemmas(nlp: Language, text: str) -> list[str]:
    return [token.lemma_ for token in nlp(text)]


@pytest.mark.parametrize(
    ("text", "word", "lemma"),
    [
        ("this heat is killing me", "killing", "idiom"),
        ("im dying to know the price", "dying", "idiom"),
        ("that cake was to die for", "die", "idiom"),
        ("the paperwork will be the death of me", "death", "idiom"),
        ("my phone battery died", "died", "idiom"),
        ("i'd kill for a nap", "kill", "idiom"),
        ("my horse died in the spring", "died", "bereavement"),
        ("since the death of my father i cry a lot", "death", "bereavement"),
    ],
)
def test_figurative_and_third_party_death_words_get_a_neutral_lemma(
    nlp: Language, text: str, word: str, lemma: str
) -> None:
    doc = nlp(text)
    [token] = [t for t in doc if t.text == word]
    assert token.lemma_ == lemma


@pytest.mark.parametrize(
    "text",
    [
        "i want to die",
        "i am going to kill myself",
        "my dog died and now i want to die too",
        "i wish i was dead",
    ],
)
def test_a_visitor_at_risk_keeps_the_real_lemma(nlp: Language, text: str) -> None:
    assert {"idiom", "bereavement"}.isdisjoint(
        lemma
        for token, lemma in zip(nlp(text), lemmas(nlp, text), strict=True)
        if token.lower_ in {"die", "dead", "kill"}
    )


def test_norms_are_never_changed(nlp: Language) -> None:
    assert [t.norm_ for t in nlp("this traffic is killing me")][-2:] == ["kill", "me"]
