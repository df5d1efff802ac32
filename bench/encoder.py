"""``python -m bench.encoder``: what the sentence encoder adds per message.

Encodes every message of the written held-out set and the real questions one
at a time, as the server does, and prints the median, 90th and 99th percentile
in milliseconds, with the load time and the weights' size (docs/performance.md).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

from clinic.evaluation import read_nlu_examples
from clinic.nlp.encoder import MiniLM, encoder_directory
from clinic.real_questions import crisis_posts, questions

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 20


def messages() -> list[str]:
    written = [e.text for e in read_nlu_examples(ROOT / "tests/nlu/test_nlu.yml")]
    real = [m.text for m in questions()] + [m.text for m in crisis_posts()]
    return written + real


def measure() -> dict[str, float]:
    started = time.perf_counter()
    encoder = MiniLM.load()
    load_seconds = time.perf_counter() - started
    texts = messages()
    for text in texts[:WARM_UP]:
        encoder.encode_one(text)
    timings = []
    for text in texts:
        started = time.perf_counter()
        encoder.encode_one(text)
        timings.append((time.perf_counter() - started) * 1000)
    weights = encoder_directory() / "model.safetensors"
    return {
        "messages": len(texts),
        "median_ms": round(statistics.median(timings), 2),
        "p90_ms": round(float(np.percentile(timings, 90)), 2),
        "p99_ms": round(float(np.percentile(timings, 99)), 2),
        "load_s": round(load_seconds, 2),
        "weights_mb": round(weights.stat().st_size / 1e6, 1),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
