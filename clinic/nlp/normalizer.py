"""spaCy component that gives every token a canonical, typo-repaired form.

Visitors write "kil myslef" and "sucide"; the crisis matcher and the language check
must still see "kill myself" and "suicide". The component writes the canonical form
to ``token.norm_`` (and repairs ``token.lemma_`` for misspelt key words, which helps
the intent classifier too). Only uncommon words are repaired, so a real word such as
"dye" is never turned into "die".
"""

import re
from collections.abc import Iterable
from pathlib import Path

import srsly
from rapidfuzz import process
from rapidfuzz.distance import OSA
from spacy.language import Language
from spacy.tokens import Doc, Token

COMMON_WORDS_FILE = "common_words.json"
# "'s" after these words means "is" ("what's the point", "there's no way out").
IS_CONTRACTION_HOSTS = frozenset(
    [
        "what",
        "that",
        "it",
        "there",
        "here",
        "he",
        "she",
        "who",
        "where",
        "how",
        "everything",
        "nothing",
        "life",
        "this",
    ]
)
KEY_WORDS_FILE = "key_words.json"
# What the intent classifier reads for a token (``token._.read_as``), when it
# differs from ``norm_``: see ``SpellingNormalizer.common_word_swapped``.
READ_AS = "read_as"
# Titles before a name ("Dr. Kell"): spaCy keeps the full stop in the token.
HONORIFICS = frozenset(["dr.", "mr.", "mrs.", "ms.", "prof."])
# A letter typed three or more times in a row.
STRETCHED = re.compile(r"([a-z])\1{2,}")


def allowed_edits(word: str) -> int:
    """Edits tolerated for a word of this length: short words are easy to confuse."""
    if len(word) < 3:
        return 0
    return 1 if len(word) < 7 else 2


class SpellingNormalizer:
    """Canonical lower-case lemma in ``norm_``, misspelt key words repaired."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name
        self._nlp = nlp
        self.common_words: frozenset[str] = frozenset()
        self.key_words: tuple[str, ...] = ()

    def initialize(
        self,
        get_examples: object = None,
        *,
        nlp: Language | None = None,
        common_words: Iterable[str] = (),
        key_words: Iterable[str] = (),
    ) -> None:
        self.common_words = frozenset(common_words)
        self.key_words = tuple(sorted(set(key_words)))

    def is_common_word(self, word: str) -> bool:
        return word.lower() in self.common_words

    def is_known_word(self, word: str) -> bool:
        """Common English, the clinic's own vocabulary, or a misspelling of it."""
        return (
            self.is_common_word(word)
            or word.lower() in self.key_words
            or bool(self.unstretched(word) or self.repair(word))
            or bool(self.common_word_swapped(word.lower(), None))
        )

    def unstretched(self, word: str) -> str | None:
        """The known word a stretched one stands for: "hellooo" → "hello",
        "killl" → "kill" (letters repeated three or more times, as people type
        in chat)."""
        lowered = word.lower()
        if not STRETCHED.search(lowered):
            return None
        twice, once = STRETCHED.sub(r"\1\1", lowered), STRETCHED.sub(r"\1", lowered)
        for collapsed in (once, twice):
            if collapsed in self.common_words or collapsed in self.key_words:
                return collapsed
        return None

    def repair(self, word: str) -> str | None:
        """The key word this uncommon word is a misspelling of, if any."""
        lowered = word.lower()
        edits = allowed_edits(lowered)
        if not edits or lowered in self.common_words or lowered in self.key_words:
            return None
        match = process.extractOne(
            lowered, self.key_words, scorer=OSA.distance, score_cutoff=edits
        )
        return match[0] if match else None

    def common_word_swapped(self, word: str, repaired: str | None) -> str | None:
        """The common word that two swapped letters make of an uncommon ``word``
        ("thsi" → "this"), unless its key-word repair is a swap too: "waht" is
        "what" with "h" and "a" swapped more likely than "want" with a wrong
        letter. The crisis phrases still read the repair; only the classifier
        reads this."""
        if len(word) < 3 or self.is_common_word(word) or word in self.key_words:
            return None
        if repaired and is_swap(word, repaired):
            return None
        common = {swapped for swapped in swaps(word) if swapped in self.common_words}
        # "hwo" could be "how" or "who": no guess.
        return common.pop() if len(common) == 1 else None

    def _lemma_table(self) -> dict[str, str] | None:
        if "lemmatizer" not in self._nlp.pipe_names:
            return None
        lookups = self._nlp.get_pipe("lemmatizer").lookups
        return lookups.get_table("lemma_lookup") if lookups else None

    def __call__(self, doc: Doc) -> Doc:
        table = self._lemma_table()
        for token in doc:
            # spaCy's own norm already expands contractions: "ca n't" -> "can not".
            base = token.norm_ or token.lower_
            repaired = (
                self.unstretched(token.lower_) or self.repair(token.lower_)
                if token.is_alpha and not looks_like_a_name(token)
                else None
            )
            word = repaired or base
            lemma = lemma_of(word, table)
            if lowered_is_s(token):
                lemma = "be"
            if repaired:
                token.lemma_ = lemma
            swapped = (
                self.common_word_swapped(token.lower_, repaired)
                if token.is_alpha
                else None
            )
            token._.set(READ_AS, lemma_of(swapped, table) if swapped else None)
            token.norm_ = lemma
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / COMMON_WORDS_FILE, sorted(self.common_words))
        srsly.write_json(path / KEY_WORDS_FILE, list(self.key_words))

    def from_disk(
        self, path: str | Path, *, exclude: Iterable[str] = ()
    ) -> "SpellingNormalizer":
        path = Path(path)
        self.common_words = frozenset(srsly.read_json(path / COMMON_WORDS_FILE))
        self.key_words = tuple(srsly.read_json(path / KEY_WORDS_FILE))
        return self


def looks_like_a_name(token: Token) -> bool:
    """A capitalised word after a title: a name ("Dr. Kell", "Mrs. Hert"), not
    a misspelling of "kill" or "hurt". Only after a title: a capitalised word
    after another ("Feeling Sucidal", "Kil Myslef") is repaired as before."""
    if not token.is_title or token.i == 0:
        return False
    return token.doc[token.i - 1].lower_ in HONORIFICS


def lemma_of(word: str, table: dict[str, str] | None) -> str:
    return (table.get(word, word) if table is not None else word).lower()


def swaps(word: str) -> list[str]:
    """The words made by swapping two neighbouring letters of ``word``."""
    return [
        word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        for i in range(len(word) - 1)
        if word[i] != word[i + 1]
    ]


def is_swap(word: str, other: str) -> bool:
    return other in swaps(word)


def lowered_is_s(token: Token) -> bool:
    """True for an "'s" that stands for "is" rather than a possessive."""
    if token.lower_ not in {"'s", "\u2019s"} or token.i == 0:
        return False
    return token.doc[token.i - 1].lower_ in IS_CONTRACTION_HOSTS


if not Token.has_extension(READ_AS):
    Token.set_extension(READ_AS, default=None)


@Language.factory("clinic_normalizer")
def create_spelling_normalizer(nlp: Language, name: str) -> SpellingNormalizer:
    return SpellingNormalizer(nlp, name)
