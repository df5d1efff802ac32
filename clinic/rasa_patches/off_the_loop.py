"""A protection: a long message is read on a worker thread, so the server keeps
answering other visitors meanwhile.

Rasa 3.6 runs the model's graph for a message on its event loop: while one
message is read nothing else is, not another visitor's "hello", not a crisis
reply. A message of up to 64,000 characters is read whole (the crisis detector
parses it again in full and matches every phrase over its 14,000 tokens): over
a second of CPU on the slower machines here (docs/performance.md), during
which every other visitor of that server waited.

A message longer than ``OFF_THE_LOOP_CHARS`` is read by Rasa's own
``parse_message`` on one worker thread; shorter ones, nearly all of them, are
read on the loop as before. One worker: long messages wait for each other, not
for the short ones, and at most one core's worth of the server reads them.
The thread still shares Python's lock with the loop: the crisis detector
matches in slices (``clinic/components/crisis_detector.py``) so that no single
call holds it for long.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any

# Longer than the widget sends (1,000) and than the classifier reads; a message
# this long takes the server about 0.1 s.
OFF_THE_LOOP_CHARS = 2_000


@lru_cache(maxsize=1)
def long_message_reader() -> ThreadPoolExecutor:
    """Made on first use: nothing is started when the module is imported."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="long-message")


def read_long_messages_off_the_loop() -> None:
    from rasa.core.processor import MessageProcessor

    rasas_own = MessageProcessor.parse_message
    if getattr(rasas_own, "off_the_loop", False):
        return

    async def parse_message(
        self: MessageProcessor,
        message: Any,
        tracker: Any = None,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        if self.http_interpreter or len(message.text or "") <= OFF_THE_LOOP_CHARS:
            return await rasas_own(self, message, tracker, only_output_properties)
        # Rasa's own coroutine awaits nothing without an HTTP interpreter: run
        # whole on the worker, in a loop of its own. The conversation's lock is
        # held by the caller, so nothing else touches the tracker meanwhile.
        return await asyncio.get_running_loop().run_in_executor(
            long_message_reader(),
            lambda: asyncio.run(
                rasas_own(self, message, tracker, only_output_properties)
            ),
        )

    parse_message.off_the_loop = True  # type: ignore[attr-defined]
    MessageProcessor.parse_message = parse_message  # type: ignore[method-assign]
