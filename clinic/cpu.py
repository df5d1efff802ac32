"""How many cores a long-running process of the assistant keeps busy."""

from __future__ import annotations

import os

# One BLAS thread for the Rasa server and the training job. The sentence
# encoder multiplies small matrices for each message, and OpenBLAS's second
# thread mostly spun waiting for its share: with it the server used 64-75 ms of
# CPU per fuzz message, with one thread 39-43 ms, its answer alone 10-15 %
# slower; measuring a model on the test sets took 35.6 s of CPU instead of
# 25.2 s (docs/performance.md). A server answers visitors concurrently, a clinic
# group runs a replica per core, and a training job runs beside the live
# server: the CPU goes further one thread each.
BLAS_THREADS = 1


def one_blas_thread() -> None:
    """Call before numpy is imported (OpenBLAS reads it when it loads); an
    OPENBLAS_NUM_THREADS set by the caller wins."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(BLAS_THREADS))
