"""Training examples' embeddings kept between trainings: a retraining encodes
only what is new, with the real encoder, and gets what a full encoding gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from clinic.nlp.embedding_cache import (
    CACHE_VARIABLE,
    cache_path,
    encode_with_cache,
    read_cache,
)
from clinic.nlp.encoder import MiniLM

TEXTS = [
    "how much does it cost",
    "is ketamine addictive",
    "can i drive home after my infusion",
    "what does a session feel like",
]


class CountingEncoder:
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self, model: MiniLM) -> None:
        self.model, self.encoded = model, 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.encoded += len(texts)
        return self.model.encode(texts)


@pytest.fixture(scope="module")
def model() -> MiniLM:
    return MiniLM.load()


def test_a_retraining_encodes_only_the_new_examples(
    model: MiniLM, tmp_path: Path
) -> None:
    cache = tmp_path / "embeddings.npz"
    first = CountingEncoder(model)
    encode_with_cache(first, TEXTS, cache)
    assert first.encoded == len(TEXTS)

    edited = [*TEXTS, "where do i park for my appointment"]
    again = CountingEncoder(model)
    vectors = encode_with_cache(again, edited, cache)
    assert again.encoded == 1
    np.testing.assert_allclose(vectors, model.encode(edited), atol=1e-5)


def test_repeated_texts_are_encoded_once_and_kept_in_order(
    model: MiniLM, tmp_path: Path
) -> None:
    counting = CountingEncoder(model)
    texts = [TEXTS[1], TEXTS[0], TEXTS[1]]
    vectors = encode_with_cache(counting, texts, tmp_path / "embeddings.npz")
    assert counting.encoded == 2
    np.testing.assert_allclose(vectors, model.encode(texts), atol=1e-5)


def test_a_damaged_cache_is_ignored_and_rewritten(
    model: MiniLM, tmp_path: Path
) -> None:
    cache = tmp_path / "embeddings.npz"
    cache.write_bytes(b"not a numpy archive")
    counting = CountingEncoder(model)
    vectors = encode_with_cache(counting, TEXTS, cache)
    assert counting.encoded == len(TEXTS)
    np.testing.assert_allclose(vectors, model.encode(TEXTS), atol=1e-5)
    assert len(read_cache(cache)) == len(TEXTS)


def test_the_cache_sits_beside_rasas_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("RASA_CACHE_DIRECTORY", str(tmp_path / ".rasa" / "cache"))
    assert cache_path() == tmp_path / ".rasa" / "sentence-embeddings.npz"
    monkeypatch.setenv(CACHE_VARIABLE, str(tmp_path / "elsewhere.npz"))
    assert cache_path() == tmp_path / "elsewhere.npz"
