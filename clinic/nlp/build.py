"""Build the project's spaCy pipeline into a folder that Rasa's SpacyNLP loads.

Usage: ``python -m clinic.nlp.build [TARGET_DIR]`` (default ``.spacy/clinic_en``).

The pipeline is built in code from spaCy's English tokenizer, the lookup lemmatizer
with tables from ``spacy-lookups-data`` and the project's spelling normaliser. Nothing
is downloaded: the lookup tables ship inside the ``spacy-lookups-data`` wheel.
"""

from __future__ import annotations

import sys
from pathlib import Path

import spacy
import spacy_lookups_data
import srsly
from spacy.language import Language

from clinic.nlp import figurative, normalizer  # noqa: F401  (register the factories)
from clinic.nlp.vocabulary import KEY_WORDS, TREATMENT_TERMS

DEFAULT_TARGET = Path(".spacy/clinic_en")
# Log-probability above which a word counts as common English (about 20,000 words).
COMMON_WORD_LOG_PROB = -13.5


def common_english_words(threshold: float = COMMON_WORD_LOG_PROB) -> list[str]:
    """Frequent English word forms, from the lexeme probability table."""
    data_dir = Path(spacy_lookups_data.__file__).parent / "data"
    probabilities = srsly.read_gzip_json(data_dir / "en_lexeme_prob.json.gz")
    return [word for word, logprob in probabilities.items() if logprob > threshold]


def build_pipeline() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("clinic_normalizer")
    nlp.add_pipe("clinic_figurative")
    nlp.initialize()
    nlp.get_pipe("clinic_normalizer").initialize(
        common_words=[*common_english_words(), *TREATMENT_TERMS], key_words=KEY_WORDS
    )
    nlp.meta["name"] = "clinic_en"
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = (
        "Tokenizer, lookup lemmatizer, spelling normaliser, figurative death words"
    )
    return nlp


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else DEFAULT_TARGET
    target.parent.mkdir(parents=True, exist_ok=True)
    build_pipeline().to_disk(target)
    print(f"spaCy pipeline written to {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
