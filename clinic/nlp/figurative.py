"""spaCy component: death words used figuratively or about someone else.

"This traffic is killing me", "dying to know the price" and "my horse died" use
the same words as a visitor at risk. The intent classifier only sees lemmas, so
without help it learns that "die" and "kill" mean crisis. This component rewrites
the *lemma* of such words to a neutral one ("idiom", "bereavement") before
classification, in training and at run time alike. ``token.norm_`` is left
untouched, so the crisis phrases (which read ``norm_``) see every word as written:
a phrase match can never be hidden by this component.
"""

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

IDIOM_LEMMA = "idiom"
BEREAVEMENT_LEMMA = "bereavement"

DEATH_WORDS = [
    "die",
    "died",
    "dies",
    "dying",
    "dead",
    "death",
    "kill",
    "killing",
    "kills",
    "killed",
]
THINGS = [
    "battery",
    "phone",
    "laptop",
    "computer",
    "car",
    "engine",
    "plant",
    "plants",
    "flowers",
    "wifi",
    "internet",
    "signal",
    "charger",
    "tablet",
    "printer",
    "garden",
]
OTHERS = [
    "dog",
    "cat",
    "horse",
    "pet",
    "bird",
    "hamster",
    "rabbit",
    "fish",
    "mom",
    "mum",
    "mother",
    "dad",
    "father",
    "grandma",
    "grandmother",
    "grandpa",
    "grandfather",
    "brother",
    "sister",
    "uncle",
    "aunt",
    "cousin",
    "friend",
    "husband",
    "wife",
    "partner",
    "son",
    "daughter",
    "coworker",
    "colleague",
    "neighbor",
    "neighbour",
    "boss",
    "grandparent",
    "parents",
    "parent",
    "nan",
    "granny",
    "fiance",
    "fiancee",
    "boyfriend",
    "girlfriend",
    "baby",
    "child",
]
# Each pattern marks the death word it contains (the token whose LOWER is in
# DEATH_WORDS) with the given lemma.
PATTERNS: dict[str, list[list[dict]]] = {
    IDIOM_LEMMA: [
        [{"LOWER": {"IN": ["killing", "kills"]}}, {"LOWER": {"IN": ["me", "us"]}}],
        [{"LOWER": {"IN": ["kill", "killing"]}}, {"LOWER": {"IN": ["it", "time"]}}],
        [
            {"LOWER": {"IN": ["kill", "die"]}},
            {"LOWER": "for"},
            {"LOWER": {"IN": ["a", "an", "some", "the"]}},
        ],
        [{"LOWER": "dying"}, {"LOWER": {"IN": ["to", "of", "for"]}}],
        [{"LOWER": "to"}, {"LOWER": "die"}, {"LOWER": "for"}],
        [{"LOWER": "death"}, {"LOWER": "of"}, {"LOWER": {"IN": ["me", "us"]}}],
        [
            {"LOWER": {"IN": ["died", "dying", "dead"]}},
            {
                "LOWER": {
                    "IN": ["laughing", "tired", "serious", "zone", "battery", "of"]
                }
            },
        ],
        [{"LOWER": {"IN": ["almost", "nearly"]}}, {"LOWER": "died"}],
        [
            {"LOWER": {"IN": ["bored", "scared", "worried", "frightened"]}},
            {"LOWER": "to"},
            {"LOWER": "death"},
        ],
        [
            {"LOWER": {"IN": ["will", "gonna", "going"]}},
            {"OP": "?"},
            {"LOWER": "kill"},
            {"LOWER": {"IN": ["me", "us"]}},
        ],
        [
            {"LOWER": {"IN": THINGS}},
            {"OP": "?"},
            {"OP": "?"},
            {"LOWER": {"IN": ["died", "dying", "dead", "dies", "die"]}},
        ],
        [{"LOWER": {"IN": ["dead", "dying"]}}, {"LOWER": {"IN": THINGS}}],
    ],
    BEREAVEMENT_LEMMA: [
        [
            {"LOWER": {"IN": ["my", "our", "his", "her", "their"]}},
            {"OP": "?"},
            {"LOWER": {"IN": OTHERS}},
            {"OP": "?"},
            {"OP": "?"},
            {"LOWER": {"IN": ["died", "dies", "passed", "dying", "death"]}},
        ],
        [
            {"LOWER": {"IN": ["death", "loss", "passing"]}},
            {"LOWER": "of"},
            {"LOWER": {"IN": ["my", "our", "a"]}},
        ],
        [
            {"LOWER": {"IN": OTHERS}},
            {"LOWER": "'s"},
            {"LOWER": {"IN": ["death", "passing"]}},
        ],
    ],
}


class FigurativeDeathWords:
    """Gives figurative or third-party death words a neutral lemma."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self._matcher = Matcher(nlp.vocab)
        for lemma, patterns in PATTERNS.items():
            self._matcher.add(lemma, patterns)

    def __call__(self, doc: Doc) -> Doc:
        for match_id, start, end in self._matcher(doc):
            lemma = doc.vocab.strings[match_id]
            for token in doc[start:end]:
                if token.lower_ in DEATH_WORDS or token.lower_ in {
                    "passed",
                    "passing",
                    "loss",
                }:
                    token.lemma_ = lemma
        return doc

    # Nothing to save: the patterns are code, so a change to them changes the
    # training fingerprint (clinic/components/sanitizer.py) and retrains.
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = ()
    ) -> "FigurativeDeathWords":
        return self


@Language.factory("clinic_figurative")
def create_figurative_death_words(nlp: Language, name: str) -> FigurativeDeathWords:
    return FigurativeDeathWords(nlp, name)
