"""A long message is read on a worker thread while the event loop keeps going."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain

from clinic.limits import MAX_MESSAGE_CHARS
from clinic.rasa_patches.off_the_loop import (
    OFF_THE_LOOP_CHARS,
    read_long_messages_off_the_loop,
)

LONG = (
    "i have felt low for months and would like to know how a first visit goes. " * 900
)[: MAX_MESSAGE_CHARS - 15] + " i want to die"


@pytest.fixture(scope="module")
def processor(model_path: Path) -> MessageProcessor:
    empty = Domain.empty()
    return MessageProcessor(
        model_path, InMemoryTrackerStore(empty), InMemoryLockStore(), None
    )


@pytest.fixture
def patched(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        MessageProcessor, "parse_message", MessageProcessor.parse_message
    )
    read_long_messages_off_the_loop()
    yield


def reading_threads(
    processor: MessageProcessor, monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """Names the thread each parse of the model's graph ran on."""
    threads: list[str] = []
    rasas_own = processor._parse_message_with_graph

    def recorded(*args: Any, **kwargs: Any) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return rasas_own(*args, **kwargs)

    monkeypatch.setattr(processor, "_parse_message_with_graph", recorded)
    return threads


def test_a_long_message_is_read_on_the_worker_and_a_short_one_on_the_loop(
    processor: MessageProcessor, patched: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads = reading_threads(processor, monkeypatch)

    at_the_bound = ("what does a session cost? " * 100)[:OFF_THE_LOOP_CHARS]

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        long = await processor.parse_message(UserMessage(LONG))
        short = await processor.parse_message(UserMessage("hello"))
        await processor.parse_message(UserMessage(at_the_bound))
        return long, short

    long, short = asyncio.run(both())
    assert len(LONG) > OFF_THE_LOOP_CHARS == len(at_the_bound)
    assert threads[0].startswith("long-message")
    assert threads[1:] == [threading.main_thread().name] * 2
    assert long["intent"]["name"] == "crisis"
    assert short["intent"]["name"] == "greet"


def test_the_loop_keeps_going_while_a_long_message_is_read(
    processor: MessageProcessor, patched: None
) -> None:
    async def ticks_during_the_long_message() -> tuple[list[float], dict[str, Any]]:
        ticks: list[float] = []
        reading = asyncio.ensure_future(processor.parse_message(UserMessage(LONG)))
        while not reading.done():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)
        return ticks, await reading

    ticks, parsed = asyncio.run(ticks_during_the_long_message())
    gaps = [later - earlier for earlier, later in pairwise(ticks)]
    assert parsed["intent"]["name"] == "crisis"
    assert len(ticks) > 5
    assert max(gaps) < 0.5, max(gaps)
