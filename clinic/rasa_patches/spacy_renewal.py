"""A fresh spaCy pipeline once the served one has learnt too many strings.

spaCy 3.4 keeps every string it has ever tokenised in its vocabulary's string
store, and short ones as lexemes too, for the life of the process: nothing
frees them (spaCy 3.8's ``memory_zone`` does, but Rasa 3.6 pins spaCy 3.4).
Visitors' typos, names and junk make that an unbounded growth: in the fuzz run,
random Unicode added about 50 strings and 16 KB per message. Once the pipeline
holds ``MAX_NEW_STRINGS`` more strings than it was loaded with, the Rasa
server loads it again from disk (a few hundred milliseconds, once in tens of
thousands of real messages) and every component uses the new one from the
next message on; the crisis detector rebuilds its matchers for it. A long
message being read on the worker thread meanwhile
(``clinic/rasa_patches/off_the_loop.py``) may meet the new pipeline in its later
components: the Matcher compares strings by their hashes, the same in both.
"""

from __future__ import annotations

import logging
import threading
from functools import wraps
from typing import Any

logger = logging.getLogger(__name__)

MAX_NEW_STRINGS = 100_000
STRINGS_AT_LOAD = "_clinic_strings_at_load"
# Held by the thread that reloads; the other goes on with the pipeline it has.
RENEWING = threading.Lock()


def renew_when_grown(model: Any, limit: int | None = None) -> bool:
    """Replaces ``model.model`` (Rasa's SpacyModel) with a freshly loaded
    pipeline when its vocabulary has grown by more than `limit` strings
    (``MAX_NEW_STRINGS``)."""
    limit = MAX_NEW_STRINGS if limit is None else limit
    nlp = model.model
    strings = len(nlp.vocab.strings)
    at_load = getattr(nlp, STRINGS_AT_LOAD, None)
    if at_load is None:
        setattr(nlp, STRINGS_AT_LOAD, strings)
        return False
    if strings - at_load <= limit or not RENEWING.acquire(blocking=False):
        return False
    try:
        if model.model is not nlp:  # renewed by the other thread just now
            return False
        from rasa.nlu.utils.spacy_utils import SpacyNLP

        fresh = SpacyNLP.load_model(model.model_name).model
        setattr(fresh, STRINGS_AT_LOAD, len(fresh.vocab.strings))
        model.model = fresh
    finally:
        RENEWING.release()
    logger.info(
        "spaCy pipeline reloaded: it had learnt %d strings since loading",
        strings - at_load,
    )
    return True


def renew_spacy_when_grown() -> None:
    """Rasa's SpacyNLP parses every message first: it renews the shared model
    before the message is read."""
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    rasas_process = SpacyNLP.process
    if getattr(rasas_process, "renews", False):
        return

    # wraps: Rasa wires its graph by the annotations of ``process``.
    @wraps(rasas_process)
    def process(self: Any, messages: Any, model: Any) -> Any:
        renew_when_grown(model)
        return rasas_process(self, messages, model)

    process.renews = True  # type: ignore[attr-defined]
    SpacyNLP.process = process  # type: ignore[method-assign]
