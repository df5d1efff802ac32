"""Training examples' sentence embeddings, kept from one training to the next.

Encoding the ~4,000 training examples is half of a training's time (52 s of
about 105 s on these machines), and a retraining after a staff edit changes a
handful of them. So a training encodes only the texts it has not encoded
before and reads the rest from a file beside Rasa's own training cache
(``.rasa/sentence-embeddings.npz`` by default; ``CLINIC_EMBEDDING_CACHE`` names
another).

Each entry is keyed by the sha256 of its text and of the encoder: the official
weights' hash and the source of the forward pass (clinic/nlp/encoder.py), so a
change to either starts afresh. A training writes back the embeddings it used,
and those it found there while the file holds under 20,000 (30 MB), through a
temporary file and a rename: two trainings at once lose at most each other's
additions, and a damaged file is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Protocol

import numpy as np
from rasa.engine.caching import CACHE_LOCATION_ENV, DEFAULT_CACHE_LOCATION

from clinic.nlp import encoder

logger = logging.getLogger(__name__)

CACHE_VARIABLE = "CLINIC_EMBEDDING_CACHE"
CACHE_NAME = "sentence-embeddings.npz"
MAX_ENTRIES = 20_000  # 384 floats each: about 30 MB


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def cache_path() -> Path:
    """Beside Rasa's cache, not in it: Rasa empties its own directory at times."""
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured)
    rasa_cache = Path(os.environ.get(CACHE_LOCATION_ENV) or DEFAULT_CACHE_LOCATION)
    return rasa_cache.parent / CACHE_NAME


def encoder_identity() -> bytes:
    digest = hashlib.sha256(encoder.OFFICIAL_SHA256["model.safetensors"].encode())
    digest.update(Path(encoder.__file__).read_bytes())
    return digest.digest()


def keys_of(texts: list[str]) -> list[str]:
    identity = encoder_identity()
    return [
        hashlib.sha256(identity + text.encode("utf-8", "surrogatepass")).hexdigest()
        for text in texts
    ]


def read_cache(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        return {}
    try:
        with np.load(path, allow_pickle=False) as stored:
            return dict(zip(stored["keys"].tolist(), stored["vectors"], strict=True))
    except Exception as error:  # a damaged file costs one full encoding, no more
        logger.warning("Ignoring the embedding cache %s: %s", path, error)
        return {}


def write_cache(path: Path, entries: dict[str, np.ndarray]) -> None:
    keys = sorted(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npz")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(
                file,
                keys=np.array(keys),
                vectors=np.stack([entries[key] for key in keys]).astype(np.float32),
            )
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide it from a service user
        os.replace(temporary, path)
    except OSError as error:  # a read-only checkout trains, only slower
        logger.warning("Could not keep the embedding cache at %s: %s", path, error)
        Path(temporary).unlink(missing_ok=True)


def encode_with_cache(model: Encoder, texts: list[str], path: Path) -> np.ndarray:
    """``model.encode(texts)``, encoding only the texts not in the cache."""
    if not texts:
        return model.encode(texts)
    keys = keys_of(texts)
    known = read_cache(path)
    missing = {
        key: text for key, text in zip(keys, texts, strict=True) if key not in known
    }
    distinct = len(set(keys))
    logger.info(
        "Sentence embeddings: %d texts, %d encoded, %d from %s",
        distinct,
        len(missing),
        distinct - len(missing),
        path,
    )
    if missing:
        known.update(zip(missing, model.encode(list(missing.values())), strict=True))
    # Others' entries stay (cross-validation folds, a copy of the project) while
    # the file is small; past the bound it keeps this training's only. With
    # nothing new and nothing to drop, the file already holds exactly this.
    if len(known) > MAX_ENTRIES:
        write_cache(path, {key: known[key] for key in keys})
    elif missing:
        write_cache(path, known)
    return np.stack([known[key] for key in keys])
